// Checklist 56: a promise in the value of a sync return() / throw() result is
// awaited and unwrapped: {value: Promise.resolve(42), done: true} becomes
// {value: 42, done: true}. Mirrors test262
// AFSIP/return/iterator-result-unwrap-promise.js and
// AFSIP/throw/iterator-result-unwrap-promise.js (here the yield* value is
// returned, so that the unwrapped 42 is seen).
const log = (...a) => console.log(...a);
const why = (e) => (e instanceof TypeError ? 'TypeError' : e instanceof Error ? e.message : String(e));
const step = (label, p) =>
  p.then((r) => log(label, 'fulfilled', r.value, r.done), (e) => log(label, 'rejected', why(e)));
const obj = {
  [Symbol.iterator]() {
    let throws = 0;
    return {
      next() { return { value: 1, done: false }; },
      return(v) {
        log('return called', v);
        return { value: Promise.resolve(42), done: true };
      },
      throw(e) {
        throws++;
        log('throw called', e);
        return throws === 1 ? { value: Promise.resolve(43), done: false }
                            : { value: Promise.resolve(42), done: true };
      },
    };
  },
};
async function* asyncg() {
  return yield* obj;
}
(async () => {
  let it = asyncg();
  await step('next', it.next());
  await step('return', it.return('x'));
  await step('next', it.next());
  it = asyncg();
  await step('next', it.next());
  await step('throw', it.throw('e1'));
  await step('throw', it.throw('e2'));
  await step('next', it.next());
})();
