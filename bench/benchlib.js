// bench — what every Node benchmark program shares; the protocol is the C
// programs' (bench/bench.h): `node prog.js [N [WARMUP]]`, one JSON line on
// stdout, exit status 1 when the program's own check fails.
'use strict';
const fs = require('fs');

// `[N [WARMUP]]`, as bench_parse reads it.
function args(nDefault, warmupDefault) {
  const a = { n: nDefault, warmup: warmupDefault };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length && i < 2; i++) {
    if (!/^[0-9]+$/.test(argv[i])) {
      console.error(`usage: node ${process.argv[1]} [N [WARMUP]]`);
      process.exit(2);
    }
    const v = Number(argv[i]);
    if (i === 0) a.n = v > 0 ? v : nDefault;
    else a.warmup = v;
  }
  return a;
}

// process.hrtime is monotonic; bigint nanoseconds, as a Number for arithmetic.
const now = () => Number(process.hrtime.bigint());

// VmRSS + VmPTE in bytes: the same reading as bench_mem_bytes in C.
function memBytes() {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)[1]);
  return (kb('VmRSS') + kb('VmPTE')) * 1024;
}

function report(name, unit, value, n, sum, extra = {}) {
  console.log(JSON.stringify({ name, unit, value: Number(value.toPrecision(4)), n, sum, ...extra }));
}

function check(name, what, got, want) {
  if (got !== want) {
    console.error(`${name}: wrong ${what}: got ${got}, expected ${want}`);
    process.exit(1);
  }
}

// 0 + 1 + ... + (n - 1): exact in a double for every n used here (< 2^53).
const triangle = (n) => (n * (n - 1)) / 2;

// An async main whose rejection is a failure, not just a warning.
function run(main) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

module.exports = { args, now, memBytes, report, check, triangle, run };
