// Seed 003: numbers, a generator of the whole numbers 1 to 10, consumed with
// for-of. The twin of 003_numbers.c; the seed's code as it is.
'use strict';

function* numbers() {
  let index = 1;
  while (true) {
    yield index;
    index = index + 1;
    if (index > 10) {
      break;
    }
  }
}

function main() {
  for (const num of numbers()) {
    console.log(num);
  }
}
main();
