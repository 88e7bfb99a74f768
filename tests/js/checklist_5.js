// Checklist 5: once a generator has completed (normally, by an uncaught
// throw, or by return()), every later next() resolves {undefined,true}.
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
async function* gNormal() {
  yield 1;
}
async function* gThrow() {
  log('gThrow body');
  throw new Error('boom');
}
async function* gYield() {
  yield 1;
  log('must not run');
}
async function main() {
  const a = gNormal();
  log('a ' + res(await a.next()));
  log('a ' + res(await a.next()));
  log('a ' + res(await a.next()));
  log('a ' + res(await a.next('ignored')));
  const b = gThrow();
  try {
    await b.next();
  } catch (e) {
    log('b rejected ' + show(e));
  }
  log('b ' + res(await b.next()));
  log('b ' + res(await b.next()));
  const c = gYield();
  log('c ' + res(await c.next()));
  log('c return ' + res(await c.return('r')));
  log('c ' + res(await c.next()));
  log('c ' + res(await c.next()));
  const d = gThrow();
  thenLog(d.next(), 'd next 1');
  thenLog(d.next(), 'd next 2');
  thenLog(d.next(), 'd next 3');
}
main();
log('main end');
