"""Scenarios of the differential suite (see FORMAT.md): parse, print,
validate, generate at random, and shrink.

A scenario is a dict:
  id        str
  promises  [name]                    deferred promises ($name)
  funcs     [[kind, name, body]]      kind: agen | gen | async
  insts     [[name, func]]            generator instances
  main      body
  timers    [[delay, body]]
  imms      [body]
A body is a list of statements, each a list whose head names it:
  ['log', w] ['yield', E] ['yield*', SRC] ['await', E] ['return', E|None]
  ['throw', E] ['break'] ['try', body, catch|None, finally|None]
  ['forawait', SRC, body] ['for', SRC, body] ['at', k, body]
  ['do', E, label] ['drop', E] ['sreq', op, inst, E, label]
  ['resolve', p, E] ['reject', p, E] ['witness', n, label]
An expression is an atom (a str token: a number, a word, 'undefined',
'$name') or a list [op, args...].
"""

import copy
import random
import re

# ---- Parsing ----------------------------------------------------------------

TOKEN = re.compile(r"[(){}]|[^\s(){}#]+")


class ParseError(Exception):
    pass


def tokenize(line):
    return TOKEN.findall(line.split("#", 1)[0])


def _expr(toks, pos):
    if pos >= len(toks):
        raise ParseError("expression expected")
    t = toks[pos]
    if t == "(":
        if pos + 1 >= len(toks):
            raise ParseError("operator expected")
        out = [toks[pos + 1]]
        p = pos + 2
        while p < len(toks) and toks[p] != ")":
            e, p = _expr(toks, p)
            out.append(e)
        if p >= len(toks):
            raise ParseError("missing )")
        return out, p + 1
    if t in (")", "{", "}"):
        raise ParseError("unexpected " + t)
    return t, pos + 1


def _expr_to(toks, pos, end_tokens):
    e, p = _expr(toks, pos)
    if toks[p:] != end_tokens:
        raise ParseError("unexpected %s" % " ".join(toks[p:]))
    return e


def _as_label(toks, p):
    if len(toks) != p + 2 or toks[p] != "as":
        raise ParseError("... as LABEL expected")
    return toks[p + 1]


class _Lines:
    def __init__(self, lines):
        self.lines = lines
        self.i = 0

    def next(self):
        if self.i >= len(self.lines):
            raise ParseError("missing }")
        self.i += 1
        return self.lines[self.i - 1]


def _block(cur):
    body = []
    while True:
        toks = cur.next()
        if toks[0] == "}":
            return body, toks[1:]
        body.append(_stmt(toks, cur))


def _plain(cur):
    body, rest = _block(cur)
    if rest:
        raise ParseError("unexpected tokens after }")
    return body


def _stmt(toks, cur):
    k = toks[0]
    if k == "log":
        return ["log", toks[1]]
    if k in ("yield", "await", "throw", "drop"):
        return [k, _expr_to(toks, 1, [])]
    if k == "yield*":
        return ["yield*", _expr_to(toks, 1, [])]
    if k == "return":
        return ["return", _expr_to(toks, 1, []) if len(toks) > 1 else None]
    if k == "break":
        return ["break"]
    if k == "try":
        st = ["try", None, None, None]
        st[1], rest = _block(cur)
        while rest:
            if rest == ["catch", "{"] and st[2] is None and st[3] is None:
                st[2], rest = _block(cur)
            elif rest == ["finally", "{"] and st[3] is None:
                st[3], rest = _block(cur)
            else:
                raise ParseError("unexpected " + " ".join(rest))
        return st
    if k == "for":
        aw = len(toks) > 1 and toks[1] == "await"
        src = _expr_to(toks, 2 if aw else 1, ["{"])
        return ["forawait" if aw else "for", src, _plain(cur)]
    if k == "at":
        if toks[2:] != ["{"]:
            raise ParseError("at K {")
        return ["at", int(toks[1]), _plain(cur)]
    if k == "do":
        e, p = _expr(toks, 1)
        return ["do", e, _as_label(toks, p)]
    if k in ("snext", "sreturn", "sthrow"):
        e, p = _expr(toks, 2)
        return ["sreq", k[1:], toks[1], e, _as_label(toks, p)]
    if k in ("resolve", "reject"):
        return [k, toks[1], _expr_to(toks, 2, [])]
    if k == "witness":
        if len(toks) != 4 or toks[2] != "as":
            raise ParseError("witness N as LABEL")
        return ["witness", int(toks[1]), toks[3]]
    raise ParseError("unknown statement " + k)


def empty(sid="?"):
    return {"id": sid, "promises": [], "funcs": [], "insts": [], "main": [],
            "timers": [], "imms": []}


def parse(text):
    """One scenario from its text."""
    lines = [t for t in (tokenize(l) for l in text.split("\n")) if t]
    sc = empty()
    cur = _Lines(lines)
    while cur.i < len(lines):
        toks = cur.next()
        k = toks[0]
        if k == "scenario":
            sc["id"] = toks[1]
        elif k == "promise":
            sc["promises"].append(toks[1])
        elif k in ("agen", "gen", "async"):
            sc["funcs"].append([k, toks[1], _plain(cur)])
        elif k == "inst":
            sc["insts"].append([toks[1], toks[2]])
        elif k == "main":
            sc["main"] += _plain(cur)
        elif k == "timer":
            sc["timers"].append([int(toks[1]), _plain(cur)])
        elif k == "immediate":
            sc["imms"].append(_plain(cur))
        else:
            raise ParseError("unknown declaration " + k)
    return sc


