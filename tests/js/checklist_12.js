// Checklist 12: at a yield inside try{...}finally{ yield 2 }, return('sent-value')
// runs the finally block: return() resolves {2,false}, the next next()
// {sent-value,true}, then {undefined,true}.
// After AGP/return/return-suspendedYield-try-finally.js.
const log = (s) => console.log(s);
const show = (v) => (v instanceof TypeError ? 'TypeError' : v instanceof Error ? v.message : String(v));
const res = (r) => `{${show(r.value)},${r.done}}`;
const thenLog = (p, label) =>
  p.then((r) => log(label + ' ' + res(r)), (e) => log(label + ' rejected ' + show(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(10);
async function* g() {
  try {
    log('body start');
    yield 1;
    log('must not run');
  } finally {
    log('finally start');
    yield 2;
    log('finally end');
  }
  log('after try: must not run');
}
async function main() {
  const it = g();
  log('next ' + res(await it.next()));
  log('return ' + res(await it.return('sent-value')));
  log('next ' + res(await it.next()));
  log('next ' + res(await it.next()));
}
main();
log('main end');
