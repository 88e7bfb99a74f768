// Checklist 66: where several results settle in the same turn their
// callbacks run in request order, even when the thens are registered in
// reverse. After AGP/next/request-queue-order.js and
// AGP/next/request-queue-promise-resolve-order.js.
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
let unblock;
const blocking = new Promise((r) => {
  unblock = r;
});
async function* g() {
  log('body start');
  await blocking;
  log('body end');
}
const it = g();
const r1 = it.next();
const r2 = it.next();
const r3 = it.throw(new Error('queued throw'));
const r4 = it.next();
const r5 = it.return('r');
const r6 = it.next();
thenLog(r6, 'r6 next');
thenLog(r5, 'r5 return');
thenLog(r4, 'r4 next');
thenLog(r3, 'r3 throw');
thenLog(r2, 'r2 next');
thenLog(r1, 'r1 next');
async function* h() {
  log('h start');
  yield 1;
  yield 2;
  yield 3;
}
const it2 = h();
const s = [it2.next(), it2.next(), it2.next(), it2.next()];
Promise.all(s.slice().reverse().map((p, i) => p.then((r) => log('s' + (4 - i) + ' ' + res(r))))).then(
  () => log('all four settled'),
);
log('unblocking');
unblock();
log('main end');
