// for await over an async iterator whose next is not callable: the loop
// throws a TypeError at its first step (the body never runs) and return() is
// not called. In C, a NULL next slot is the absent method; the loop reads it
// once, at the start, as GetIterator does.
const log = (...a) => console.log(...a);
const iterable = {
  [Symbol.asyncIterator]() {
    return {
      next: undefined,
      return() {
        log('return');
        return { done: true };
      },
    };
  },
};
(async () => {
  try {
    for await (const x of iterable) log('body', x);
    log('not reached');
  } catch (e) {
    log('caught', e instanceof TypeError ? 'TypeError' : e);
  }
})();
