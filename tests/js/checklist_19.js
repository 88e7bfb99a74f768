// Checklist 19: throw(e) on a completed generator rejects with e and runs no
// user code. After AGP/throw/throw-state-completed.js.
const log = (s) => console.log(s);
const show = (v) => (v instanceof TypeError ? 'TypeError' : v instanceof Error ? v.message : String(v));
const res = (r) => `{${show(r.value)},${r.done}}`;
const thenLog = (p, label) =>
  p.then((r) => log(label + ' ' + res(r)), (e) => log(label + ' rejected ' + show(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(12);
async function* g() {
  try {
    yield 1;
  } catch (e) {
    log('catch ran: must not');
  } finally {
    log('finally ran');
  }
}
const err = new Error('boom');
async function main() {
  const a = g();
  log('a next ' + res(await a.next()));
  log('a next ' + res(await a.next()));
  try {
    await a.throw(err);
  } catch (e) {
    log('a throw rejected, same error ' + (e === err) + ': ' + show(e));
  }
  log('a next ' + res(await a.next()));
  const b = g();
  log('b next ' + res(await b.next()));
  log('b return ' + res(await b.return('r')));
  try {
    await b.throw(err);
  } catch (e) {
    log('b throw rejected, same error ' + (e === err) + ': ' + show(e));
  }
}
main();
log('main end');
