// Checklist 45: when the body throws, return() is still called and awaited,
// then the body's exception propagates; a return() that rejects, or whose
// result is not an object, is ignored. Mirrors test262
// FAO/iterator-close-throw-get-method-abrupt.js and ...-non-callable.js.
// (A `return` getter that throws, a non-callable `return`, and a return()
// that throws synchronously have no C counterpart: a vtable slot is a C
// function or NULL, and an async method hands back a promise.)
const log = (...a) => console.log(...a);
function iterable(label, close) {
  return {
    [Symbol.asyncIterator]() {
      return {
        next() { return Promise.resolve({ value: label, done: false }); },
        return(...args) {
          log(label, 'return called, arguments', args.length);
          return close();
        },
      };
    },
  };
}
const later = (v) => Promise.resolve().then(() => { log('return settles'); return v; });
(async () => {
  const cases = [
    ['fulfils', () => later({ done: true })],
    ['rejects', () => later(Promise.reject(new Error('close error')))],
    ['non-object', () => later(7)],
  ];
  for (const [label, close] of cases) {
    try {
      for await (const x of iterable(label, close)) {
        log('body', x);
        throw new Error('body error');
      }
    } catch (e) {
      log(label, 'caught', e instanceof TypeError ? 'TypeError' : e.message);
    }
  }
})();
