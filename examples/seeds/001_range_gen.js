// Seed 001: `range` again, its Symbol.iterator now a generator method, and
// spread into an array. The twin of 001_range_gen.c. The array is printed as
// JSON so that both programs print the same line ([1,2,3,4,5]).
'use strict';

let range = {
  from: 1,
  to: 5,

  *[Symbol.iterator]() {
    for (let value = this.from; value <= this.to; value++) {
      yield value;
    }
  },
};

console.log(JSON.stringify([...range])); // [1,2,3,4,5]
