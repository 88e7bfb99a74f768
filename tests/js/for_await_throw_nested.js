// A throw from a loop nested in the body of a for await over an async
// generator that yields plain values: the throw leaves the for await too, the
// generator is closed by return() (its finally runs), and the error is
// caught after the loop. In C the inner loop is a plain `for`, and
// tide_for_await_throw ends in `break`, which leaves only that inner loop:
// the rest of the body runs (here there is none) and the for await must end
// at its next step.
const log = (...a) => console.log(...a);
async function* ten() {
  try {
    for (let i = 0; i < 10; i++) yield i;
    log('body ends');
  } finally {
    log('body finally');
  }
}
(async () => {
  try {
    for await (const i of ten()) {
      log('item', i);
      for (let k = 0; k < 1; k++) if (i === 2) throw new Error('stop');
    }
    log('not reached');
  } catch (e) {
    log('caught', e.message);
  }
})();
