// Checklist 46: on break, errors from closing propagate: a return() that
// rejects gives that error, and a return() result that is not an object gives
// a TypeError. Mirrors test262 FAO/iterator-close-non-throw-get-method-abrupt.js
// and ...-non-callable.js. (A throwing `return` getter, a non-callable
// `return`, and a return() that throws synchronously have no C counterpart:
// a vtable slot is a C function or NULL, and an async method hands back a
// promise.)
const log = (...a) => console.log(...a);
function iterable(label, close) {
  return {
    [Symbol.asyncIterator]() {
      return {
        next() { return Promise.resolve({ value: label, done: false }); },
        return() {
          log(label, 'return called');
          return close();
        },
      };
    },
  };
}
(async () => {
  const cases = [
    ['rejects', () => Promise.reject(new Error('close error'))],
    ['non-object', () => Promise.resolve(7)],
    ['non-object plain', () => 7],
    ['fulfils', () => Promise.resolve({ done: true })],
  ];
  for (const [label, close] of cases) {
    try {
      for await (const x of iterable(label, close)) {
        log('body', x);
        break;
      }
      log(label, 'after loop');
    } catch (e) {
      log(label, 'caught', e instanceof TypeError ? 'TypeError' : e.message);
    }
  }
})();
