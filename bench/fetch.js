// bench fetch — the Node twin of fetch.c: 10,000 GETs of a 1 KiB body from
// a local nginx with Node's global fetch (undici), 64 async functions sharing
// one counter. `node fetch.js URL [N [WARMUP]]`; the unit is requests per
// second (higher is better).
'use strict';
const { args, now, report, check, run } = require('./benchlib');

const CONCURRENCY = 64;
const BODY_LEN = 1024;

const url = process.argv[2];
if (!url || !url.startsWith('http')) {
  console.error(`usage: node ${process.argv[1]} URL [N [WARMUP]]`);
  process.exit(2);
}
process.argv.splice(2, 1); // benchlib's args() reads [N [WARMUP]]

let left = 0; // requests not yet started, shared by the workers

async function w() {
  let s = 0;
  while (left > 0) {
    left--;
    const res = await fetch(url);
    if (res.status !== 200) throw new Error(`${url}: status ${res.status}`);
    const len = (await res.arrayBuffer()).byteLength;
    check('fetch', 'body length', len, BODY_LEN);
    s += len;
  }
  return s;
}

async function runFetch(n) {
  left = n;
  const sums = await Promise.all(Array.from({ length: CONCURRENCY }, w));
  return sums.reduce((a, b) => a + b, 0);
}

run(async () => {
  const { n, warmup } = args(10000, 1000);
  if (warmup > 0) check('fetch', 'warm-up sum', await runFetch(warmup), warmup * BODY_LEN);
  const t0 = now();
  const s = await runFetch(n);
  const t1 = now();
  check('fetch', 'sum', s, n * BODY_LEN);
  report('fetch', 'req/s', n / ((t1 - t0) / 1e9), n, s, { concurrency: CONCURRENCY });
});
