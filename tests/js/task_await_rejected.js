// await of a rejected promise throws its reason at the await, one tick
// later, whether the reason is an error or not, settled or pending.
const log = (s) => console.log(s);
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(6);
let rejectP;
const pending = new Promise((_, rej) => { rejectP = rej; });
async function f() {
  log('f start');
  try { await Promise.reject(new Error('boom')); } catch (e) { log('f caught ' + e.message); }
  try { await Promise.reject(42); } catch (e) { log('f caught ' + e); }
  setTimeout(() => rejectP(new Error('later')), 1);
  try { await pending; } catch (e) { log('f caught ' + e.message); }
  return 'done';
}
f().then((v) => log('f fulfilled ' + v));
log('main end');
