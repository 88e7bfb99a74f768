// Checklist 18: throw(e) on a generator that has not started never runs the
// body and rejects with exactly e; a promise argument is not awaited (the
// reason is the promise itself); afterwards next() resolves done.
// After AGP/throw/throw-suspendedStart.js, .../throw-suspendedStart-promise.js
// and AGP/throw/return-rejected-promise.js.
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
async function* g() {
  log('body ran');
  yield 1;
}
const err = new Error('boom');
const a = g();
a.throw(err).then(
  (r) => log('a throw fulfilled ' + res(r)),
  (e) => log('a throw rejected, same error ' + (e === err) + ': ' + show(e)),
);
thenLog(a.next(), 'a next');
const p = Promise.resolve('inner');
const b = g();
b.throw(p).then(
  (r) => log('b throw fulfilled ' + res(r)),
  (e) => log('b throw rejected, same promise ' + (e === p) + ': ' + show(e)),
);
thenLog(b.next(), 'b next');
const c = g();
thenLog(c.throw('a string'), 'c throw');
log('main end');
