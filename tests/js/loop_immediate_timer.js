// From a timer callback, setImmediate runs before setTimeout(0); an
// immediate started by an immediate runs after a timer that fell due
// meanwhile (the next iteration's timers come first).
const log = (s) => console.log(s);
setTimeout(() => {
  log('timer');
  setTimeout(() => log('timeout 0'), 0);
  setImmediate(() => {
    log('immediate');
    setImmediate(() => log('immediate 2'));
    setTimeout(() => log('timeout 1'), 1);
    const end = performance.now() + 5;
    while (performance.now() < end);
  });
}, 1);
