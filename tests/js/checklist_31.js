// Checklist 31: yield* to a sync iterable falls back to Symbol.iterator,
// wraps it (Async-from-Sync): sync next gets the same arguments, and the
// values reach the consumer awaited.
let i = 0;
const obj = {
  [Symbol.iterator]() {
    console.log('get sync iterator');
    return {
      next(v) {
        console.log('sync next', v);
        i++;
        return i < 3 ? { value: Promise.resolve('p' + i), done: false } : { value: 'ret', done: true };
      },
    };
  },
};
async function* g() {
  const r = yield* obj;
  console.log('yield* value', r);
}
(async () => {
  const it = g();
  for (const arg of ['a', 'b', 'c']) {
    const x = await it.next(arg);
    console.log('outer', x.value, x.done);
  }
})();