def split_stream(text):
    """The scenarios' texts in a stream separated by --- lines."""
    out, cur = [], []
    for line in text.split("\n"):
        if re.match(r"^-{3,}\s*$", line):
            if any(tokenize(l) for l in cur):
                out.append("\n".join(cur))
            cur = []
        else:
            cur.append(line)
    if any(tokenize(l) for l in cur):
        out.append("\n".join(cur))
    return out


# ---- Printing ---------------------------------------------------------------

def fmt_expr(e):
    if isinstance(e, list):
        return "(" + " ".join([e[0]] + [fmt_expr(a) for a in e[1:]]) + ")"
    return str(e)


def _fmt_body(body, ind, out):
    for s in body:
        _fmt_stmt(s, ind, out)


def _fmt_stmt(s, ind, out):
    I = "  " * ind
    k = s[0]
    if k == "log":
        out.append(I + "log " + s[1])
    elif k in ("yield", "await", "throw", "drop", "yield*"):
        out.append(I + k + " " + fmt_expr(s[1]))
    elif k == "return":
        out.append(I + "return" + ("" if s[1] is None else " " + fmt_expr(s[1])))
    elif k == "break":
        out.append(I + "break")
    elif k == "try":
        out.append(I + "try {")
        _fmt_body(s[1], ind + 1, out)
        if s[2] is not None:
            out.append(I + "} catch {")
            _fmt_body(s[2], ind + 1, out)
        if s[3] is not None:
            out.append(I + "} finally {")
            _fmt_body(s[3], ind + 1, out)
        out.append(I + "}")
    elif k in ("forawait", "for"):
        out.append(I + ("for await " if k == "forawait" else "for ") + fmt_expr(s[1]) + " {")
        _fmt_body(s[2], ind + 1, out)
        out.append(I + "}")
    elif k == "at":
        out.append(I + "at %d {" % s[1])
        _fmt_body(s[2], ind + 1, out)
        out.append(I + "}")
    elif k == "do":
        out.append(I + "do " + fmt_expr(s[1]) + " as " + s[2])
    elif k == "sreq":
        out.append(I + "s%s %s %s as %s" % (s[1], s[2], fmt_expr(s[3]), s[4]))
    elif k in ("resolve", "reject"):
        out.append(I + "%s %s %s" % (k, s[1], fmt_expr(s[2])))
    elif k == "witness":
        out.append(I + "witness %d as %s" % (s[1], s[2]))
    else:
        raise ValueError(k)


def fmt(sc):
    out = ["scenario " + sc["id"]]
    for p in sc["promises"]:
        out.append("promise " + p)
    for kind, name, body in sc["funcs"]:
        out.append("%s %s {" % (kind, name))
        _fmt_body(body, 1, out)
        out.append("}")
    for name, f in sc["insts"]:
        out.append("inst %s %s" % (name, f))
    out.append("main {")
    _fmt_body(sc["main"], 1, out)
    out.append("}")
    for body in sc["imms"]:
        out.append("immediate {")
        _fmt_body(body, 1, out)
        out.append("}")
    for delay, body in sc["timers"]:
        out.append("timer %d {" % delay)
        _fmt_body(body, 1, out)
        out.append("}")
    return "\n".join(out) + "\n"


def size(sc):
    return len(fmt(sc).split("\n"))


# ---- Validation -------------------------------------------------------------
#
# Beyond well-formedness, a valid scenario is one both runners must agree on:
#  - it terminates: a body only calls async functions and names generator
#    instances declared after its own function (no recursion), so every loop
#    runs over a finite source;
#  - Node 20 and ECMA-262 agree on it (docs/semantics.md): a sync iterator
#    that for await or yield* adapts never produces a rejected promise
#    (checklist 41 and 52), so generators yield and return only "safe"
#    values, lists there hold only safe elements; and no throw() reaches an
#    async-from-sync iterator without a throw method (item 57): no throw()
#    request, nor a return() of a promise that may reject (item 38 turns it
#    into a throw), targets a generator that may be delegating to a list;
#  - no value JavaScript can throw but tide cannot carry as a reason:
#    thrown values and rejection reasons are never undefined;
#  - timers are created in one callback with distinct delays, so their order
#    is fixed whatever the load.

PROMISE_OPS = {"ok", "err", "next", "return", "throw", "call", "all", "allSettled", "race",
               "any", "then", "thenthrow", "catch", "finally"}
VARIADIC = {"all", "allSettled", "race", "any", "list"}
WORD = re.compile(r"^[a-z][a-z0-9]*$")
NUM = re.compile(r"^-?[0-9]+$")


class Invalid(Exception):
    pass


def _bodies(sc):
    yield sc["main"]
    for b in sc["imms"]:
        yield b
    for _, b in sc["timers"]:
        yield b
    for f in sc["funcs"]:
        yield f[2]


def walk_stmts(body):
    for s in body:
        yield s
        for sub in _sub_bodies(s):
            yield from walk_stmts(sub)


def _sub_bodies(s):
    if s[0] == "try":
        return [b for b in s[1:4] if b is not None]
    if s[0] in ("forawait", "for", "at"):
        return [s[-1]]
    return []


def _stmt_exprs(s):
    """(container, index) of each top-level expression of statement s."""
    k = s[0]
    if k in ("yield", "yield*", "await", "throw", "drop", "do", "forawait", "for"):
        return [(s, 1)]
    if k == "return" and s[1] is not None:
        return [(s, 1)]
    if k == "sreq":
        return [(s, 3)]
    if k in ("resolve", "reject"):
        return [(s, 2)]
    return []


def _walk_expr(e):
    yield e
    if isinstance(e, list):
        for a in e[1:]:
            yield from _walk_expr(a)


