// bench hops — the Node twin of hops.c: 100,000 async functions × 10
// setImmediate hops, awaited with Promise.all. N is the number of tasks.
'use strict';
const { args, now, report, check, run } = require('./benchlib');

const HOPS = 10;
const hop = () => new Promise((r) => setImmediate(r));

async function w() {
  let k;
  for (k = 0; k < HOPS; k++) await hop();
  return k; // each task fulfils with its hop count: the check
}

async function runHops(tasks) {
  const results = await Promise.all(Array.from({ length: tasks }, w));
  return results.reduce((a, b) => a + b, 0);
}

run(async () => {
  const { n, warmup } = args(100000, 100000); // warm-up as large as the timed pass, as hops.c
  if (warmup > 0) check('hops', 'warm-up sum', await runHops(warmup), warmup * HOPS);
  const t0 = now();
  const s = await runHops(n);
  const t1 = now();
  check('hops', 'sum', s, n * HOPS);
  report('hops', 'ns/hop', (t1 - t0) / (n * HOPS), n, s);
});
