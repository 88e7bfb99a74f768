// Seed 004: sequence(start, end), a generator of the numbers from start to
// end, consumed with for-of. The twin of 004_sequence.c; the seed's code.
'use strict';

function* sequence(start, end) {
  for (let i = start; i <= end; i++) {
    yield i;
  }
}

let seq = sequence(1, 5);

for (const num of seq) {
  console.log(num);
}