def _value_atom(e):
    return isinstance(e, str) and (NUM.match(e) or WORD.match(e)) and e != "undefined"


def safe_promises(sc):
    """Deferred promises that can never reject."""
    safe = set(sc["promises"])
    stmts = [s for b in _bodies(sc) for s in walk_stmts(b)]
    changed = True
    while changed:
        changed = False
        for s in stmts:
            if s[0] == "reject" and s[1] in safe:
                safe.discard(s[1])
                changed = True
            if s[0] == "resolve" and s[1] in safe and not is_safe(s[2], safe):
                safe.discard(s[1])
                changed = True
    return safe


def is_safe(e, safe):
    """e (a value, or a promise or thenable) certainly does not reject."""
    if isinstance(e, str):
        return not e.startswith("$") or e[1:] in safe
    op, args = e[0], e[1:]
    if op in ("ok", "tok"):
        return is_safe(args[0], safe)
    if op == "allSettled":
        return True
    if op in ("all", "list"):
        return all(is_safe(a, safe) for a in args)
    if op == "race":
        return bool(args) and all(is_safe(a, safe) for a in args)
    if op == "any":
        return any(is_safe(a, safe) for a in args)
    return False


def tainted_funcs(sc):
    """Generator functions that may be delegating (yield*) to a list."""
    inst_f = {i[0]: i[1] for i in sc["insts"]}
    bad = set()
    changed = True
    while changed:
        changed = False
        for kind, name, body in sc["funcs"]:
            if name in bad or kind != "agen":
                continue
            for s in walk_stmts(body):
                if s[0] == "yield*":
                    src = s[1]
                    if isinstance(src, list) or inst_f.get(src) in bad:
                        bad.add(name)
                        changed = True
                        break
    return bad


def validate(sc):
    """None if sc is valid, else the reason."""
    try:
        _validate(sc)
    except Invalid as e:
        return str(e)
    return None


def _validate(sc):
    names = sc["promises"] + [f[1] for f in sc["funcs"]] + [i[0] for i in sc["insts"]]
    if len(set(names)) != len(names):
        raise Invalid("duplicate names")
    for n in names:
        if not re.match(r"^[A-Za-z][A-Za-z0-9]*$", n) or n in ("self", "undefined"):
            raise Invalid("bad name " + n)
    delays = [t[0] for t in sc["timers"]]
    if len(set(delays)) != len(delays) or any(d < 1 or d > 100 for d in delays):
        raise Invalid("timer delays must be distinct, 1..100")
    findex = {f[1]: i for i, f in enumerate(sc["funcs"])}
    fkind = {f[1]: f[0] for f in sc["funcs"]}
    ikind, iindex = {}, {}
    for name, f in sc["insts"]:
        if fkind.get(f) not in ("agen", "gen"):
            raise Invalid("inst of a non-generator " + f)
        ikind[name] = fkind[f]
        iindex[name] = findex[f]
    env = {
        "safe": safe_promises(sc),
        "tainted": {i[0] for i in sc["insts"] if i[1] in tainted_funcs(sc)},
        "findex": findex, "fkind": fkind, "ikind": ikind, "iindex": iindex,
        "promises": set(sc["promises"]),
    }
    for kind, name, body in sc["funcs"]:
        ctx = {"kind": kind, "fidx": findex[name], "tainted_self": name in tainted_funcs(sc)}
        _check_body(body, ctx, env, 0)
    for body in [sc["main"]] + sc["imms"] + [t[1] for t in sc["timers"]]:
        _check_body(body, {"kind": "task", "fidx": -1, "tainted_self": False}, env, 0)
    labels = [s[-1] for b in _bodies(sc) for s in walk_stmts(b)
              if s[0] in ("do", "sreq", "witness")]
    if len(labels) > 400:
        raise Invalid("too big")


def _check_body(body, ctx, env, loops):
    for s in body:
        _check_stmt(s, ctx, env, loops)


def _check_inst(name, ctx, env, want):
    """A reference to instance `name` of kind `want` (agen / gen)."""
    if name == "self":
        if ctx["kind"] != want:
            raise Invalid("self outside a " + want)
        return
    if env["ikind"].get(name) != want:
        raise Invalid("%s is not a %s instance" % (name, want))
    if env["iindex"][name] <= ctx["fidx"]:
        raise Invalid("reference to an earlier function's instance " + name)


def _check_src(src, ctx, env, sync, need_safe):
    if isinstance(src, str) and not NUM.match(src) and WORD.match(src) and src != "undefined":
        if src == "self":
            raise Invalid("self as a source")
        kind = env["ikind"].get(src)
        if kind is None or (sync and kind != "gen"):
            raise Invalid("bad source " + src)
        _check_inst(src, ctx, env, kind)
        return
    if not (isinstance(src, list) and src[0] == "list"):
        raise Invalid("a source is an instance or a list")
    _check_expr(src, ctx, env, False)
    if need_safe and not all(is_safe(a, env["safe"]) for a in src[1:]):
        raise Invalid("unsafe list element for an async-from-sync iterator")


