// Checklist 50: %AsyncFromSyncIteratorPrototype%.next rejects with the error
// a sync next() throws and does not close the iterator; through yield* too.
// Mirrors test262 AFSIP/next/iterator-result-rejected.js (a generator that
// throws) and AFSIP/next/yield-next-throws-no-close.js (an iterator whose
// next throws, with a return that must not be called).
const log = (...a) => console.log(...a);
const why = (e) => (e instanceof TypeError ? 'TypeError' : e instanceof Error ? e.message : String(e));
const step = (label, p) =>
  p.then((r) => log(label, 'fulfilled', r.value, r.done), (e) => log(label, 'rejected', why(e)));
function* g() {
  log('g runs');
  throw new Error('catch me');
}
const syncIterator = {
  [Symbol.iterator]() { return this; },
  next() {
    log('next throws');
    throw new Error('thrown');
  },
  return() {
    log('return called');
    return {};
  },
};
async function* viaGenerator() { yield* g(); }
async function* viaIterator() { yield* syncIterator; }
(async () => {
  let it = viaGenerator();
  await step('generator next', it.next());
  await step('generator next', it.next());
  it = viaIterator();
  await step('iterator next', it.next());
  await step('iterator next', it.next());
})();
