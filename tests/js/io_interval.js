// for await over setInterval from timers/promises: three ticks, then break,
// which stops the timer (the process can exit).
const { setInterval } = require('timers/promises');
(async () => {
  let n = 0;
  for await (const _ of setInterval(5)) {
    n++;
    console.log('tick', n);
    if (n === 3) break;
  }
  console.log('after the loop');
})();
