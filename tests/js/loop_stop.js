// Stopping the loop (process.exit here) runs nothing more: not a timer due
// in the same tick, not a microtask already queued.
const log = (s) => console.log(s);
setTimeout(() => {
  log('a');
  queueMicrotask(() => log('micro a'));
  process.exit(0);
}, 5);
setTimeout(() => log('b'), 5);
setTimeout(() => log('c'), 50);
