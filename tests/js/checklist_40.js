// Checklist 40: for await over a sync iterable (an array, a generator) goes
// through CreateAsyncFromSyncIterator: promise elements are awaited, so the
// loop variable is the fulfilment value; two ticks per iteration. Mirrors
// test262 FAO/ticks-with-sync-iter-resolved-promise-and-constructor-lookup.js.
const log = (...a) => console.log(...a);
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick', i));
}
function* gen() {
  yield Promise.resolve('a');
  yield 'b';
}
async function overArray() {
  const p = Promise.resolve(0);
  witness(4);
  log('array pre');
  for await (const x of [p]) log('array loop', x, x instanceof Promise);
  log('array post');
}
async function overGenerator() {
  witness(6);
  log('gen pre');
  for await (const x of gen()) log('gen loop', x);
  log('gen post');
}
// A thenable element is adopted: its then runs in a job of its own.
const thenable = { then(resolve) { log('then called'); resolve('T'); } };
async function overThenable() {
  witness(8);
  log('thenable pre');
  for await (const x of [thenable, 'plain']) log('thenable loop', x);
  log('thenable post');
}
(async () => {
  await overArray();
  await overGenerator();
  await overThenable();
})();
