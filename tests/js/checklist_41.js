// Checklist 41: a sync iterable whose value is a rejected promise (done:
// false) makes for await throw the reason at the loop head and closes the
// sync iterator (its return() / finally runs). Inside an async generator
// that rejects the generator's next() and completes it. Mirrors test262
// AFSIP/next/for-await-iterator-next-rejected-promise-close.js and
// SAG/yield-promise-reject-next-for-await-of-sync-iterator.js.
//
// ECMA-262 2023+ (closeOnRejection). Node 20 does not close the iterator: it
// prints none of the "gen finally" / "return" lines. The C test therefore
// compares with the spec's trace, written out beside it.
const log = (...a) => console.log(...a);
function* gen() {
  try {
    log('gen start');
    yield Promise.reject('reject');
    log('unreachable');
  } finally {
    log('gen finally');
  }
}
// closeThrows: the first value is plain, the second rejected, and return()
// throws (the close's error is ignored: the rejection reason wins).
function iterable(closeThrows) {
  return {
    [Symbol.iterator]() {
      let i = 0;
      return {
        next() {
          i++;
          log('next', i);
          if (closeThrows && i === 1) return { value: i, done: false };
          return { value: Promise.reject('r' + i), done: false };
        },
        return(...args) {
          log('return', args.length);
          if (closeThrows) throw new Error('close error');
          return {};
        },
      };
    },
  };
}
async function* ag() {
  try {
    for await (const x of gen()) yield x;
  } finally {
    log('ag finally');
  }
}
function witness(n) {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log('tick', i));
}
(async () => {
  witness(3);
  try {
    for await (const x of gen()) log('body', x);
  } catch (e) {
    log('caught', e);
  }
  for (const closeThrows of [false, true]) {
    try {
      for await (const x of iterable(closeThrows)) log('body', x);
    } catch (e) {
      log('caught', e);
    }
  }
  const it = ag();
  try {
    await it.next();
  } catch (e) {
    log('ag next rejected', e);
  }
  const r = await it.next();
  log('ag next', r.value, r.done);
})();
