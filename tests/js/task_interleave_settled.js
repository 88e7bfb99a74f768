// Async functions awaiting settled promises, plain values and rejections in
// turn, with other reactions queued between them and a third function
// awaiting the first two: every continuation keeps its place in the queue.
const log = (s) => console.log(s);
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick ' + i));
}
async function w(name, n) {
  for (let i = 0; i < n; i++) {
    log(name + ' ' + i);
    if (i % 3 === 0) {
      await Promise.resolve(i);
    } else if (i % 3 === 1) {
      await i;
    } else {
      try {
        await Promise.reject(new Error(name + i));
      } catch (e) {
        log(name + ' caught ' + e.message);
      }
    }
  }
  return name;
}
async function joiner(a, b) {
  const x = await a;
  log('joiner got ' + x);
  const y = await b;
  log('joiner got ' + y);
}
witness(3);
const a = w('A', 5);
Promise.resolve().then(() => log('between'));
const b = w('B', 4);
joiner(a, b);
b.then((v) => log('b then ' + v));
log('main end');
