// await of a plain value also takes exactly one tick.
const log = (s) => console.log(s);
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(5);
async function f() {
  log('f start');
  const a = await 7;
  log('f got ' + a);
  const b = await undefined;
  log('f got ' + b);
  const c = await 'text';
  log('f got ' + c);
}
f();
log('main end');
