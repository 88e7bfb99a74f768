// Checklist 32: yield* does not await the values an async iterator produces:
// a promise in value reaches the consumer as the same promise; the
// delegate's return/throw are never touched in normal flow.
const inside = Promise.resolve('inside');
let n = 0;
const obj = {
  [Symbol.asyncIterator]() {
    return {
      next() {
        n++;
        return Promise.resolve(n === 1 ? { value: inside, done: false } : { value: undefined, done: true });
      },
      get return() { console.log('return touched'); return undefined; },
      get throw() { console.log('throw touched'); return undefined; },
    };
  },
};
async function* g() { yield* obj; }
(async () => {
  const it = g();
  const x = await it.next();
  console.log('same promise', x.value === inside, x.done);
  const y = await it.next();
  console.log('then', y.value, y.done);
})();
