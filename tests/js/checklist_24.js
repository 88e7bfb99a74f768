// Checklist 24: calling the async generator function runs none of the body;
// next() runs it synchronously, inside the call, up to the first await or
// yield. After SAG/yield-star-async-next.js and the generated SAG/yield-*.js
// (callCount === 1 right after the calls).
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
let callCount = 0;
async function* g() {
  callCount++;
  log('g body start');
  await null;
  log('g after await');
  yield 'x';
  log('g after yield');
}
const it = g();
log('after g(): callCount ' + callCount);
const p = it.next();
log('after next(): callCount ' + callCount);
p.then((r) => {
  log('next ' + res(r));
  log('calling next again');
  thenLog(it.next(), 'second next');
  log('returned from second next');
});
async function* h() {
  log('h body start');
  yield 'y';
  log('h after yield');
}
const it2 = h();
log('after h()');
thenLog(it2.next(), 'h next');
thenLog(it2.next(), 'h second next');
log('after h next()');
log('main end');