def _check_stmt(s, ctx, env, loops):
    k, kind = s[0], ctx["kind"]
    if k == "log":
        if not WORD.match(s[1]):
            raise Invalid("log word")
    elif k == "yield":
        if kind not in ("agen", "gen"):
            raise Invalid("yield outside a generator")
        _check_expr(s[1], ctx, env, False)
        if kind == "gen" and not is_safe(s[1], env["safe"]):
            raise Invalid("a generator yields only safe values")
    elif k == "yield*":
        if kind == "agen":
            _check_src(s[1], ctx, env, False, True)
        elif kind == "gen":
            _check_src(s[1], ctx, env, True, True)
        else:
            raise Invalid("yield* outside a generator")
    elif k == "await":
        if kind not in ("agen", "async"):
            raise Invalid("await outside an async body")
        _check_expr(s[1], ctx, env, False)
    elif k == "return":
        if kind == "task":
            raise Invalid("return in a task")
        if s[1] is not None:
            _check_expr(s[1], ctx, env, False)
            if kind == "gen" and not is_safe(s[1], env["safe"]):
                raise Invalid("a generator returns only safe values")
    elif k == "throw":
        if not _value_atom(s[1]):
            raise Invalid("throw a value")
    elif k == "break":
        if not loops:
            raise Invalid("break outside a loop")
    elif k == "try":
        if s[2] is None and s[3] is None:
            raise Invalid("try without catch or finally")
        for b in s[1:4]:
            if b is not None:
                _check_body(b, ctx, env, loops)
    elif k == "forawait":
        if kind not in ("agen", "async"):
            raise Invalid("for await outside an async body")
        _check_src(s[1], ctx, env, False, True)
        _check_body(s[2], ctx, env, loops + 1)
    elif k == "for":
        _check_src(s[1], ctx, env, True, False)
        _check_body(s[2], ctx, env, loops + 1)
    elif k == "at":
        if not loops or s[1] < 1:
            raise Invalid("at outside a loop")
        _check_body(s[2], ctx, env, loops)
    elif k == "do":
        _check_expr(s[1], ctx, env, False)
        if not (isinstance(s[1], list) and s[1][0] in PROMISE_OPS or
                isinstance(s[1], str) and s[1].startswith("$")):
            raise Invalid("do needs a promise")
        if not WORD.match(s[2]):
            raise Invalid("label")
    elif k == "drop":
        _check_expr(s[1], ctx, env, False)
    elif k == "sreq":
        _check_inst(s[2], ctx, env, "gen")
        _check_expr(s[3], ctx, env, False)
        if s[1] == "throw" and not _value_atom(s[3]):
            raise Invalid("sthrow a value")
        if s[1] not in ("next", "return", "throw") or not WORD.match(s[4]):
            raise Invalid("sreq")
    elif k in ("resolve", "reject"):
        if s[1] not in env["promises"]:
            raise Invalid("unknown promise " + s[1])
        _check_expr(s[2], ctx, env, False)
        if k == "reject" and not _value_atom(s[2]):
            raise Invalid("reject with a value")
    elif k == "witness":
        if not 1 <= s[1] <= 30 or not WORD.match(s[2]):
            raise Invalid("witness")
    else:
        raise Invalid("unknown statement " + k)


def _check_expr(e, ctx, env, handler):
    if isinstance(e, str):
        if e.startswith("$"):
            if e[1:] not in env["promises"]:
                raise Invalid("unknown promise " + e)
        elif not (NUM.match(e) or WORD.match(e)):
            raise Invalid("bad atom " + e)
        return
    if not e:
        raise Invalid("empty form")
    op, a = e[0], e[1:]
    if op in ("ok", "tok"):
        if len(a) != 1:
            raise Invalid(op)
        _check_expr(a[0], ctx, env, handler)
    elif op in ("err", "terr"):
        if len(a) != 1 or not _value_atom(a[0]):
            raise Invalid(op + " needs a value")
    elif op in ("next", "return", "throw"):
        if not a or not isinstance(a[0], str):
            raise Invalid(op)
        if a[0] == "self" and handler:
            raise Invalid("self in a handler")
        _check_inst(a[0], ctx, env, "agen")
        if op == "throw":
            if len(a) != 2 or not _value_atom(a[1]):
                raise Invalid("throw INST VALUE")
            if a[0] in env["tainted"] or (a[0] == "self" and ctx["tainted_self"]):
                raise Invalid("throw() to a generator that may delegate to a list")
        elif len(a) > 2:
            raise Invalid(op)
        elif op == "return" and len(a) == 2 and not is_safe(a[1], env["safe"]) and \
                (a[0] in env["tainted"] or (a[0] == "self" and ctx["tainted_self"])):
            # return(rejected) is a throw once awaited (checklist 38).
            raise Invalid("return() of a rejection to a generator that may delegate to a list")
        for x in a[1:]:
            _check_expr(x, ctx, env, handler)
    elif op == "call":
        if len(a) != 2 or env["fkind"].get(a[0]) != "async" or not WORD.match(a[1]):
            raise Invalid("call")
        if env["findex"][a[0]] <= ctx["fidx"]:
            raise Invalid("call of an earlier function")
    elif op in VARIADIC:
        if len(a) > 12:
            raise Invalid("too many")
        for x in a:
            _check_expr(x, ctx, env, handler)
    elif op in ("then", "catch", "finally", "thenthrow"):
        n = 2 if op == "thenthrow" else 3
        if not 2 <= len(a) <= n or not isinstance(a[1], str) or not WORD.match(a[1]):
            raise Invalid(op)
        base = a[0]
        if not (isinstance(base, list) and base[0] in PROMISE_OPS or
                isinstance(base, str) and base.startswith("$")):
            raise Invalid(op + " on a non-promise")
        _check_expr(base, ctx, env, handler)
        if len(a) == 3:
            _check_expr(a[2], ctx, env, True)
    else:
        raise Invalid("unknown operator " + op)


# ---- Random generation --------------------------------------------------------

