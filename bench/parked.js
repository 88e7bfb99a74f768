// bench parked — the Node twin of parked.c: 100,000 async generators parked
// at a yield of a never-settling promise, each with its pending next().
// Run with --expose-gc (bench/run does) so both readings follow a full
// collection; bytes each = (VmRSS + VmPTE after - before) / N, as in C.
'use strict';
const { args, memBytes, report, check } = require('./benchlib');

let started = 0; // bodies that reached their yield: the check

async function* g() {
  started++;
  yield new Promise(() => {});
}

const gc = typeof global.gc === 'function' ? global.gc : () => {};
const { n } = args(100000, 0);
const its = new Array(n).fill(null);
const nexts = new Array(n).fill(null);

gc();
const before = memBytes();
for (let i = 0; i < n; i++) {
  its[i] = g();
  nexts[i] = its[i].next();
}
gc();
const after = memBytes();

check('parked', 'started bodies', started, n);
report('parked', 'bytes each', (after - before) / n, n, started);
