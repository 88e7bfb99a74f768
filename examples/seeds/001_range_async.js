// Seed 001: `range`, an async iterable whose next() waits a second before
// each number. The twin of 001_range_async.c. The delay is scaled by
// TIDE_TIME_SCALE (seed_util.js); otherwise this is the seed's code.
'use strict';

const { ms } = require('./seed_util.js');

let range = {
  from: 1,
  to: 5,

  [Symbol.asyncIterator]() {
    return {
      current: this.from,
      last: this.to,

      async next() {
        await new Promise((resolve) => setTimeout(resolve, ms(1000)));

        if (this.current <= this.last) {
          return { done: false, value: this.current++ };
        } else {
          return { done: true };
        }
      },
    };
  },
};

(async () => {
  for await (let value of range) {
    console.log(value);
  }
})();
