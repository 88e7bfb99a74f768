// Checklist 1: three next() calls made before any result settles settle in
// call order: {first,false}, {second,false}, {undefined,true}. Mirrors
// AGP/next/request-queue-order.js, which registers its thens in reverse.
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
  log('body start');
  yield 'first';
  log('body after first');
  yield 'second';
  log('body after second');
}
const iter = g();
const item1 = iter.next();
const item2 = iter.next();
const item3 = iter.next();
log('three nexts issued');
thenLog(item3, 'item3');
thenLog(item2, 'item2');
thenLog(item1, 'item1');
log('main end');
