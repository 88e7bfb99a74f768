// Differential suite, Node side: parses the scenario format (tests/diff/FORMAT.md)
// and turns a scenario into real JavaScript source — native async function*,
// function*, async function, for await, yield*, promises — which runner.mjs
// evaluates. No npm packages.

// ---- Parsing ---------------------------------------------------------------

function tokenize(line) {
  const hash = line.indexOf('#');
  if (hash >= 0) line = line.slice(0, hash);
  return line.match(/[(){}]|[^\s(){}]+/g) || [];
}

class ParseError extends Error {}

function fail(msg, lineNo) {
  throw new ParseError(`line ${lineNo}: ${msg}`);
}

// An expression from tokens[pos]: an atom or a parenthesised form.
function parseExpr(toks, pos, lineNo) {
  const t = toks[pos];
  if (t === undefined) fail('expression expected', lineNo);
  if (t === '(') {
    const op = toks[pos + 1];
    if (op === undefined || op === '(' || op === ')') fail('operator expected after (', lineNo);
    const args = [];
    let p = pos + 2;
    while (toks[p] !== ')') {
      if (toks[p] === undefined) fail('missing )', lineNo);
      const [a, np] = parseExpr(toks, p, lineNo);
      args.push(a);
      p = np;
    }
    return [{ op, args }, p + 1];
  }
  if (t === ')' || t === '{' || t === '}') fail(`unexpected ${t}`, lineNo);
  return [atom(t), pos + 1];
}

function atom(t) {
  if (/^-?[0-9]+$/.test(t)) return { num: Number(t) };
  if (t === 'undefined') return { undef: true };
  if (t[0] === '$') return { defer: t.slice(1) };
  return { word: t };
}

// Lines of one scenario: [{toks, no}]
class Cursor {
  constructor(lines) {
    this.lines = lines;
    this.i = 0;
  }
  peek() {
    return this.lines[this.i];
  }
  next() {
    return this.lines[this.i++];
  }
}

function expectEnd(toks, pos, lineNo) {
  if (pos !== toks.length) fail(`unexpected ${toks[pos]}`, lineNo);
}

// A block's statements up to its closing line; returns [stmts, closerToks].
function parseBlock(cur) {
  const stmts = [];
  for (;;) {
    const ln = cur.next();
    if (!ln) fail('missing }', 'EOF');
    const { toks, no } = ln;
    if (toks[0] === '}') return [stmts, toks.slice(1), no];
    stmts.push(parseStmt(toks, no, cur));
  }
}

function wantOpen(toks, pos, no) {
  if (toks[pos] !== '{' || pos !== toks.length - 1) fail('{ expected at end of line', no);
}

