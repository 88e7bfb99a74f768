// Checklist 13: a finally block that throws during return() makes return()
// reject with that error, and the generator is completed.
// After AGP/return/return-suspendedYield-try-finally-throw.js.
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
async function* g() {
  try {
    log('body start');
    yield 1;
    log('must not run');
  } finally {
    log('finally throws');
    throw new Error('from finally');
  }
}
async function main() {
  const it = g();
  log('next ' + res(await it.next()));
  try {
    log('return ' + res(await it.return('v')));
  } catch (e) {
    log('return rejected ' + show(e));
  }
  log('next ' + res(await it.next()));
}
main();
log('main end');
