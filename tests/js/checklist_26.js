// Checklist 26: yield Promise.reject(e) throws e into the body at the yield;
// uncaught, the pending next() rejects with e and the generator is completed,
// so the next next() resolves {undefined,true}.
// After SAG/yield-promise-reject-next.js.
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
const error = new Error('rejected');
async function* g() {
  log('body start');
  yield Promise.reject(error);
  log('must not run');
  yield 'unreachable';
}
const it = g();
it.next().then(
  (r) => log('next 1 fulfilled ' + res(r)),
  (e) => {
    log('next 1 rejected, same error ' + (e === error) + ': ' + show(e));
    thenLog(it.next(), 'next 3');
  },
);
thenLog(it.next(), 'next 2 (queued)');
let rejectLater;
async function* h() {
  log('h start');
  yield new Promise((_, rej) => {
    rejectLater = rej;
  });
  log('must not run');
}
const it2 = h();
thenLog(it2.next(), 'h next 1');
thenLog(it2.next(), 'h next 2 (queued)');
thenLog(it2.return('r'), 'h return (queued)');
Promise.resolve().then(() => {
  log('rejecting later');
  rejectLater(new Error('late rejection'));
});
log('main end');
