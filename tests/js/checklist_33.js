// Checklist 33: yield* over a sync iterable whose element is a rejected
// promise, or over an async generator that yields Promise.reject(e): the
// outer next() rejects with e and the outer generator is closed.
async function* inner() { yield Promise.reject('e2'); }
async function* g1() { yield* [Promise.reject('e1')]; console.log('not reached'); }
async function* g2() { yield* inner(); console.log('not reached'); }
(async () => {
  for (const g of [g1(), g2()]) {
    try { await g.next(); } catch (e) { console.log('rejected', e); }
    const x = await g.next();
    console.log('after', x.value, x.done);
  }
})();
