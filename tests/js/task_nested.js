// An async function awaiting another: the inner one runs synchronously
// inside the outer's call, and the outer resumes a tick after the inner's
// promise settles.
const log = (s) => console.log(s);
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(7);
async function inner(n) {
  log('inner ' + n + ' start');
  await null;
  log('inner ' + n + ' mid');
  await null;
  log('inner ' + n + ' end');
  return n * 10;
}
async function outer() {
  log('outer start');
  const a = await inner(1);
  log('outer got ' + a);
  const b = await inner(2);
  log('outer got ' + b);
  return a + b;
}
outer().then((v) => log('outer fulfilled ' + v));
log('main end');
