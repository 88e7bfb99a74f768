// Helpers shared by the JavaScript twins of the seed examples; seed_util.h
// is the same for the C programs.
//
// ms(n): every delay goes through it, scaled by the environment variable
// TIDE_TIME_SCALE — a float, 1.0 when unset (the seeds' real delays); the
// tests set 0.01.
'use strict';

function timeScale() {
  const s = process.env.TIDE_TIME_SCALE;
  if (s === undefined || s === '') return 1;
  const scale = Number(s);
  return scale >= 0 && scale <= 1e6 ? scale : 1;
}

const ms = (n) => Math.round(n * timeScale());

module.exports = { ms };
