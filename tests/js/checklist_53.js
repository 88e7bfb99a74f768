// Checklist 53: when the sync iterator has no return method,
// %AsyncFromSyncIteratorPrototype%.return(v) resolves {value: v, done: true}
// and touches nothing else: through yield* (the outer return(v)) and through
// for await's close on break.
const log = (...a) => console.log(...a);
const why = (e) => (e instanceof TypeError ? 'TypeError' : e instanceof Error ? e.message : String(e));
const step = (label, p) =>
  p.then((r) => log(label, 'fulfilled', r.value, r.done), (e) => log(label, 'rejected', why(e)));
const iterable = {
  [Symbol.iterator]() {
    let i = 0;
    return {
      next() {
        i++;
        log('next', i);
        return { value: i, done: false };
      },
    };
  },
};
async function* outer() {
  try {
    yield* iterable;
  } finally {
    log('outer finally');
  }
}
(async () => {
  const it = outer();
  await step('outer next', it.next());
  await step('outer return', it.return('v'));
  await step('outer next', it.next());
  for await (const x of iterable) {
    log('body', x);
    break;
  }
  log('after loop');
})();
