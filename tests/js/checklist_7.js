// Checklist 7: return(p) on a generator that has not started waits for p and
// resolves {<p's value>,true}. After AGP/return/return-suspendedStart-promise.js,
// with an already resolved promise and a thenable besides.
const log = (s) => console.log(s);
const show = (v) => (v instanceof TypeError ? 'TypeError' : v instanceof Error ? v.message : String(v));
const res = (r) => `{${show(r.value)},${r.done}}`;
const thenLog = (p, label) =>
  p.then((r) => log(label + ' ' + res(r)), (e) => log(label + ' rejected ' + show(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(6);
async function* g() {
  log('body ran');
}
let resolve;
const promise = new Promise((r) => {
  resolve = r;
});
thenLog(g().return(promise), 'return(pending)');
thenLog(g().return(Promise.resolve('resolved-value')), 'return(resolved)');
const thenable = {
  then(r) {
    log('thenable then called');
    r('thenable-value');
  },
};
thenLog(g().return(thenable), 'return(thenable)');
log('resolving');
resolve('unwrapped-value');
log('main end');
