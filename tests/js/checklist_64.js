// Checklist 64: the exact tick budget of a complete for await in an async
// function. Over a sync array holding one resolved promise:
//   pre, tick 1, tick 2, loop, tick 3, tick 4, post.
// Over a custom async iterator whose next returns Promise.resolve(result):
//   pre, tick 1, loop, tick 2, post.
// After FAO/ticks-with-sync-iter-resolved-promise-and-constructor-lookup.js
// and FAO/ticks-with-async-iter-resolved-promise-and-constructor-lookup*.js
// (their constructor look-ups have no C counterpart).
const log = (s) => console.log(s);
const show = (v) => (v instanceof TypeError ? 'TypeError' : v instanceof Error ? v.message : String(v));
const res = (r) => `{${show(r.value)},${r.done}}`;
const thenLog = (p, label) =>
  p.then((r) => log(label + ' ' + res(r)), (e) => log(label + ' rejected ' + show(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
async function overArray() {
  log('A pre');
  for await (const x of [Promise.resolve('a')]) log('A loop ' + show(x));
  log('A post');
}
async function overAsyncIter() {
  let i = 0;
  const iter = {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      return Promise.resolve(i++ < 1 ? { value: 'b', done: false } : { value: undefined, done: true });
    },
  };
  log('B pre');
  for await (const x of iter) log('B loop ' + show(x));
  log('B post');
}
async function main() {
  witness(4);
  await overArray();
  log('between');
  witness(2);
  await overAsyncIter();
  log('main done');
}
main();
log('main end');
