// await of a settled promise resumes after one tick: between the witness
// chain's first and second reactions, then again one tick later.
const log = (s) => console.log(s);
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(5);
async function f() {
  log('f start');
  const a = await Promise.resolve(1);
  log('f got ' + a);
  const b = await Promise.resolve(2);
  log('f got ' + b);
}
f();
log('main end');
