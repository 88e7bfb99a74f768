// Seed 000: the same object made iterable asynchronously — Symbol.asyncIterator
// instead of Symbol.iterator, and next() wrapped in Promise.resolve.
// The twin of 000_ponyfoo_async.c.
'use strict';

const ponyfoo = {
  [Symbol.asyncIterator]: () => {
    const items = [`p`, `o`, `n`, `y`, `f`, `o`, `o`];
    return {
      next: () => Promise.resolve({
        done: items.length === 0,
        value: items.shift(),
      }),
    };
  },
};

(async () => {
  for await (const item of ponyfoo) {
    console.log(item);
  }
})();
