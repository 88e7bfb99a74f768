// Checklist 6: return(v) on a generator that has not started never runs the
// body and resolves {v,true}; the generator is then completed.
// After AGP/return/return-suspendedStart.js.
const log = (s) => console.log(s);
const show = (v) => (v instanceof TypeError ? 'TypeError' : v instanceof Error ? v.message : String(v));
const res = (r) => `{${show(r.value)},${r.done}}`;
const thenLog = (p, label) =>
  p.then((r) => log(label + ' ' + res(r)), (e) => log(label + ' rejected ' + show(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(4);
async function* g() {
  log('body ran');
  yield 1;
}
const it = g();
it.return('v').then((r) => {
  log('return ' + res(r));
  thenLog(it.next(), 'later next');
});
thenLog(it.next(), 'queued next');
log('main end');
