// Checklist 8: return(rejected promise) on a generator that has not started,
// or has completed, rejects with the reason; the generator stays completed.
// (The broken-promise variant, a constructor getter that throws, has no C
// counterpart.)
const log = (s) => console.log(s);
const show = (v) => (v instanceof TypeError ? 'TypeError' : v instanceof Error ? v.message : String(v));
const res = (r) => `{${show(r.value)},${r.done}}`;
const thenLog = (p, label) =>
  p.then((r) => log(label + ' ' + res(r)), (e) => log(label + ' rejected ' + show(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(8);
async function* g() {
  log('g body ran');
  yield 1;
}
async function* h() {
  log('h body ran');
}
const a = g();
thenLog(a.return(Promise.reject(new Error('rejected at start'))), 'a return');
thenLog(a.next(), 'a next');
const b = h();
b.next().then((r) => {
  log('b next ' + res(r));
  b.return(Promise.reject(new Error('rejected when completed'))).then(
    (r) => log('b return ' + res(r)),
    (e) => {
      log('b return rejected ' + show(e));
      thenLog(b.next(), 'b later next');
    },
  );
});
log('main end');
