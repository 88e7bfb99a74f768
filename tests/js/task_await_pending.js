// await of a pending promise resumes in the tick after it is resolved.
const log = (s) => console.log(s);
let resolveP;
const p = new Promise((r) => { resolveP = r; });
let p2 = Promise.resolve();
for (let i = 1; i <= 5; i++) {
  p2 = p2.then(() => {
    log('tick ' + i);
    if (i === 2) {
      resolveP(9);
      log('resolved p');
    }
  });
}
async function f() {
  log('f start');
  const v = await p;
  log('f got ' + v);
}
f();
log('main end');
