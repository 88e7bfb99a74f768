// Seed 001: `range` with an async generator method as Symbol.asyncIterator,
// waiting a second between values. The twin of 001_range_async_gen.c.
//
// Correction: the seed defines the async IIFE below but never calls it (the
// trailing `()` is missing), so it would print nothing; here it is called.
// The delay is scaled by TIDE_TIME_SCALE (seed_util.js).
'use strict';

const { ms } = require('./seed_util.js');

let range = {
  from: 1,
  to: 5,

  async *[Symbol.asyncIterator]() {
    for (let value = this.from; value <= this.to; value++) {
      // the pause between values
      await new Promise((resolve) => setTimeout(resolve, ms(1000)));

      yield value;
    }
  },
};

(async () => {
  for await (let value of range) {
    console.log(value); // 1,2,3,4,5
  }
})();
