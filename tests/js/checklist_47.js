// Checklist 47: a loop that runs until done: true never calls return(), over
// an async iterator or over a sync one (through Async-from-Sync).
const log = (...a) => console.log(...a);
const asyncIterable = {
  [Symbol.asyncIterator]() {
    let i = 0;
    return {
      next() {
        i++;
        return Promise.resolve(i <= 2 ? { value: i, done: false } : { value: 'end', done: true });
      },
      return() {
        log('async return');
        return Promise.resolve({ done: true });
      },
    };
  },
};
const syncIterable = {
  [Symbol.iterator]() {
    let i = 0;
    return {
      next() {
        i++;
        return i <= 2 ? { value: i * 10, done: false } : { value: 'end', done: true };
      },
      return() {
        log('sync return');
        return {};
      },
    };
  },
};
(async () => {
  for await (const x of asyncIterable) log('async body', x);
  log('async after');
  for await (const x of syncIterable) log('sync body', x);
  log('sync after');
})();
