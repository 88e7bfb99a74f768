// Differential suite, Node side: runs a stream of scenarios (stdin, or the
// file named as argument) in this one process, one after the other, and
// prints each trace as
//
//   ### <id>
//   <one line per event>
//   ### end
//
// `node runner.mjs --js [FILE]` prints the JavaScript of each scenario
// instead of running it.
//
// Each scenario starts inside a timer callback (never from the main module,
// where Node runs setTimeout and setImmediate in either order): its
// immediates run in that loop iteration's check phase, its timers later, in
// order of their distinct delays, all created in that one callback in
// increasing order. A last timer, one millisecond after the latest, ends the
// scenario: by then nothing of it can run any more. An unhandled rejection
// prints `unhandled <reason>` and stops the scenario as Node 20 stops a
// program: its timers and immediates are cancelled and nothing of it is
// traced any more.
import { readFileSync, writeSync } from 'node:fs';
import { parseStream, toJS } from './scenario.mjs';

const args = process.argv.slice(2);
const jsOnly = args[0] === '--js';
if (jsOnly) args.shift();
const text = readFileSync(args[0] || 0, 'utf8');
const scenarios = parseStream(text);

function out(s) {
  writeSync(1, s);
}

if (jsOnly) {
  for (const sc of scenarios) {
    try {
      out(toJS(sc));
    } catch (e) {
      out(`// scenario ${sc.id}: ${e.message}\n`);
    }
  }
  process.exit(0);
}

// ---- Helpers the generated code uses (H) ------------------------------------

function show(v) {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (v instanceof TypeError) return 'TypeError';
  if (v instanceof AggregateError) return 'Agg[' + v.errors.map(show).join(',') + ']';
  if (v instanceof Error) return 'Error:' + v.message;
  if (Array.isArray(v)) return '[' + v.map(show).join(',') + ']';
  if (v instanceof Promise) return '[object Promise]';
  if (typeof v === 'object' && 'status' in v)
    return v.status === 'fulfilled' ? 'ok:' + show(v.value) : 'err:' + show(v.reason);
  if (typeof v === 'object' && 'done' in v) return '{' + show(v.value) + ',' + v.done + '}';
  return Object.prototype.toString.call(v);
}

const res = (r) => (r && typeof r === 'object' && 'done' in r ? '{' + show(r.value) + ',' + r.done + '}' : '<not a result: ' + show(r) + '>');

let cur = null; // the running scenario: { lines, stopped, handles }

function makeHelpers(sc) {
  const log = (s) => {
    if (!sc.stopped) sc.lines.push(s);
  };
  return {
    log,
    show,
    res,
    defer() {
      const d = {};
      d.promise = new Promise((resolve, reject) => {
        d.resolve = resolve;
        d.reject = reject;
      });
      return d;
    },
    instance(fn, name) {
      const me = {};
      me.it = fn(name, me);
      return me.it;
    },
    thenable(v, reject) {
      return {
        then(ok, bad) {
          log('thenable ' + show(v));
          if (reject) bad(v);
          else ok(v);
        },
      };
    },
    observe(p, label) {
      p.then(
        (v) => log(label + ' ok ' + show(v)),
        (e) => log(label + ' err ' + show(e)),
      );
    },
    witness(n, label) {
      let p = Promise.resolve();
      for (let i = 1; i <= n; i++) p = p.then(() => log(label + ' tick ' + i));
    },
  };
}

function finish(sc) {
  if (sc.done) return;
  sc.done = true;
  out(sc.lines.map((l) => l + '\n').join('') + '### end\n');
}

process.on('unhandledRejection', (reason) => {
  const sc = cur;
  if (!sc || sc.stopped) return;
  sc.lines.push('unhandled ' + show(reason));
  sc.stopped = true;
  for (const h of sc.timers) clearTimeout(h);
  for (const h of sc.imms) clearImmediate(h);
  finish(sc);
  setTimeout(runNext, 1);
});

let next = 0;

function runNext() {
  if (next >= scenarios.length) return;
  const def = scenarios[next++];
  const sc = { lines: [], stopped: false, done: false, timers: [], imms: [] };
  cur = sc;
  out(`### ${def.id}\n`);
  let prog;
  try {
    prog = (0, eval)(toJS(def))(makeHelpers(sc));
  } catch (e) {
    sc.lines.push('harness error: ' + (e && e.message ? e.message : String(e)));
    finish(sc);
    setTimeout(runNext, 1);
    return;
  }
  for (const f of prog.immediates) sc.imms.push(setImmediate(f));
  const timers = [...prog.timers].sort((a, b) => a[0] - b[0]);
  let last = 0;
  for (const [d, f] of timers) {
    sc.timers.push(setTimeout(f, d));
    last = Math.max(last, d);
  }
  sc.timers.push(
    setTimeout(() => {
      finish(sc);
      runNext();
    }, last + 1),
  );
  prog.main();
}

setTimeout(runNext, 1);
