// Seed 000: an object made iterable by hand, and three ways to iterate it.
// The twin of 000_ponyfoo.c. Arrays are printed as JSON (Node's console.log
// would spread a seven-item array over several lines).
'use strict';

const ponyfoo = {
  [Symbol.iterator]: () => {
    const items = [`p`, `o`, `n`, `y`, `f`, `o`, `o`];
    return {
      next: () => ({
        done: items.length === 0,
        value: items.shift(),
      }),
    };
  },
};

console.log('[...ponyfoo]', JSON.stringify([...ponyfoo]));
console.log('Array.from(ponyfoo)', JSON.stringify(Array.from(ponyfoo)));

for (const item of ponyfoo) {
  console.log(item);
}
