// Timers run by due time; timers due together run in start order; a delay
// of 0 is 1 ms, so it runs after a 1 ms timer started before it.
const log = (s) => console.log(s);
setTimeout(() => log('20 ms'), 20);
setTimeout(() => log('5 ms first'), 5);
setTimeout(() => log('1 ms'), 1);
setTimeout(() => log('0 ms (as 1)'), 0);
setTimeout(() => log('5 ms second'), 5);
setTimeout(() => log('10 ms'), 10);
