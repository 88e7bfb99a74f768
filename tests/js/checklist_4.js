// Checklist 4: next/return/throw never throw synchronously and always return
// a fresh promise; with a this that is not an object, or not an async
// generator, the promise rejects with a TypeError. After
// AGP/{next,return,throw}/this-val-not-object.js,
// AGP/{next,return,throw}/this-val-not-async-generator.js,
// AGP/throw/return-rejected-promise.js and AFSIP/next/return-promise.js.
const log = (s) => console.log(s);
const show = (v) => (v instanceof TypeError ? 'TypeError' : v instanceof Error ? v.message : String(v));
const res = (r) => `{${show(r.value)},${r.done}}`;
const thenLog = (p, label) =>
  p.then((r) => log(label + ' ' + res(r)), (e) => log(label + ' rejected ' + show(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
async function* g() {
  log('g body');
}
function* syncGen() {
  log('syncGen body');
}
const AGP = Object.getPrototypeOf(g).prototype;
const targets = [
  ['1', 1],
  ['undefined', undefined],
  ['a string', 'str'],
  ['an object', {}],
  ['a sync generator', syncGen()],
];
for (const m of ['next', 'return', 'throw']) {
  for (const [name, t] of targets) {
    const p = AGP[m].call(t, new Error('argument'));
    log(m + ' on ' + name + ': ' + (p instanceof Promise ? 'promise' : typeof p));
    thenLog(p, m + ' on ' + name);
  }
}
const it = g();
const a = it.next();
const b = it.next();
const c = it.return('r');
const d = it.throw(new Error('thrown'));
const all = [a, b, c, d];
log('all promises: ' + all.every((p) => p instanceof Promise));
log('all distinct: ' + (new Set(all).size === all.length));
thenLog(a, 'a next');
thenLog(b, 'b next');
thenLog(c, 'c return');
thenLog(d, 'd throw');
const t = g().throw(new Error('Promise rejected.'));
log('throw at start: ' + (t instanceof Promise ? 'promise' : typeof t));
thenLog(t, 'throw at start');
function* inner() {
  yield 'from sync';
}
async function* outer() {
  yield* inner();
}
const o = outer();
const y = o.next();
log('yield* sync next: ' + (y instanceof Promise ? 'promise' : typeof y));
thenLog(y, 'yield* sync next');
thenLog(o.next(), 'yield* sync next 2');
log('main end');
