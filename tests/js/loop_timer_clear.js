// clearTimeout before the timer fires; a timer cleared by another timer due
// in the same tick does not run.
const log = (s) => console.log(s);
const a = setTimeout(() => log('a'), 5);
setTimeout(() => log('b'), 10);
clearTimeout(a);
log('cleared a');
setTimeout(() => {
  log('c');
  clearTimeout(d);
}, 15);
const d = setTimeout(() => log('d'), 15);
setTimeout(() => log('e'), 15);
