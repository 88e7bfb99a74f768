// Checklist 60: return <expr> costs exactly one extra tick, even return
// undefined, so its next() callback runs after tick 2; a first yield of a
// non-promise costs the same one tick (the operand is awaited first).
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
async function* gFalls() {}
async function* gReturnUndefined() {
  return undefined;
}
async function* gReturnValue() {
  return 'x';
}
async function* gYieldValue() {
  yield 'y';
}
async function* gYieldUndefined() {
  yield;
}
thenLog(gFalls().next(), 'falls off');
thenLog(gReturnUndefined().next(), 'return undefined');
thenLog(gReturnValue().next(), 'return x');
thenLog(gYieldValue().next(), 'yield y');
thenLog(gYieldUndefined().next(), 'yield');
log('main end');
