// Checklist 37: an outer throw(e) during yield* to a delegate without a throw
// method closes the delegate (its return is called and awaited), then a
// TypeError is raised in the outer generator.
const obj = {
  [Symbol.asyncIterator]() {
    return {
      next() { console.log('next'); return Promise.resolve({ value: 1, done: false }); },
      return(v) {
        console.log('return', v);
        return new Promise(res => setTimeout(() => { console.log('return settles'); res({ value: 'r', done: true }); }, 5));
      },
    };
  },
};
async function* g() {
  try { yield* obj; } catch (e) { console.log('outer caught', e instanceof TypeError ? 'TypeError' : e); yield 'after'; }
}
(async () => {
  const it = g();
  let x = await it.next();
  console.log('outer', x.value, x.done);
  x = await it.throw('boom');
  console.log('outer', x.value, x.done);
})();