class Gen:
    """One random scenario. Small programs, many concurrent requests, nested
    try/finally, and return/throw mixed with pending awaits."""

    def __init__(self, rng, sid):
        self.r = rng
        self.sid = sid
        self.n = {}

    def fresh(self, prefix):
        self.n[prefix] = self.n.get(prefix, 0) + 1
        return "%s%d" % (prefix, self.n[prefix])

    def chance(self, p):
        return self.r.random() < p

    def pick(self, weighted):
        total = sum(w for w, _ in weighted if w > 0)
        x = self.r.random() * total
        for w, v in weighted:
            if w <= 0:
                continue
            x -= w
            if x < 0:
                return v
        return weighted[-1][1]

    def value(self):
        return self.pick([(5, str(self.r.randint(1, 9))), (2, self.fresh("v")), (1, "undefined")])

    def reason(self):
        return self.fresh("e")

    # Who may be referred to from a body of function index fidx.
    def later_insts(self, fidx, kind=None):
        return [i for i, f in self.insts if self.findex[f] > fidx and
                (kind is None or self.fkind[f] == kind)]

    def later_calls(self, fidx):
        return [f for f, k in self.fkind.items() if k == "async" and self.findex[f] > fidx]

    def scenario(self):
        r = self.r
        sc = empty(self.sid)
        nf = self.pick([(3, 1), (4, 2), (2, 3), (1, 4)])
        kinds = [self.pick([(6, "agen"), (2, "gen"), (2, "async")]) for _ in range(nf)]
        if "agen" not in kinds and self.chance(0.8):
            kinds[0] = "agen"
        order = {"async": 0, "agen": 1, "gen": 2}
        kinds.sort(key=lambda k: order[k] + r.random() * 1.5)
        self.fkind, self.findex = {}, {}
        fnames = []
        for i, k in enumerate(kinds):
            name = {"agen": "G", "gen": "S", "async": "F"}[k] + str(i + 1)
            fnames.append(name)
            self.fkind[name] = k
            self.findex[name] = i
        self.insts = []
        for name in fnames:
            if self.fkind[name] == "async":
                continue
            for _ in range(self.pick([(6, 1), (3, 2), (1, 3)])):
                iname = self.fresh("g" if self.fkind[name] == "agen" else "s")
                self.insts.append((iname, name))
        self.promises = [self.fresh("p") for _ in range(self.pick([(3, 0), (3, 1), (2, 2), (1, 3)]))]
        # Which promises may be rejected: decided up front, so that generator
        # bodies know which ones they may yield.
        self.rejectable = {p for p in self.promises if self.chance(0.4)}
        delays = r.sample(range(1, 7), self.pick([(4, 0), (3, 1), (2, 2), (1, 3)]))
        sc["promises"] = list(self.promises)
        for i, name in enumerate(fnames):
            self.depth = 0
            self.budget = r.randint(2, 9)
            if self.fkind[name] == "async" and self.later_insts(i, "agen") and self.chance(0.5):
                body = self.consumer(i)
            else:
                body = self.body(self.fkind[name], i, 0)
            sc["funcs"].append([self.fkind[name], name, body])
        sc["insts"] = [[i, f] for i, f in self.insts]
        sc["main"] = self.main_body()
        for _ in range(self.pick([(5, 0), (3, 1), (1, 2)])):
            sc["imms"].append(self.task_body())
        for d in delays:
            sc["timers"].append([d, self.task_body()])
        self.settle_promises(sc)
        return sc

    def settle_promises(self, sc):
        """Every deferred promise gets settled somewhere (usually)."""
        tasks = [sc["main"]] + sc["imms"] + [t[1] for t in sc["timers"]]
        for p in self.promises:
            if p in self.rejectable and self.chance(0.7):
                # Someone listens, so that a rejection is not always unhandled.
                m = sc["main"]
                m.insert(self.r.randint(0, len(m)), ["do", "$" + p, self.fresh("r")])
            if not self.chance(0.9):
                continue
            where = self.r.choice(tasks[1:] if len(tasks) > 1 and self.chance(0.75) else tasks)
            if p in self.rejectable and self.chance(0.6):
                st = ["reject", p, self.reason()]
            else:
                opts = [(4, self.value()), (1, ["ok", self.value()]), (1, ["tok", self.value()])]
                # Adopting another promise: one that cannot reject, unless
                # this one may reject anyway.
                others = [q for q in self.promises if q != p and
                          (p in self.rejectable or q not in self.rejectable)]
                if others:
                    opts.append((1, "$" + self.r.choice(others)))
                ags = [i for i, f in self.insts if self.fkind[f] == "agen"]
                if ags and p in self.rejectable:
                    opts.append((1, self.request(self.r.choice(ags), 1)))
                st = ["resolve", p, self.pick(opts)]
            where.insert(self.r.randint(0, len(where)), st)

    # -- expressions

    def promise_expr(self, kind, fidx, depth=0, safe=False):
        """A promise (or thenable) expression for await / yield / combinators."""
        r = self.r
        opts = [(8, "ok"), (0 if safe else 5, "err"), (3, "tok"), (0 if safe else 1, "terr")]
        safe_ps = [p for p in self.promises if p not in self.rejectable]
        ps = safe_ps if safe else self.promises
        if ps:
            opts.append((8, "defer"))
        if not safe and depth < 2:
            opts += [(3, "comb"), (4, "chain")]
            if self.later_insts(fidx, "agen"):
                opts.append((3, "req"))
            if self.later_calls(fidx):
                opts.append((2, "call"))
        elif safe and depth < 2:
            opts += [(1, "allSettled")]
        k = self.pick(opts)
        if k == "ok":
            return ["ok", self.value()]
        if k == "err":
            return ["err", self.reason()]
        if k == "tok":
            return ["tok", self.value()]
        if k == "terr":
            return ["terr", self.reason()]
        if k == "defer":
            return "$" + r.choice(ps)
        if k == "allSettled":
            return ["allSettled"] + [self.promise_or_value(kind, fidx, depth + 1, True)
                                     for _ in range(r.randint(0, 3))]
        if k == "comb":
            op = r.choice(["all", "allSettled", "race", "any"])
            n = self.pick([(1, 0), (3, 1), (5, 2), (3, 3)]) if op != "race" else r.randint(1, 3)
            return [op] + [self.promise_or_value(kind, fidx, depth + 1) for _ in range(n)]
        if k == "chain":
            return self.chain(kind, fidx, depth)
        if k == "req":
            return self.request(r.choice(self.later_insts(fidx, "agen")), depth)
        if k == "call":
            return ["call", r.choice(self.later_calls(fidx)), self.fresh("f")]
        raise AssertionError(k)

    def promise_or_value(self, kind, fidx, depth, safe=False):
        if self.chance(0.25):
            return self.value()
        return self.promise_expr(kind, fidx, depth, safe)

    def chain(self, kind, fidx, depth):
        e = self.promise_expr(kind, fidx, depth + 1)
        if isinstance(e, list) and e[0] in ("tok", "terr"):
            e = ["ok", e]
        for _ in range(self.pick([(4, 1), (3, 2), (1, 3)])):
            op = self.pick([(4, "then"), (3, "catch"), (2, "finally"), (1, "thenthrow")])
            label = self.fresh("c")
            if op != "thenthrow" and self.chance(0.3):
                e = [op, e, label, self.handler_expr(fidx, depth)]
            else:
                e = [op, e, label]
        return e

    def handler_expr(self, fidx, depth):
        opts = [(3, ["ok", self.value()]), (2, ["err", self.reason()]), (1, self.value()),
                (1, ["tok", self.value()])]
        ags = self.later_insts(fidx, "agen")
        if ags and depth < 2:
            opts.append((2, self.request(self.r.choice(ags), depth + 1)))
        if self.promises:
            opts.append((2, "$" + self.r.choice(self.promises)))
        return self.pick(opts)

    def request(self, inst, depth=1):
        op = self.pick([(6, "next"), (2, "return"), (2, "throw")])
        if op == "throw":
            return ["throw", inst, self.reason()]
        if self.chance(0.35):
            return [op, inst]
        if self.chance(0.8) or depth > 1:
            return [op, inst, self.value()]
        if op == "next":  # passed on as it is, not awaited: keep it fulfilled
            return [op, inst, ["ok", self.value()]]
        return [op, inst, self.promise_expr("task", 99, 2)]

    # -- statements

    def body(self, kind, fidx, loops, least=0):
        """A statement list: at least `least` statements, none after one
        that always leaves (return, throw, break)."""
        out = []
        n = self.r.randint(1, 4) if self.depth else self.r.randint(2, 7)
        for _ in range(max(n, least)):
            if self.budget <= 0 and len(out) >= least:
                break
            self.budget -= 1
            st = self.stmt(kind, fidx, loops)
            out.append(st)
            if st[0] in ("return", "throw", "break"):
                return out
        if kind in ("agen", "gen", "async") and not self.depth and self.chance(0.35):
            out.append(self.ret(kind, fidx))
        return out

    def ret(self, kind, fidx):
        if kind == "gen":
            return ["return", self.pick([(1, None), (3, self.value()), (1, ["ok", self.value()])])]
        return ["return", self.pick([(1, None), (3, self.value()), (2, self.promise_expr(kind, fidx, 1))])]

    def sub(self, kind, fidx, loops, least=1):
        self.depth += 1
        b = self.body(kind, fidx, loops, least)
        self.depth -= 1
        return b

    def stmt(self, kind, fidx, loops):
        r = self.r
        agen_t = self.later_insts(fidx, "agen")
        gen_t = self.later_insts(fidx, "gen")
        opts = [(2, "log")]
        if kind in ("agen", "gen"):
            opts += [(14, "yield"), (5 if kind == "agen" else 2, "yieldp")]
            opts += [(6, "ystar")]
        if kind in ("agen", "async"):
            opts += [(9, "await")]
            if agen_t or gen_t or True:
                opts += [(6 if kind == "async" else 4, "forawait")]
        if self.depth < 3:
            opts += [(9, "tryfin"), (5, "trycatch"), (3, "trycf")]
        if kind != "task":
            opts += [(2 if self.depth else 0.5, "return")]
        opts += [(2 if self.depth else 0.5, "throw")]
        if loops:
            opts += [(6, "at")]
        if agen_t or (kind == "agen"):
            opts += [(4 if kind in ("async", "task") else 2, "do")]
        if gen_t or kind == "gen":
            opts += [(2, "sreq")]
        if gen_t and self.depth < 3:
            opts += [(1, "for")]
        if self.promises:
            opts += [(2, "settle")]
        opts += [(1, "witness"), (0.5, "drop")]
        k = self.pick(opts)
        if k == "log":
            return ["log", self.fresh("l")]
        if k == "yield":
            return ["yield", self.value()]
        if k == "yieldp":
            return ["yield", self.promise_expr(kind, fidx, 0, safe=(kind == "gen"))]
        if k == "ystar":
            return ["yield*", self.source(kind, fidx, sync=(kind == "gen"))]
        if k == "await":
            return ["await", self.promise_or_value(kind, fidx, 0) if self.chance(0.9) else self.value()]
        if k == "forawait":
            return ["forawait", self.source(kind, fidx, sync=False), self.loop_body(kind, fidx, loops)]
        if k == "for":
            return ["for", self.source(kind, fidx, sync=True, for_of=True), self.loop_body(kind, fidx, loops)]
        if k in ("tryfin", "trycatch", "trycf"):
            b = self.sub(kind, fidx, loops)
            c = self.sub(kind, fidx, loops, self.r.randint(0, 1)) if k != "tryfin" else None
            f = self.sub(kind, fidx, loops, self.r.randint(0, 1)) if k != "trycatch" else None
            return ["try", b, c, f]
        if k == "return":
            return self.ret(kind, fidx)
        if k == "throw":
            return ["throw", self.reason()]
        if k == "at":
            it = self.pick([(4, 1), (4, 2), (2, 3), (1, 4)])
            ex = self.pick([(5, ["break"]), (2, ["throw", self.reason()]),
                            (2 if kind != "task" else 0, "ret"), (2, "stmt")])
            if ex == "ret":
                ex = self.ret(kind, fidx)
            elif ex == "stmt":
                self.depth += 1
                ex = self.stmt(kind, fidx, loops)
                self.depth -= 1
            return ["at", it, [ex]]
        if k == "do":
            opts = [(3, t) for t in agen_t] + ([(2, "self")] if kind == "agen" else [])
            t = self.pick(opts)
            return ["do", self.request(t, 1), self.fresh("r")]
        if k == "sreq":
            t = r.choice(gen_t) if gen_t and (kind != "gen" or self.chance(0.8)) else "self"
            op = self.pick([(5, "next"), (2, "return"), (2, "throw")])
            arg = self.reason() if op == "throw" else self.value()
            return ["sreq", op, t, arg, self.fresh("r")]
        if k == "settle":
            p = r.choice(self.promises)
            if p in self.rejectable and self.chance(0.5):
                return ["reject", p, self.reason()]
            return ["resolve", p, self.value()]
        if k == "witness":
            return ["witness", r.randint(1, 8), self.fresh("w")]
        if k == "drop":
            return ["drop", self.promise_expr(kind, fidx, 1)]
        raise AssertionError(k)

    def consumer(self, fidx):
        """An async function driving generators: requests awaited one after
        the other or issued together, loops left at step k."""
        r = self.r
        ags = self.later_insts(fidx, "agen")
        out = []
        for _ in range(r.randint(2, 6)):
            t = r.choice(ags)
            k = self.pick([(6, "await"), (3, "do"), (2, "all"), (4, "for"), (1, "stmt")])
            if k == "await":
                out.append(["await", self.request(t, 1)])
            elif k == "do":
                out.append(["do", self.request(t, 1), self.fresh("r")])
            elif k == "all":
                op = r.choice(["all", "allSettled", "race", "any"])
                out.append(["await", [op] + [self.request(r.choice(ags), 1)
                                             for _ in range(r.randint(1, 3))]])
            elif k == "for":
                out.append(["forawait", t, self.loop_body("async", fidx, 0)])
            else:
                self.depth, self.budget = 1, 2
                out.append(self.stmt("async", fidx, 0))
        if self.chance(0.5):
            cut = r.randint(0, len(out))
            wrap = self.pick([(2, "catch"), (2, "finally"), (1, "both")])
            out[cut:] = [["try", out[cut:], [["log", self.fresh("l")]] if wrap != "finally" else None,
                          [["log", self.fresh("l")]] if wrap != "catch" else None]]
        return out

    def loop_body(self, kind, fidx, loops):
        self.depth += 1
        b = self.body(kind, fidx, loops + 1) if self.chance(0.6) else []
        self.depth -= 1
        if self.chance(0.6):
            exit_ = self.pick([(5, ["break"]), (2, ["throw", self.reason()]),
                               (2 if kind != "task" else 0, "ret")])
            if exit_ == "ret":
                exit_ = self.ret(kind, fidx)
            b.insert(self.r.randint(0, len(b)), ["at", self.pick([(4, 1), (4, 2), (2, 3)]), [exit_]])
        return b

    def source(self, kind, fidx, sync, for_of=False):
        insts = self.later_insts(fidx, "gen" if sync else None)
        if insts and self.chance(0.75):
            return self.r.choice(insts)
        n = self.r.randint(0, 3)
        if for_of:
            return ["list"] + [self.value() if self.chance(0.7) else ["ok", self.value()]
                               for _ in range(n)]
        return ["list"] + [self.value() if self.chance(0.6) else
                           self.promise_expr(kind, fidx, 1, safe=True) for _ in range(n)]

    def main_body(self):
        """Many concurrent requests, witness chains, calls of consumers."""
        r = self.r
        out = []
        if self.chance(0.5):
            out.append(["witness", r.randint(2, 10), self.fresh("w")])
        ags = [i for i, f in self.insts if self.fkind[f] == "agen"]
        gs = [i for i, f in self.insts if self.fkind[f] == "gen"]
        calls = [f for f, k in self.fkind.items() if k == "async"]
        for f in calls:
            if self.chance(0.85):
                e = ["call", f, self.fresh("f")]
                out.append(["do", e, self.fresh("r")] if self.chance(0.8) else ["drop", e])
        nreq = self.pick([(1, 0), (2, 2), (3, 4), (2, 6), (1, 9)]) if ags else 0
        for _ in range(nreq):
            t = r.choice(ags)
            out.append(["do", self.request(t, 1), self.fresh("r")])
        if gs:
            for _ in range(self.pick([(2, 0), (2, 1), (1, 3)])):
                op = self.pick([(5, "next"), (2, "return"), (2, "throw")])
                arg = self.reason() if op == "throw" else self.value()
                out.append(["sreq", op, r.choice(gs), arg, self.fresh("r")])
        if self.chance(0.25):
            self.depth, self.budget = 1, 2
            out.append(self.stmt("task", -1, 0))
        r.shuffle(out)
        if self.chance(0.3):
            out.insert(0, ["witness", r.randint(1, 6), self.fresh("w")])
        return out

    def task_body(self):
        out = []
        ags = [i for i, f in self.insts if self.fkind[f] == "agen"]
        for _ in range(self.r.randint(0, 3)):
            if ags and self.chance(0.6):
                out.append(["do", self.request(self.r.choice(ags), 1), self.fresh("r")])
            else:
                self.depth, self.budget = 1, 2
                out.append(self.stmt("task", -1, 0))
        return out


