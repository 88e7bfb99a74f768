// Checklist 2: the first yield waits on a pending promise; the queued
// requests wait behind it and settle in order (1, 2, done), and the first
// value is the resolved value, not the promise. Mirrors
// AGP/next/request-queue-await-order.js and
// AGP/next/request-queue-promise-resolve-order.js together.
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
let yieldorder = 0;
let resolveLatePromise;
function resolveLater() {
  return new Promise((resolve) => {
    resolveLatePromise = resolve;
  });
}
async function* g() {
  log('body start');
  yield resolveLater();
  log('body after first yield');
  yield ++yieldorder;
  log('body end');
}
const iter = g();
const item1 = iter.next();
const item2 = iter.next();
const item3 = iter.next();
async function awaitnexts() {
  log('await item3 ' + res(await item3));
  log('await item2 ' + res(await item2));
  log('await item1 ' + res(await item1));
}
awaitnexts();
thenLog(item3, 'then item3');
thenLog(item2, 'then item2');
thenLog(item1, 'then item1');
log('resolving');
resolveLatePromise(++yieldorder);
log('main end');