function parseStmt(toks, no, cur) {
  const k = toks[0];
  let e, p;
  switch (k) {
    case 'log':
      if (toks.length !== 2) fail('log WORD', no);
      return { t: 'log', w: toks[1] };
    case 'yield':
    case 'await':
      [e, p] = parseExpr(toks, 1, no);
      expectEnd(toks, p, no);
      return { t: k, e };
    case 'yield*':
      [e, p] = parseExpr(toks, 1, no);
      expectEnd(toks, p, no);
      return { t: 'ystar', src: e };
    case 'return':
      if (toks.length === 1) return { t: 'return', e: null };
      [e, p] = parseExpr(toks, 1, no);
      expectEnd(toks, p, no);
      return { t: 'return', e };
    case 'throw':
      [e, p] = parseExpr(toks, 1, no);
      expectEnd(toks, p, no);
      return { t: 'throw', e };
    case 'break':
      expectEnd(toks, 1, no);
      return { t: 'break' };
    case 'try': {
      wantOpen(toks, 1, no);
      const st = { t: 'try', body: null, cat: null, fin: null };
      let closer, cno;
      [st.body, closer, cno] = parseBlock(cur);
      while (closer.length) {
        if (closer[0] === 'catch' && !st.cat && !st.fin) {
          wantOpen(closer, 1, cno);
          [st.cat, closer, cno] = parseBlock(cur);
        } else if (closer[0] === 'finally' && !st.fin) {
          wantOpen(closer, 1, cno);
          [st.fin, closer, cno] = parseBlock(cur);
        } else fail(`unexpected ${closer[0]} after }`, cno);
      }
      if (!st.cat && !st.fin) fail('try without catch or finally', no);
      return st;
    }
    case 'for': {
      const isAwait = toks[1] === 'await';
      [e, p] = parseExpr(toks, isAwait ? 2 : 1, no);
      wantOpen(toks, p, no);
      const [body, closer, cno] = parseBlock(cur);
      if (closer.length) fail('unexpected tokens after }', cno);
      return { t: isAwait ? 'forawait' : 'for', src: e, body };
    }
    case 'at': {
      if (!/^[0-9]+$/.test(toks[1] || '')) fail('at K {', no);
      wantOpen(toks, 2, no);
      const [body, closer, cno] = parseBlock(cur);
      if (closer.length) fail('unexpected tokens after }', cno);
      return { t: 'at', k: Number(toks[1]), body };
    }
    case 'do':
      [e, p] = parseExpr(toks, 1, no);
      if (toks[p] !== 'as' || p + 2 !== toks.length) fail('do EXPR as LABEL', no);
      return { t: 'do', e, label: toks[p + 1] };
    case 'drop':
      [e, p] = parseExpr(toks, 1, no);
      expectEnd(toks, p, no);
      return { t: 'drop', e };
    case 'snext':
    case 'sreturn':
    case 'sthrow':
      if (toks.length < 3) fail(`${k} INST EXPR as LABEL`, no);
      [e, p] = parseExpr(toks, 2, no);
      if (toks[p] !== 'as' || p + 2 !== toks.length) fail(`${k} INST EXPR as LABEL`, no);
      return { t: 'sreq', op: k.slice(1), inst: toks[1], e, label: toks[p + 1] };
    case 'resolve':
    case 'reject':
      if (toks.length < 3) fail(`${k} NAME EXPR`, no);
      [e, p] = parseExpr(toks, 2, no);
      expectEnd(toks, p, no);
      return { t: k, p: toks[1], e };
    case 'witness':
      if (toks.length !== 4 || toks[2] !== 'as' || !/^[0-9]+$/.test(toks[1])) fail('witness N as LABEL', no);
      return { t: 'witness', n: Number(toks[1]), label: toks[3] };
    default:
      fail(`unknown statement ${k}`, no);
  }
}

// One scenario from its lines.
export function parseScenario(lines) {
  const sc = { id: '?', promises: [], funcs: [], insts: [], main: [], timers: [], imms: [] };
  const cur = new Cursor(lines);
  while (cur.peek()) {
    const { toks, no } = cur.next();
    const k = toks[0];
    if (k === 'scenario') {
      sc.id = toks[1] || '?';
    } else if (k === 'promise') {
      if (toks.length !== 2) fail('promise NAME', no);
      sc.promises.push(toks[1]);
    } else if (k === 'agen' || k === 'gen' || k === 'async') {
      if (toks.length !== 3) fail(`${k} NAME {`, no);
      wantOpen(toks, 2, no);
      const [body, closer, cno] = parseBlock(cur);
      if (closer.length) fail('unexpected tokens after }', cno);
      sc.funcs.push({ kind: k, name: toks[1], body });
    } else if (k === 'inst') {
      if (toks.length !== 3) fail('inst NAME FUNC', no);
      sc.insts.push({ name: toks[1], func: toks[2] });
    } else if (k === 'main' || k === 'immediate' || k === 'timer') {
      let delay = 0;
      let pos = 1;
      if (k === 'timer') {
        if (!/^[0-9]+$/.test(toks[1] || '')) fail('timer MS {', no);
        delay = Number(toks[1]);
        pos = 2;
      }
      wantOpen(toks, pos, no);
      const [body, closer, cno] = parseBlock(cur);
      if (closer.length) fail('unexpected tokens after }', cno);
      if (k === 'main') sc.main.push(...body);
      else if (k === 'timer') sc.timers.push({ delay, body });
      else sc.imms.push({ body });
    } else {
      fail(`unknown declaration ${k}`, no);
    }
  }
  return sc;
}

// A stream of scenarios separated by lines of three or more dashes.
export function parseStream(text) {
  const out = [];
  let lines = [];
  let n = 0;
  const flush = () => {
    if (lines.length) {
      let sc;
      try {
        sc = parseScenario(lines);
      } catch (e) {
        const id = (lines.find((l) => l.toks[0] === 'scenario') || { toks: [] }).toks[1] || `#${out.length + 1}`;
        sc = { id, error: String(e.message || e) };
      }
      out.push(sc);
    }
    lines = [];
  };
  for (const raw of text.split('\n')) {
    n++;
    if (/^-{3,}\s*$/.test(raw)) {
      flush();
      continue;
    }
    const toks = tokenize(raw);
    if (toks.length) lines.push({ toks, no: n });
  }
  flush();
  return out;
}

