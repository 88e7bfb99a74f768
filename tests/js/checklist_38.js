// Checklist 38: an outer return(Promise.reject(e)) during yield* reaches the
// delegate as throw(e): the awaited rejection turns into a throw completion.
const obj = {
  [Symbol.asyncIterator]() {
    return {
      next() { return Promise.resolve({ value: 1, done: false }); },
      return(v) { console.log('delegate return', v); return Promise.resolve({ value: v, done: true }); },
      throw(e) { console.log('delegate throw', e); return Promise.resolve({ value: 'handled', done: true }); },
    };
  },
};
async function* g() {
  const r = yield* obj;
  console.log('yield* value', r);
  return 'outer done';
}
(async () => {
  const it = g();
  await it.next();
  const x = await it.return(Promise.reject('e'));
  console.log('outer', x.value, x.done);
})();
