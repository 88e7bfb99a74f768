// Checklist 17: a return(bad) queued behind a running body rejects with the
// promise-resolution error only after the body has completed. After
// AGP/return/return-blocked-broken-promise.js and
// AGP/return/return-state-completed-broken-promise.js; the broken promise (a
// constructor getter that throws) is N/A in C, so the bad values are a
// thenable whose then throws and a rejected promise.
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
let unblock;
const blocking = new Promise((res) => {
  unblock = res;
});
let unblocked = false;
async function* g() {
  log('g start');
  await blocking;
  unblocked = true;
  log('g completed');
}
const it = g();
thenLog(it.next(), 'next');
const bad = {
  then() {
    log('then called');
    throw new Error('broken promise');
  },
};
it.return(bad).then(
  () => log('return fulfilled: must not happen'),
  (err) => log('return rejected ' + show(err) + ', unblocked ' + unblocked),
);
thenLog(it.next(), 'queued next');
let unblock2;
const blocking2 = new Promise((res) => {
  unblock2 = res;
});
async function* h() {
  await blocking2;
  log('h completed');
}
const it2 = h();
thenLog(it2.next(), 'h next');
thenLog(it2.return(Promise.reject(new Error('rejected'))), 'h return');
log('unblocking');
unblock();
unblock2();
log('main end');
