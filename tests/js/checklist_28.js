// Checklist 28: return expr awaits expr before completing: the request
// resolves {<fulfilled>,true} or rejects if expr rejects. A bare return; or
// falling off the end does not wait and resolves {undefined,true}.
// After SAG/return-undefined-implicit-and-explicit.js.
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
let resolvePending;
const pending = new Promise((r) => {
  resolvePending = r;
});
async function* g1() {
  return Promise.resolve('fulfilled');
}
async function* g2() {
  return Promise.reject(new Error('return rejected'));
}
async function* g3() {
  return 'plain';
}
async function* g4() {
  return;
}
async function* g5() {}
async function* g6() {
  return pending;
}
thenLog(g1().next(), 'g1 return Promise.resolve');
const it2 = g2();
it2.next().then(
  (r) => log('g2 fulfilled ' + res(r)),
  (e) => {
    log('g2 return Promise.reject rejected ' + show(e));
    thenLog(it2.next(), 'g2 later next');
  },
);
thenLog(g3().next(), 'g3 return plain');
thenLog(g4().next(), 'g4 bare return');
thenLog(g5().next(), 'g5 falls off the end');
thenLog(g6().next(), 'g6 return pending');
Promise.resolve().then(() => {
  log('resolving pending');
  resolvePending('late');
});
log('main end');
