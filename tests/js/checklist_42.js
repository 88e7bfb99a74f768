// Checklist 42: when next() throws (a sync iterator's next, through
// Async-from-Sync) or returns a rejected promise (an async iterator), the
// loop rejects with that error and return() is not called. Mirrors test262
// AFSIP/next/for-await-next-throws-no-close.js. (An async next() that throws
// synchronously has no C counterpart: a C next returns a promise.)
const log = (...a) => console.log(...a);
const syncIterable = {
  [Symbol.iterator]() {
    let i = 0;
    return {
      next() {
        i++;
        log('sync next', i);
        if (i === 2) throw new Error('next threw');
        return { value: i, done: false };
      },
      return() {
        log('sync return');
        return {};
      },
    };
  },
};
const asyncIterable = {
  [Symbol.asyncIterator]() {
    let i = 0;
    return {
      next() {
        i++;
        log('async next', i);
        if (i === 2) return Promise.reject(new Error('next rejected'));
        return Promise.resolve({ value: i, done: false });
      },
      return() {
        log('async return');
        return Promise.resolve({ done: true });
      },
    };
  },
};
(async () => {
  try {
    for await (const x of syncIterable) log('body', x);
  } catch (e) {
    log('caught', e.message);
  }
  try {
    for await (const x of asyncIterable) log('body', x);
  } catch (e) {
    log('caught', e.message);
  }
})();
