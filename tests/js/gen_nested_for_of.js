// Nested for-of loops: a break leaves the inner loop only (closing the inner
// iterator); a throw out of the inner body closes the inner iterator and is
// caught in the outer body; a labelled break out of both closes the inner
// iterator, then the outer one. A generator that yields from inside its own
// nested loops is closed by its consumer's break: its loops close, inner
// first.
const log = (...a) => console.log(...a);
function* range(name, n) {
  try {
    for (let i = 1; i <= n; i++) yield i;
  } finally {
    log('close', name);
  }
}
for (const a of range('outer', 3)) {
  for (const b of range('inner ' + a, 3)) {
    if (b === 2) break;
    log('pair', a, b);
  }
  try {
    for (const b of range('thrower ' + a, 3)) {
      log('thrower body', a, b);
      throw new Error('inner error ' + a);
    }
  } catch (e) {
    log('outer body caught', e.message);
  }
}
outer: for (const a of range('A', 3)) {
  for (const b of range('B', 3)) {
    log('labelled', a, b);
    if (a === 1 && b === 2) break outer;
  }
}
log('after');
function* flatten() {
  for (const a of range('src 1', 3)) {
    for (const b of range('src 2', 3)) yield a * 10 + b;
  }
}
for (const v of flatten()) {
  log('flat', v);
  if (v === 12) break;
}
log('after flat');
