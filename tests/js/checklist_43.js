// Checklist 43: an awaited next() result that is not an object makes the
// loop throw a TypeError, and return() is not called. next() returns the
// primitive itself, then a promise of one. (The sync path, where a sync
// next() returns a primitive, has no C counterpart: a C sync next hands back
// value and done, never a result object.)
const log = (...a) => console.log(...a);
function iterable(label, wrap) {
  return {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next() {
          i++;
          log(label, 'next', i);
          const r = i === 1 ? { value: 'ok', done: false } : 42;
          return wrap ? Promise.resolve(r) : r;
        },
        return() {
          log(label, 'return');
          return { done: true };
        },
      };
    },
  };
}
(async () => {
  for (const [label, wrap] of [['plain', false], ['promise', true]]) {
    try {
      for await (const x of iterable(label, wrap)) log(label, 'body', x);
    } catch (e) {
      log(label, 'caught', e instanceof TypeError ? 'TypeError' : e);
    }
  }
})();