// ---- JavaScript generation -----------------------------------------------

function lit(a) {
  if (a.num !== undefined) return String(a.num);
  if (a.undef) return 'undefined';
  if (a.word !== undefined) return JSON.stringify(a.word);
  throw new ParseError('value expected');
}

class Gen {
  constructor(sc) {
    this.sc = sc;
    this.kinds = new Map(sc.funcs.map((f) => [f.name, f.kind]));
    this.instKind = new Map(sc.insts.map((i) => [i.name, this.kinds.get(i.func)]));
    this.loopId = 0;
  }

  // The JavaScript for an instance reference ('self' is the running generator).
  inst(name) {
    if (name === 'self') return 'me.it';
    if (!this.instKind.has(name)) throw new ParseError(`unknown instance ${name}`);
    return `_i_${name}`;
  }

  expr(e) {
    if (!e.op) {
      if (e.defer !== undefined) {
        if (!this.sc.promises.includes(e.defer)) throw new ParseError(`unknown promise $${e.defer}`);
        return `_p_${e.defer}.promise`;
      }
      return lit(e);
    }
    const a = e.args;
    const x = (i) => this.expr(a[i]);
    const word = (i) => {
      if (!a[i] || a[i].op || a[i].word === undefined) throw new ParseError(`${e.op}: label expected`);
      return a[i].word;
    };
    const opt = (i, dflt) => (a.length > i ? x(i) : dflt);
    switch (e.op) {
      case 'ok':
        return `Promise.resolve(${x(0)})`;
      case 'err':
        return `Promise.reject(${x(0)})`;
      case 'tok':
        return `H.thenable(${x(0)}, false)`;
      case 'terr':
        return `H.thenable(${x(0)}, true)`;
      case 'next':
      case 'return':
      case 'throw':
        return `${this.inst(word(0))}.${e.op}(${opt(1, '')})`;
      case 'call':
        if (this.kinds.get(word(0)) !== 'async') throw new ParseError(`call: ${word(0)} is not an async function`);
        return `_f_${word(0)}(${JSON.stringify(word(1))})`;
      case 'all':
      case 'allSettled':
      case 'race':
      case 'any':
        return `Promise.${e.op}([${a.map((y) => this.expr(y)).join(', ')}])`;
      case 'list':
        return `[${a.map((y) => this.expr(y)).join(', ')}]`;
      case 'then': {
        const L = word(1);
        return `${x(0)}.then((v) => { log(${JSON.stringify(L + ' ok ')} + show(v)); return ${opt(2, 'v')}; })`;
      }
      case 'thenthrow': {
        const L = word(1);
        return `${x(0)}.then((v) => { log(${JSON.stringify(L + ' ok ')} + show(v)); throw ${JSON.stringify(L)}; })`;
      }
      case 'catch': {
        const L = word(1);
        return `${x(0)}.catch((e) => { log(${JSON.stringify(L + ' caught ')} + show(e)); return ${opt(2, JSON.stringify(L))}; })`;
      }
      case 'finally': {
        const L = word(1);
        return `${x(0)}.finally(() => { log(${JSON.stringify(L + ' finally')}); return ${opt(2, 'undefined')}; })`;
      }
      default:
        throw new ParseError(`unknown operator ${e.op}`);
    }
  }

  // A loop source: an instance name, or any expression (a list).
  src(e) {
    if (!e.op && e.word !== undefined) return this.inst(e.word);
    return this.expr(e);
  }

  block(stmts, ind, loop) {
    return stmts.map((s) => this.stmt(s, ind, loop)).join('');
  }

