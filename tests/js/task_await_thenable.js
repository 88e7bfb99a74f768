// await of a thenable: its then is called in a later microtask, and the
// await resumes in the tick after that (ECMAScript's
// NewPromiseResolveThenableJob).
const log = (s) => console.log(s);
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
witness(8);
const good = { then(resolve) { log('then called'); resolve(7); } };
const bad = { then(_, reject) { log('then called (rejects)'); reject(new Error('nope')); } };
async function f() {
  log('f start');
  const v = await good;
  log('f got ' + v);
  try { await bad; } catch (e) { log('f caught ' + e.message); }
}
f();
log('main end');
