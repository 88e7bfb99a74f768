// for-of with break closes the iterator: the generator's finally runs (in C
// its yield returns TIDE_RETURN), before the code after the loop.
const log = (...a) => console.log(...a);
function* count() {
  try {
    for (let i = 1; ; i++) {
      log('yield', i);
      yield i;
    }
  } finally {
    log('closed');
  }
}
for (const x of count()) {
  log('body', x);
  if (x === 2) break;
}
log('after loop');
