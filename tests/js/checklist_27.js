// Checklist 27: a try/catch around yield Promise.reject(e) catches e and the
// generator carries on; so does one around a yielded thenable whose then
// throws. After SAG/yield-promise-reject-next-catch.js.
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
const error = new Error('rejected');
async function* g() {
  log('body start');
  try {
    yield Promise.reject(error);
    log('must not run');
  } catch (e) {
    log('caught, same error ' + (e === error) + ': ' + show(e));
  }
  try {
    yield {
      then() {
        log('then called');
        throw new Error('then threw');
      },
    };
    log('must not run');
  } catch (e) {
    log('caught ' + show(e));
  }
  yield 'after catch';
  log('body end');
}
const it = g();
thenLog(it.next(), 'next 1');
thenLog(it.next(), 'next 2');
log('main end');
