// An async function that returns a promise adopts it: its own promise
// settles two ticks later than one that returns a plain value.
const log = (s) => console.log(s);
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(6);
async function plain() { return 1; }
async function adopting() { return Promise.resolve(2); }
async function awaiter() {
  const v = await adopting();
  log('awaiter got ' + v);
}
adopting().then((v) => log('adopting fulfilled ' + v));
plain().then((v) => log('plain fulfilled ' + v));
awaiter();
log('main end');
