// Two timers due in the same tick: microtasks queued by the first run
// before the second (Node >= 11).
const log = (s) => console.log(s);
setTimeout(() => {
  log('a');
  queueMicrotask(() => log('micro a'));
  Promise.resolve().then(() => log('then a'));
}, 5);
setTimeout(() => log('b'), 5);
