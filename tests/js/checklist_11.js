// Checklist 11: return(v) at a yield with no try/finally resolves {v,true};
// no code after the yield runs. After AGP/return/return-suspendedYield.js.
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
  log('body start');
  yield 1;
  log('must not run');
  yield 2;
}
async function main() {
  const it = g();
  log('next ' + res(await it.next()));
  log('return ' + res(await it.return('v')));
  log('next ' + res(await it.next()));
}
main();
log('main end');
