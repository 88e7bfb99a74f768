// Seed 001: generateSequence(start, end), an async generator that waits a
// second before yielding each number. The twin of 001_generate_sequence.c.
//
// Correction: the seed wrote `function*` without `async`, and an `await`
// inside a plain generator is a SyntaxError. Its own text says to put
// `async` in front, so that is done here. The delay is scaled by
// TIDE_TIME_SCALE (seed_util.js).
'use strict';

const { ms } = require('./seed_util.js');

async function* generateSequence(start, end) {
  for (let i = start; i <= end; i++) {
    await new Promise((resolve) => setTimeout(resolve, ms(1000)));

    yield i;
  }
}

(async () => {
  let generator = generateSequence(1, 5);
  for await (let value of generator) {
    console.log(value);
  }
})();
