// Checklist 57: when the sync iterator has no throw method, throw(e) first
// closes it (calls return), then rejects with a new TypeError (not e), and
// the wrapping generator completes. Without return: still a TypeError. When
// return throws: that error. Mirrors test262
// AFSIP/throw/throw-undefined-return-object.js, throw-undefined.js,
// throw-undefined-get-return-undefined.js and throw-undefined-poisoned-return.js.
// (throw-undefined-return-not-object.js has no C counterpart: a C sync
// return hands back value and done, never a result object.)
//
// ECMA-262 2023+ (PR #2600). Node 20 still has the old step: it rejects with
// e itself and never calls return, so it prints "throw rejected boom" and no
// "return called" line. The C test compares with the spec's trace, written
// out beside it.
const log = (...a) => console.log(...a);
const why = (e) => (e instanceof TypeError ? 'TypeError' : e instanceof Error ? e.message : String(e));
const step = (label, p) =>
  p.then((r) => log(label, 'fulfilled', r.value, r.done), (e) => log(label, 'rejected', why(e)));
function iterable(label, ret) {
  const it = { next() { log(label, 'next called'); return { value: 1, done: false }; } };
  if (ret) it.return = ret;
  return { [Symbol.iterator]() { return it; } };
}
async function* wrapper(iterable) {
  try {
    yield* iterable;
  } finally {
    log('wrapper finally');
  }
}
async function drive(label, iterable) {
  const it = wrapper(iterable);
  await step(label + ' next', it.next());
  await step(label + ' throw', it.throw(new Error('boom')));
  await step(label + ' next', it.next());
}
(async () => {
  await drive('return-object', iterable('return-object', (...args) => {
    log('return-object return called, arguments', args.length);
    return { value: 2, done: true };
  }));
  await drive('no-return', iterable('no-return', null));
  await drive('return-throws', iterable('return-throws', () => {
    log('return-throws return called');
    throw new Error('return error');
  }));
})();
