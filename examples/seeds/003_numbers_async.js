// Seed 003: numbers again, now getting each next number from magic(index),
// an outside service that answers asynchronously; the generator becomes an
// async generator, consumed with for await. The twin of 003_numbers_async.c.
//
// The seed imports magic from './server' without showing it: here it is an
// async function that answers index + 1 after a short delay (100 ms, scaled
// by TIDE_TIME_SCALE). The seed's polyfill,
//   Symbol.asyncIterator = Symbol.asyncIterator || Symbol.for("Symbol.asyncIterator"),
// was for old TypeScript targets; Node has had Symbol.asyncIterator since 10.
'use strict';

const { ms } = require('./seed_util.js');

// Stands in for the seed's `import { magic } from './server'`.
async function magic(index) {
  await new Promise((resolve) => setTimeout(resolve, ms(100))); // the round trip
  return index + 1;
}

async function* numbers() {
  let index = 1;
  while (true) {
    yield index;
    index = await magic(index);
    if (index > 10) {
      break;
    }
  }
}

async function main() {
  for await (const num of numbers()) {
    console.log(num);
  }
}
main();
