// bench agen — the Node twin of agen.c: `for await` over an async generator.
'use strict';
const { args, now, report, check, triangle, run } = require('./benchlib');

async function* g(n) {
  for (let i = 0; i < n; i++) yield i;
}

async function sumAgen(n) {
  let s = 0;
  for await (const x of g(n)) s += x;
  return s;
}

run(async () => {
  const { n, warmup } = args(5000000, 1000000);
  if (warmup > 0) check('agen', 'warm-up sum', await sumAgen(warmup), triangle(warmup));
  const t0 = now();
  const s = await sumAgen(n);
  const t1 = now();
  check('agen', 'sum', s, triangle(n));
  report('agen', 'ns/item', (t1 - t0) / n, n, s);
});
