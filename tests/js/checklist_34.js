// Checklist 34: yield* protocol errors reject the outer request with a
// TypeError: [Symbol.asyncIterator]() returning a non-object,
// [Symbol.iterator]() returning a non-object, a non-callable next, and an
// awaited inner result that is not an object.
const cases = {
  asyncNonObject: { [Symbol.asyncIterator]() { console.log('asyncIterator called'); return 1; } },
  syncNonObject: { [Symbol.iterator]() { console.log('iterator called'); return 1; } },
  nextNotCallable: { [Symbol.asyncIterator]() { console.log('asyncIterator called'); return { next: 1 }; } },
  resultNonObject: { [Symbol.asyncIterator]() { return { next() { console.log('next called'); return Promise.resolve(1); } }; } },
};
(async () => {
  for (const [name, obj] of Object.entries(cases)) {
    async function* g() { yield* obj; }
    const it = g();
    try { await it.next(); } catch (e) { console.log(name, e instanceof TypeError ? 'TypeError' : e); }
    const x = await it.next();
    console.log(name, 'after', x.value, x.done);
  }
})();
