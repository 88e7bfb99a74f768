// bench gen — the Node twin of gen.c: a sync generator to a for-of loop.
'use strict';
const { args, now, report, check, triangle } = require('./benchlib');

function* g(n) {
  for (let i = 0; i < n; i++) yield i;
}

function sumGen(n) {
  let s = 0;
  for (const x of g(n)) s += x;
  return s;
}

const { n, warmup } = args(10000000, 1000000);
if (warmup > 0) check('gen', 'warm-up sum', sumGen(warmup), triangle(warmup));
const t0 = now();
const s = sumGen(n);
const t1 = now();
check('gen', 'sum', s, triangle(n));
report('gen', 'ns/item', (t1 - t0) / n, n, s);
