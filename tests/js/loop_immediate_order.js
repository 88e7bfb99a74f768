// Immediates run in start order with microtasks drained after each; one
// started by an immediate waits for the next check phase; clearImmediate of
// a later immediate of the same batch prevents it.
const log = (s) => console.log(s);
setImmediate(() => {
  log('A');
  setImmediate(() => log('A2'));
  Promise.resolve().then(() => log('micro A'));
  clearImmediate(c);
});
setImmediate(() => {
  log('B');
  queueMicrotask(() => log('micro B'));
});
const c = setImmediate(() => log('C'));
setImmediate(() => log('D'));
