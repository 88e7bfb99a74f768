// Checklist 59: a body that finishes with no await (falls off the end, or
// return;) has resolved next()'s promise by the time next() returns: the
// consumer's then runs right after tick 1. return undefined (an expression)
// costs a tick more. Mirrors SAG/return-undefined-implicit-and-explicit.js:
// tick 1, g1 ret, g2 ret, tick 2, g3 ret, g4 ret.
const log = (s) => console.log(s);
const show = (v) => (v instanceof TypeError ? 'TypeError' : v instanceof Error ? v.message : String(v));
const res = (r) => `{${show(r.value)},${r.done}}`;
const thenLog = (p, label) =>
  p.then((r) => log(label + ' ' + res(r)), (e) => log(label + ' rejected ' + show(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(3);
async function* g1() {}
async function* g2() {
  return;
}
async function* g3() {
  return undefined;
}
async function* g4() {
  return void 0;
}
thenLog(g1().next(), 'g1 ret');
thenLog(g2().next(), 'g2 ret');
thenLog(g3().next(), 'g3 ret');
thenLog(g4().next(), 'g4 ret');
log('main end');
