// Seed 000's ponyfoo: a hand-written iterable whose Symbol.iterator returns a
// fresh {next} iterator each time; iterated with for-of, spread and
// Array.from.
const log = (...a) => console.log(...a);
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
for (const item of ponyfoo) log(item);
log([...ponyfoo].join(''));
log(Array.from(ponyfoo).length);
for (const item of ponyfoo) {
  log('first', item);
  break;
}
log('again', [...ponyfoo].join(''));
