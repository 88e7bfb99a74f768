// Checklist 10: return(v) on a completed generator resolves {<awaited v>,true}
// and runs no user code; a next() made while it waits is queued behind it. After AGP/return/return-state-completed.js.
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
    log('body start');
    yield 1;
  } finally {
    log('finally ran');
  }
}
async function main() {
  const it = g();
  log('next ' + res(await it.next()));
  log('next ' + res(await it.next()));
  log('return ' + res(await it.return('plain')));
  log('return ' + res(await it.return(Promise.resolve('awaited'))));
  log('next ' + res(await it.next()));
  let resolveIt;
  const pend = new Promise((r) => {
    resolveIt = r;
  });
  const p = it.return(pend);
  thenLog(it.next(), 'queued next');
  thenLog(p, 'return(pending)');
  log('resolving');
  resolveIt('late');
  await p;
  log('main done');
}
main();
log('main end');
