// queueMicrotask and promise reactions share one FIFO queue; a microtask
// queued by a microtask runs in the same drain, before any timer.
const log = (s) => console.log(s);
setTimeout(() => log('timer'), 1);
queueMicrotask(() => log('q1'));
Promise.resolve().then(() => log('p1'));
queueMicrotask(() => log('q2'));
Promise.resolve().then(() => log('p2')).then(() => log('p3'));
queueMicrotask(() => {
  log('q3');
  queueMicrotask(() => log('q4'));
});
log('sync');