def generate(seed, i):
    """Scenario number i of seed `seed`: valid, and the same every time."""
    rng = random.Random("%s:%d" % (seed, i))
    sid = "s%s-%d" % (seed, i)
    for attempt in range(200):
        sc = Gen(rng, sid).scenario()
        if validate(sc) is None:
            return sc
    raise RuntimeError("could not generate a valid scenario for %s" % sid)


# ---- Shrinking --------------------------------------------------------------

def _blocks(sc):
    """Every statement list of sc (as objects to mutate in place)."""
    out = []

    def rec(body):
        out.append(body)
        for s in body:
            for b in _sub_bodies(s):
                rec(b)

    for b in _bodies(sc):
        rec(b)
    return out


def _exprs(sc):
    """(container, index) for every expression and sub-expression."""
    out = []

    def rec(cont, idx):
        out.append((cont, idx))
        e = cont[idx]
        if isinstance(e, list):
            for j in range(1, len(e)):
                rec(e, j)

    for b in _blocks(sc):
        for s in b:
            for cont, idx in _stmt_exprs(s):
                rec(cont, idx)
    return out


def candidates(sc):
    """Scenarios one step smaller than sc, biggest steps first."""
    def variants(mutate, count):
        for j in range(count):
            c = copy.deepcopy(sc)
            if mutate(c, j) is not False:
                yield c

    # Whole declarations.
    for key in ("timers", "imms", "funcs", "insts", "promises"):
        yield from variants(lambda c, j, key=key: c[key].pop(j), len(sc[key]))
    nb = len(_blocks(sc))
    # Statements: remove one; replace a compound statement by a part of it.
    for bi in range(nb):
        n = len(_blocks(sc)[bi])
        for si in range(n):
            def drop(c, j, bi=bi, si=si):
                del _blocks(c)[bi][si]
            yield from variants(drop, 1)
    for bi in range(nb):
        n = len(_blocks(sc)[bi])
        for si in range(n):
            s = _blocks(sc)[bi][si]
            parts = [p for p in range(1, 4) if s[0] == "try" and s[p] is not None] or \
                ([len(s) - 1] if _sub_bodies(s) else [])
            for p in parts:
                def inline(c, j, bi=bi, si=si, p=p):
                    blk = _blocks(c)[bi]
                    blk[si:si + 1] = blk[si][p]
                yield from variants(inline, 1)
            if s[0] == "try":
                for p in (2, 3):
                    if s[p] is not None:
                        def unclause(c, j, bi=bi, si=si, p=p):
                            _blocks(c)[bi][si][p] = None
                        yield from variants(unclause, 1)
            if s[0] == "do":
                def todrop(c, j, bi=bi, si=si):
                    st = _blocks(c)[bi][si]
                    st[:] = ["drop", st[1]]
                yield from variants(todrop, 1)
            if s[0] == "return" and s[1] is not None:
                def bare(c, j, bi=bi, si=si):
                    _blocks(c)[bi][si][1] = None
                yield from variants(bare, 1)
            if s[0] == "witness" and s[1] > 1:
                def fewer(c, j, bi=bi, si=si):
                    _blocks(c)[bi][si][1] -= 1
                yield from variants(fewer, 1)
            if s[0] == "at" and s[1] > 1:
                def earlier(c, j, bi=bi, si=si):
                    _blocks(c)[bi][si][1] -= 1
                yield from variants(earlier, 1)
    # Expressions: replace by a part, drop an argument, make plain.
    for ei, (cont, idx) in enumerate(_exprs(sc)):
        e = cont[idx]
        if not isinstance(e, list):
            if e not in ("1",) and not e.startswith("$") and NUM.match(e) is None and \
                    cont[0] not in ("next", "return", "throw", "call", "then", "catch",
                                    "finally", "thenthrow", "for", "forawait", "yield*"):
                def one(c, j, ei=ei):
                    cc, ii = _exprs(c)[ei]
                    cc[ii] = "1"
                yield from variants(one, 1)
            continue
        for j in range(1, len(e)):
            def part(c, k, ei=ei, j=j):
                cc, ii = _exprs(c)[ei]
                cc[ii] = cc[ii][j]
            yield from variants(part, 1)
        if e[0] in VARIADIC or (e[0] in ("next", "return", "then", "catch", "finally")
                                and len(e) > (2 if e[0] in ("next", "return") else 3)):
            lo = 1 if e[0] in VARIADIC else len(e) - 1
            for j in range(lo, len(e)):
                def rm(c, k, ei=ei, j=j):
                    cc, ii = _exprs(c)[ei]
                    del cc[ii][j]
                yield from variants(rm, 1)
        def okone(c, k, ei=ei):
            cc, ii = _exprs(c)[ei]
            cc[ii] = ["ok", "1"]
        if e != ["ok", "1"]:
            yield from variants(okone, 1)
