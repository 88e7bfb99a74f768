// Checklist 16: return(v) issued while the body runs or awaits (executing)
// is only queued: the in-flight next() settles first with its yield value,
// then return() resolves {v,true}, and later next() calls resolve done.
// throw(e) issued in the same state is queued the same way.
// After AGP/return/request-queue-order-state-executing.js and
// AGP/throw/request-queue-order-state-executing.js.
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
let order = 0;
let valueisset = false;
let iter;
async function* g() {
  iter.return(42).then((r) => {
    log('g return ' + res(r) + ' valueisset ' + valueisset + ' order ' + ++order);
  });
  valueisset = true;
  yield 1;
  log('must not run');
}
iter = g();
iter.next().then((r) => {
  log('g next ' + res(r) + ' order ' + ++order);
  iter.next().then((r) => log('g later next ' + res(r) + ' order ' + ++order));
});
let iter2;
async function* h() {
  thenLog(iter2.throw(new Error('queued throw')), 'h throw');
  yield 1;
  log('must not run');
}
iter2 = h();
iter2.next().then((r) => {
  log('h next ' + res(r));
  thenLog(iter2.next(), 'h later next');
});
let release;
async function* k() {
  log('k start');
  await new Promise((r) => {
    release = r;
  });
  log('k resumed');
  yield 1;
  log('must not run');
}
const iter3 = k();
thenLog(iter3.next(), 'k next');
thenLog(iter3.return('r'), 'k return');
thenLog(iter3.next(), 'k later next');
async function* m() {
  try {
    await null;
    yield 1;
    log('must not run');
  } finally {
    log('m finally');
    yield 'm-finally';
  }
}
const iter4 = m();
thenLog(iter4.next(), 'm next');
thenLog(iter4.return('mr'), 'm return');
thenLog(iter4.next(), 'm later next');
thenLog(iter4.next(), 'm last next');
log('releasing k');
release();
log('main end');
