// bench async_iter — the Node twin of async_iter.c: `for await` over a
// hand-written async iterator whose next() returns Promise.resolve({value, done}).
'use strict';
const { args, now, report, check, triangle, run } = require('./benchlib');

function counter(n) {
  return {
    i: 0,
    n,
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      return Promise.resolve(
        this.i < this.n ? { value: this.i++, done: false } : { value: undefined, done: true },
      );
    },
  };
}

async function sumIter(n) {
  let s = 0;
  for await (const x of counter(n)) s += x;
  return s;
}

run(async () => {
  const { n, warmup } = args(5000000, 1000000);
  if (warmup > 0) check('async_iter', 'warm-up sum', await sumIter(warmup), triangle(warmup));
  const t0 = now();
  const s = await sumIter(n);
  const t1 = now();
  check('async_iter', 'sum', s, triangle(n));
  report('async_iter', 'ns/item', (t1 - t0) / n, n, s);
});
