// Checklist 48: breaking out of for await over an async generator runs the
// generator's finally blocks, through its return(), before the statements
// after the loop. Also: a return out of the loop settles the function only
// after the finally; an error thrown by the finally propagates after a break
// but loses to the body's own error. And return() on an async generator
// suspended inside its own for await closes the inner generator (its finally
// runs and is awaited) before its own finally.
const log = (...a) => console.log(...a);
const why = (e) => (e instanceof TypeError ? 'TypeError' : e instanceof Error ? e.message : String(e));
const step = (label, p) =>
  p.then((r) => log(label, 'fulfilled', r.value, r.done), (e) => log(label, 'rejected', why(e)));
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick', i));
}
async function* ag(fails) {
  try {
    yield 1;
    log('unreachable');
    yield 2;
  } finally {
    log('finally start');
    await null;
    log('finally end');
    if (fails) throw new Error('finally error');
  }
}
async function* outer() {
  try {
    for await (const x of ag(false)) {
      const got = yield x;
      log('outer got', got);
    }
  } finally {
    log('outer finally');
  }
}
async function viaReturn() {
  for await (const x of ag(false)) {
    log('return body', x);
    return 'early';
  }
}
(async () => {
  witness(8);
  for await (const x of ag(false)) {
    log('body', x);
    break;
  }
  log('after loop');
  log('function resolved', await viaReturn());
  try {
    for await (const x of ag(true)) {
      log('break body', x);
      break;
    }
    log('not reached');
  } catch (e) {
    log('break caught', e.message);
  }
  try {
    for await (const x of ag(true)) {
      log('throw body', x);
      throw new Error('body error');
    }
  } catch (e) {
    log('throw caught', e.message);
  }
  const it = outer();
  await step('outer next', it.next());
  witness(8);
  await step('outer return', it.return('r'));
  await step('outer next', it.next());
})();
