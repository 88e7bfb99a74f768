// Checklist 39: for await over an async iterable awaits each next() result
// once and leaves `value` alone (the loop variable is the promise itself):
// one tick per iteration. Mirrors test262
// FAO/ticks-with-async-iter-resolved-promise-and-constructor-lookup.js (next
// returns Promise.resolve(result)) and ...-lookup-two.js (next returns the
// result itself), with a second element added.
const log = (...a) => console.log(...a);
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick', i));
}
function wrapped(items) {
  return {
    [Symbol.asyncIterator]() {
      const it = items[Symbol.iterator]();
      return { next() { return Promise.resolve(it.next()); } };
    },
  };
}
function bare(items) {
  return { [Symbol.asyncIterator]() { return items[Symbol.iterator](); } };
}
async function run(label, make) {
  const p = Promise.resolve(0);
  witness(3);
  log(label, 'pre');
  for await (const x of make([p, 'b']))
    log(label, 'loop', x === p ? 'the promise' : x, x instanceof Promise);
  log(label, 'post');
}
// An async generator: a job the body or the loop queues runs before the
// loop gets its next value, a queued next() is served first, and each
// iteration costs the ticks of yield's await and of the loop's await.
async function* ag() {
  for (let i = 1; i <= 3; i++) {
    if (i === 2) Promise.resolve().then(() => log('gen job', i));
    log('gen yields', i);
    yield i;
  }
}
async function overGenerator() {
  await null;
  for await (const x of ag()) {
    log('body', x);
    if (x === 1) Promise.resolve().then(() => log('body job'));
  }
  log('after');
  witness(9);
  for await (const x of ag()) log('body2', x);
  log('after2');
  await null;
  const it = ag();
  it.next().then((r) => log('early next', r.value));
  for await (const x of it) log('body3', x);
  log('after3');
}
(async () => {
  await run('wrapped', wrapped);
  await run('bare', bare);
  await overGenerator();
})();
