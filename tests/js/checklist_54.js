// Checklist 54: when the sync return() gives back something that is not an
// object, return() rejects with a TypeError and the wrapping async generator
// is completed. Mirrors test262 AFSIP/return/result-object-error.js. (A C
// sync return hands back value and done, never a result object: the C twin's
// return reports the TypeError itself, and the test checks what follows.)
const log = (...a) => console.log(...a);
const why = (e) => (e instanceof TypeError ? 'TypeError' : e instanceof Error ? e.message : String(e));
const step = (label, p) =>
  p.then((r) => log(label, 'fulfilled', r.value, r.done), (e) => log(label, 'rejected', why(e)));
const obj = {
  [Symbol.iterator]() {
    return {
      next() { return { value: 1, done: false }; },
      return() {
        log('return called');
        return 1;
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
  await step('return', it.return());
  await step('next', it.next());
})();
