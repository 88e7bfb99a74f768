// bench await — the Node twin of await.c: `await` of an already-resolved
// promise in a loop.
'use strict';
const { args, now, report, check, run } = require('./benchlib');

async function sumAwait(n) {
  const p = Promise.resolve(1);
  let s = 0;
  for (let i = 0; i < n; i++) s += await p;
  return s;
}

run(async () => {
  const { n, warmup } = args(10000000, 1000000);
  if (warmup > 0) check('await', 'warm-up sum', await sumAwait(warmup), warmup);
  const t0 = now();
  const s = await sumAwait(n);
  const t1 = now();
  check('await', 'sum', s, n);
  report('await', 'ns/await', (t1 - t0) / n, n, s);
});
