// Checklist 52: a sync result with done: false whose value is a rejected
// promise rejects the Async-from-Sync promise and closes the sync iterator
// (return() called once, a generator's finally runs) — on the next() and
// throw() paths. With done: true, or on the return() path, the iterator is
// not closed again. Mirrors test262 AFSIP/next/next-result-poisoned-wrapper.js,
// AFSIP/next/iterator-result-poisoned-wrapper.js and the throw-path
// rejected-promise-close test; the "poisoned constructor getter" that makes
// PromiseResolve throw has no C counterpart, so the rejected promise (the
// same closeOnRejection step) stands in for it.
//
// ECMA-262 2023+ (closeOnRejection). Node 20 does not close: it prints none of
// the "return called" lines for the done:false cases and no "gen finally".
// The C test compares with the spec's trace, written out beside it.
const log = (...a) => console.log(...a);
const why = (e) => (e instanceof TypeError ? 'TypeError' : e instanceof Error ? e.message : String(e));
const step = (label, p) =>
  p.then((r) => log(label, 'fulfilled', r.value, r.done), (e) => log(label, 'rejected', why(e)));
function iterable(label, nextDone, { returnRejects = false } = {}) {
  return {
    [Symbol.iterator]() {
      let i = 0;
      return {
        next() {
          i++;
          log(label, 'next', i);
          if (i === 1) return { value: 'first', done: false };
          return { value: Promise.reject(label + ' next rejection'), done: nextDone };
        },
        return(v) {
          log(label, 'return called', v);
          if (returnRejects) return { value: Promise.reject(label + ' return rejection'), done: false };
          return { value: v, done: true };
        },
        throw(e) {
          log(label, 'throw called', e);
          return { value: Promise.reject(label + ' throw rejection'), done: false };
        },
      };
    },
  };
}
function* gen() {
  try {
    yield Promise.reject('gen rejection');
  } finally {
    log('gen finally');
  }
}
async function* outer(iterable) {
  yield* iterable;
}
(async () => {
  let it = outer(iterable('next', false));
  await step('next 1', it.next());
  await step('next 2', it.next());
  await step('next 3', it.next());

  it = outer(gen());
  await step('gen next', it.next());

  it = outer(iterable('done', true));
  await step('done 1', it.next());
  await step('done 2', it.next());

  it = outer(iterable('return', false, { returnRejects: true }));
  await step('return 1', it.next());
  await step('return 2', it.return('r'));
  await step('return 3', it.next());

  it = outer(iterable('throw', false));
  await step('throw 1', it.next());
  await step('throw 2', it.throw('t'));
  await step('throw 3', it.next());
})();
