// Checklist 21: at a yield inside try{}catch{}, throw(e) enters the catch;
// the throw() promise resolves with what the catch block yields or returns.
// A promise thrown in is not awaited: the catch receives the promise.
// After AGP/throw/throw-suspendedYield-try-catch.js.
const log = (s) => console.log(s);
const show = (v) => (v instanceof TypeError ? 'TypeError' : v instanceof Error ? v.message : String(v));
const res = (r) => `{${show(r.value)},${r.done}}`;
const thenLog = (p, label) =>
  p.then((r) => log(label + ' ' + res(r)), (e) => log(label + ' rejected ' + show(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(16);
async function* g() {
  try {
    yield 1;
    log('must not run');
  } catch (e) {
    log('g caught ' + show(e));
    yield 'from-catch';
  }
  log('g after catch');
}
async function* h() {
  try {
    yield 1;
  } catch (e) {
    log('h caught ' + show(e));
    return 'returned-from-catch';
  }
}
async function* k() {
  try {
    yield 1;
  } catch (e) {
    log('k caught ' + show(e) + ', same promise ' + (e === thrownPromise));
    yield 'k-from-catch';
  }
}
const thrownPromise = Promise.resolve('p');
async function main() {
  const a = g();
  log('a next ' + res(await a.next()));
  log('a throw ' + res(await a.throw(new Error('e1'))));
  log('a next ' + res(await a.next()));
  const b = h();
  log('b next ' + res(await b.next()));
  log('b throw ' + res(await b.throw(new Error('e2'))));
  log('b next ' + res(await b.next()));
  const c = k();
  log('c next ' + res(await c.next()));
  log('c throw ' + res(await c.throw(thrownPromise)));
  log('c next ' + res(await c.next()));
}
main();
log('main end');
