// Checklist 25: yield p waits for p: the consumer receives the fulfilment
// value, never the promise. After AGP/next/request-queue-await-order.js.
const log = (s) => console.log(s);
const show = (v) => (v instanceof TypeError ? 'TypeError' : v instanceof Error ? v.message : String(v));
const res = (r) => `{${show(r.value)},${r.done}}`;
const thenLog = (p, label) =>
  p.then((r) => log(label + ' ' + res(r)), (e) => log(label + ' rejected ' + show(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(10);
let resolveLate;
const late = new Promise((r) => {
  resolveLate = r;
});
async function* g() {
  yield late;
  yield Promise.resolve('resolved');
  yield {
    then(r) {
      log('then called');
      r('from-thenable');
    },
  };
  yield 'plain';
}
const kind = (r) => (r.value instanceof Promise ? 'a promise' : 'not a promise');
async function main() {
  const it = g();
  for (let i = 0; i < 5; i++) {
    const r = await it.next();
    log('got ' + res(r) + ', ' + kind(r));
  }
}
main();
Promise.resolve().then(() => {
  log('resolving late');
  resolveLate('late-value');
});
log('main end');
