// A task the microtask loop resumed, with nothing else queued, runs to its
// end; the next async function, started from an immediate, gets the stack
// it left. Its await of a settled promise still yields to the queue: the
// immediate's callback goes on first.
const log = (s) => console.log(s);
async function first() {
  await null;
  log('first resumed, ends');
}
async function second() {
  log('second start');
  const v = await Promise.resolve(1);
  log('second after await ' + v);
}
first();
setImmediate(() => {
  second();
  log('after second()');
});
log('main end');
