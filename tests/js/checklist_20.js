// Checklist 20: at a yield with no handler, throw(e) rejects with e and
// completes the generator; any exception escaping the body rejects the
// current request. After AGP/throw/throw-suspendedYield.js.
const log = (s) => console.log(s);
const show = (v) => (v instanceof TypeError ? 'TypeError' : v instanceof Error ? v.message : String(v));
const res = (r) => `{${show(r.value)},${r.done}}`;
const thenLog = (p, label) =>
  p.then((r) => log(label + ' ' + res(r)), (e) => log(label + ' rejected ' + show(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(14);
async function* g() {
  log('g start');
  yield 1;
  log('must not run');
}
async function* h() {
  log('h start');
  await null;
  throw new Error('escaped after await');
}
async function* k() {
  yield 1;
  throw new Error('escaped after yield');
}
const err = new Error('thrown in');
async function main() {
  const a = g();
  log('a next ' + res(await a.next()));
  try {
    await a.throw(err);
  } catch (e) {
    log('a throw rejected, same error ' + (e === err) + ': ' + show(e));
  }
  log('a next ' + res(await a.next()));
  const b = h();
  try {
    await b.next();
  } catch (e) {
    log('b next rejected ' + show(e));
  }
  log('b next ' + res(await b.next()));
  const c = k();
  log('c next ' + res(await c.next()));
  try {
    await c.next();
  } catch (e) {
    log('c next rejected ' + show(e));
  }
  log('c next ' + res(await c.next()));
}
main();
log('main end');
