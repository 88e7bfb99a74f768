// An error from next() ends a for-of loop with that error and does not close
// the iterator (return() is not called).
const log = (...a) => console.log(...a);
const iterable = {
  [Symbol.iterator]() {
    let i = 0;
    return {
      next() {
        i++;
        log('next', i);
        if (i === 3) throw new Error('next error');
        return { value: i, done: false };
      },
      return() {
        log('return called');
        return {};
      },
    };
  },
};
function* failing() {
  try {
    yield 1;
    throw new Error('gen error');
  } finally {
    log('gen finally');
  }
}
try {
  for (const x of iterable) log('body', x);
} catch (e) {
  log('caught', e.message);
}
try {
  for (const x of failing()) log('body', x);
} catch (e) {
  log('caught', e.message);
}