  stmt(s, ind, loop) {
    const I = '  '.repeat(ind);
    const q = JSON.stringify;
    switch (s.t) {
      case 'log':
        return `${I}log(self + ${q(' ' + s.w)});\n`;
      case 'yield':
        return `${I}log(self + ' got ' + show(yield ${this.expr(s.e)}));\n`;
      case 'ystar':
        return `${I}log(self + ' star ' + show(yield* ${this.src(s.src)}));\n`;
      case 'await':
        return `${I}log(self + ' awaited ' + show(await ${this.expr(s.e)}));\n`;
      case 'return':
        return s.e ? `${I}return ${this.expr(s.e)};\n` : `${I}return;\n`;
      case 'throw':
        return `${I}throw ${this.expr(s.e)};\n`;
      case 'break':
        return `${I}break;\n`;
      case 'try': {
        let out = `${I}try {\n${this.block(s.body, ind + 1, loop)}${I}}`;
        if (s.cat) out += ` catch (e) {\n${I}  log(self + ' catch ' + show(e));\n${this.block(s.cat, ind + 1, loop)}${I}}`;
        if (s.fin) out += ` finally {\n${I}  log(self + ' finally');\n${this.block(s.fin, ind + 1, loop)}${I}}`;
        return out + '\n';
      }
      case 'forawait':
      case 'for': {
        const k = `k${++this.loopId}`;
        const aw = s.t === 'forawait' ? ' await' : '';
        return (
          `${I}{\n${I}  let ${k} = 0;\n${I}  for${aw} (const x of ${this.src(s.src)}) {\n` +
          `${I}    ${k}++;\n${I}    log(self + ' loop ' + show(x));\n` +
          this.block(s.body, ind + 2, k) +
          `${I}  }\n${I}}\n`
        );
      }
      case 'at':
        if (!loop) throw new ParseError('at outside a loop');
        return `${I}if (${loop} === ${s.k}) {\n${this.block(s.body, ind + 1, loop)}${I}}\n`;
      case 'do':
        return `${I}H.observe(${this.expr(s.e)}, ${q(s.label)});\n`;
      case 'drop':
        return `${I}${this.expr(s.e)};\n`;
      case 'sreq':
        return `${I}log(${q(s.label + ' ')} + res(${this.inst(s.inst)}.${s.op}(${this.expr(s.e)})));\n`;
      case 'resolve':
      case 'reject':
        if (!this.sc.promises.includes(s.p)) throw new ParseError(`unknown promise ${s.p}`);
        return `${I}_p_${s.p}.${s.t}(${this.expr(s.e)});\n`;
      case 'witness':
        return `${I}H.witness(${s.n}, ${q(s.label)});\n`;
      default:
        throw new ParseError(`unknown statement ${s.t}`);
    }
  }

  func(f) {
    const head = { agen: 'async function*', gen: 'function*', async: 'async function' }[f.kind];
    return (
      `${head} _f_${f.name}(self, me) {\n  log(self + ' start');\n` +
      this.block(f.body, 1, null) +
      `}\n`
    );
  }

  // A macrotask body (main, a timer, an immediate): an exception that
  // escapes it is a trace line, not the end of the process.
  task(self, body) {
    return (
      `function () {\n  const self = ${JSON.stringify(self)};\n  try {\n    log(self + ' start');\n` +
      this.block(body, 2, null) +
      `  } catch (e) {\n    log(self + ' threw ' + show(e));\n  }\n}`
    );
  }

  program() {
    const sc = this.sc;
    let out = `// scenario ${sc.id}\n(function (H) {\n'use strict';\nconst { log, show, res } = H;\n`;
    for (const p of sc.promises) out += `const _p_${p} = H.defer();\n`;
    for (const f of sc.funcs) out += this.func(f);
    for (const i of sc.insts) {
      if (!this.kinds.has(i.func)) throw new ParseError(`unknown function ${i.func}`);
      if (this.kinds.get(i.func) === 'async') throw new ParseError(`inst of async function ${i.func}`);
      out += `const _i_${i.name} = H.instance(_f_${i.func}, ${JSON.stringify(i.name)});\n`;
    }
    out += 'return {\n';
    out += `  main: ${this.task('main', sc.main)},\n`;
    out += '  immediates: [\n';
    sc.imms.forEach((im, n) => (out += `    ${this.task('i' + (n + 1), im.body)},\n`));
    out += '  ],\n  timers: [\n';
    for (const t of sc.timers) out += `    [${t.delay}, ${this.task('t' + t.delay, t.body)}],\n`;
    out += '  ],\n};\n})\n';
    return out;
  }
}

export function toJS(sc) {
  if (sc.error) throw new ParseError(sc.error);
  return new Gen(sc).program();
}
