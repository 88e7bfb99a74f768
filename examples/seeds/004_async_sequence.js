// Seed 004: asyncSequence(start, end), an async generator that yields
// promises, each resolved by a timer a second later, consumed with for await.
// The twin of 004_async_sequence.c; the seed's code, with the delay scaled by
// TIDE_TIME_SCALE (seed_util.js).
'use strict';

const { ms } = require('./seed_util.js');

async function* asyncSequence(start, end) {
  for (let i = start; i <= end; i++) {
    yield new Promise((resolve, reject) => {
      setTimeout(() => {
        resolve(i);
      }, ms(1000));
    });
  }
}

(async () => {
  let seq = asyncSequence(1, 5);

  for await (const num of seq) {
    console.log(num);
  }
})();
