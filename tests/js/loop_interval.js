// setInterval repeats until clearInterval, here called from its own
// callback on the third tick; nothing ticks after that.
const log = (s) => console.log(s);
let n = 0;
const iv = setInterval(() => {
  n++;
  log('tick ' + n);
  if (n === 3) {
    clearInterval(iv);
    setTimeout(() => log('after'), 5);
  }
}, 2);
