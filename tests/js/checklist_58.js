// Checklist 58: when the sync iterator has a throw method, throw(e) calls it
// with e and handles its result as next()'s is handled: a promise value is
// awaited, an exception rejects. Mirrors test262
// AFSIP/throw/iterator-result.js (a generator's throw at a yield) and
// AFSIP/throw/poisoned-throw.js (a throw method that throws). The
// poisoned-wrapper case (throw-result-poisoned-wrapper.js) has no C
// counterpart; its rejected-promise form, which closes the iterator, is in
// checklist_52 (ECMA-262 2023+, unlike Node 20).
const log = (...a) => console.log(...a);
const why = (e) => (e instanceof TypeError ? 'TypeError' : e instanceof Error ? e.message : String(e));
const step = (label, p) =>
  p.then((r) => log(label, 'fulfilled', r.value, r.done), (e) => log(label, 'rejected', why(e)));
function* g() {
  yield 42;
  log('unreachable');
}
function* catching() {
  try {
    yield 1;
  } catch (e) {
    log('catching caught', e);
    yield Promise.resolve('recovered');
  }
}
const poisoned = {
  [Symbol.iterator]() {
    return {
      next() { return { value: 1, done: false }; },
      throw(e) {
        log('throw called', e);
        throw new Error('throw threw');
      },
    };
  },
};
async function* asyncg(iterable) {
  yield* iterable;
}
(async () => {
  let it = asyncg(g());
  await step('g next', it.next());
  await step('g throw', it.throw(new Error('catch me')));
  await step('g next', it.next());

  it = asyncg(catching());
  await step('catching next', it.next());
  await step('catching throw', it.throw('boom'));
  await step('catching next', it.next());

  it = asyncg(poisoned);
  await step('poisoned next', it.next());
  await step('poisoned throw', it.throw('boom'));
  await step('poisoned next', it.next());
})();
