// Checklist 3: next() called from inside the running body (state executing)
// is queued, not re-entered: the outer request settles first with {1,false},
// the re-entrant one with {2,false}, a later next() with {undefined,true}.
// After AGP/next/request-queue-order-state-executing.js.
const log = (s) => console.log(s);
const show = (v) => (v instanceof TypeError ? 'TypeError' : v instanceof Error ? v.message : String(v));
const res = (r) => `{${show(r.value)},${r.done}}`;
const thenLog = (p, label) =>
  p.then((r) => log(label + ' ' + res(r)), (e) => log(label + ' rejected ' + show(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(6);
let it;
async function* g() {
  log('body start');
  thenLog(it.next(), 're-entrant next');
  log('re-entrant next queued');
  yield 1;
  log('body after yield 1');
  yield 2;
  log('body after yield 2');
}
it = g();
it.next().then((r) => {
  log('outer next ' + res(r));
  thenLog(it.next(), 'later next');
});
log('main end');
