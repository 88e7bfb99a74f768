// Several async functions awaiting in turn interleave round-robin, on
// microtasks and on immediates alike.
const log = (s) => console.log(s);
async function worker(name, n) {
  for (let i = 0; i < n; i++) {
    log(name + ' ' + i);
    await null;
  }
  for (let i = 0; i < 2; i++) {
    await new Promise((r) => setImmediate(r));
    log(name + ' immediate ' + i);
  }
  return name;
}
worker('A', 3).then((v) => log('done ' + v));
worker('B', 1).then((v) => log('done ' + v));
worker('C', 2).then((v) => log('done ' + v));
log('main end');
