// Checklist 55: when the sync return method throws, return() rejects with
// that error (and the wrapping generator is completed). Mirrors test262
// AFSIP/return/poisoned-return.js. (AFSIP/return/poisoned-get-return.js makes
// the `return` getter throw: no C counterpart, a vtable slot has no getter.)
const log = (...a) => console.log(...a);
const why = (e) => (e instanceof TypeError ? 'TypeError' : e instanceof Error ? e.message : String(e));
const step = (label, p) =>
  p.then((r) => log(label, 'fulfilled', r.value, r.done), (e) => log(label, 'rejected', why(e)));
const obj = {
  [Symbol.iterator]() {
    return {
      next() { return { value: 1, done: false }; },
      return(v) {
        log('return called', v);
        throw new Error('catch me');
      },
    };
  },
};
async function* asyncg() {
  yield* obj;
}
(async () => {
  const it = asyncg();
  await step('next', it.next());
  await step('return', it.return('x'));
  await step('next', it.next());
})();
