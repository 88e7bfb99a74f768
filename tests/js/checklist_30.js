// Checklist 30: yield* to an async iterable. The iterator getter is called
// once; the first inner next() gets undefined (the outer first next's
// argument is dropped), later ones get the outer next's argument; each inner
// result is awaited (a thenable's then runs); the done:true value becomes the
// value of the yield* expression and is not yielded.
let i = 0;
const obj = {
  [Symbol.asyncIterator]() {
    console.log('get iterator');
    return {
      next(v) {
        console.log('next', v);
        i++;
        return {
          then(resolve) {
            console.log('then', i);
            resolve(i < 3 ? { value: 'v' + i, done: false } : { value: 'ret', done: true });
          },
        };
      },
    };
  },
};
async function* g() {
  const r = yield* obj;
  console.log('yield* value', r);
  return 'end';
}
(async () => {
  const it = g();
  for (const arg of ['a', 'b', 'c', 'd']) {
    const x = await it.next(arg);
    console.log('outer', x.value, x.done);
  }
})();
