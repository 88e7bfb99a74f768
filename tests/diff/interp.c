/* Differential suite, C side: reads a stream of scenarios (tests/diff/FORMAT.md)
 * on stdin and runs each with tide's public API only, printing its trace in
 * the same format as tests/diff/js/runner.mjs:
 *
 *   ### <id>
 *   <one line per event>
 *   ### end
 *
 * Each scenario gets a fresh loop. As on the Node side, it starts inside a
 * timer callback: its immediates are started there, then its timers in
 * increasing order of their distinct delays, then its main block runs.
 *
 * Bodies are interpreted: an async generator's body is a tide_async_gen whose
 * C function walks the scenario's statements; an async function's a
 * tide_async; a generator's a tide_generator. JavaScript's control flow
 * becomes completion records (normal, break, return, throw) that the walker
 * passes up, exactly as ECMAScript's evaluation does: a try/catch/finally
 * looks at the status tide_yield / tide_await returned and branches; a
 * return() at a yield is tide_yield returning TIDE_RETURN, passed on by the
 * body returning TIDE_RETURN.
 *
 * What JavaScript leaves to its collector: every generator instance and
 * deferred promise is held until the scenario's loop has run dry, then
 * released in "quiet" mode, where nothing is traced any more and every body
 * unwinds at once (tide closes a released suspended generator, and resumes
 * parked awaits with TIDE_ECANCELED when the loop is freed; Node would just
 * drop them).
 *
 * An unhandled rejection is the trace line `unhandled <reason>`; the loop
 * stops there, as Node 20 stops a program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tide.h>

#define UNUSED __attribute__((unused))

/* ---- Arena: everything a scenario's parse and run allocate -------------- */

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];
} chunk;

static chunk *arena;

static void *amalloc(size_t n) {
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!arena || arena->used + n > arena->cap) {
        size_t cap = n > 65536 ? n : 65536;
        chunk *c = malloc(sizeof *c + cap);
        if (!c) {
            fprintf(stderr, "interp: out of memory\n");
            exit(3);
        }
        c->next = arena;
        c->used = 0;
        c->cap = cap;
        arena = c;
    }
    void *p = (char *)arena->data + arena->used;
    arena->used += n;
    memset(p, 0, n);
    return p;
}

static char *astrdup(const char *s, size_t n) {
    char *p = amalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void arena_free(void) {
    while (arena) {
        chunk *c = arena;
        arena = c->next;
        free(c);
    }
}

/* ---- The scenario's syntax tree ---------------------------------------- */

enum { E_NUM, E_WORD, E_UNDEF, E_DEFER, E_OP };
enum {
    O_OK, O_ERR, O_TOK, O_TERR, O_NEXT, O_RETURN, O_THROW, O_CALL, O_ALL, O_ALLSETTLED,
    O_RACE, O_ANY, O_LIST, O_THEN, O_THENTHROW, O_CATCH, O_FINALLY
};
static const char *const op_names[] = {"ok", "err", "tok", "terr", "next", "return",
                                       "throw", "call", "all", "allSettled", "race", "any",
                                       "list", "then", "thenthrow", "catch", "finally"};
#define N_OPS (int)(sizeof op_names / sizeof op_names[0])

typedef struct expr {
    int kind, op;
    int64_t num;
    const char *s; /* a word's text */
    int idx;       /* a promise, an instance (-1: self), a function */
    int n;
    struct expr **a;
} expr;

enum {
    S_LOG, S_YIELD, S_YSTAR, S_AWAIT, S_RETURN, S_THROW, S_BREAK, S_TRY, S_FORAWAIT, S_FOR,
    S_AT, S_DO, S_DROP, S_SREQ, S_RESOLVE, S_REJECT, S_WITNESS
};

typedef struct stmt stmt;
typedef struct block {
    int n;
    stmt **v;
} block;

struct stmt {
    int kind;
    expr *e;
    const char *s; /* a word or a label */
    int idx;       /* a promise or an instance (-1: self) */
    int k;         /* at K, witness N, sreq's operation (0 next, 1 return, 2 throw) */
    block body, cat, fin;
    int has_cat, has_fin;
};

enum { K_TASK, K_AGEN, K_GEN, K_ASYNC };

typedef struct func {
    int kind;
    const char *name;
    block body;
} func;

typedef struct inst {
    const char *name;
    int f;
    tide_val it;
} inst;

typedef struct task {
    int delay;
    char self[24];
    block body;
} task;

#define MAX_DECL 64

typedef struct scen {
    const char *id;
    int np, nf, ni, nt, nim;
    const char *pname[MAX_DECL];
    tide_val pv[MAX_DECL];
    func funcs[MAX_DECL];
    const char *fname[MAX_DECL];
    int fkind[MAX_DECL];
    inst insts[MAX_DECL];
    task timers[MAX_DECL], imms[MAX_DECL];
    block main;
} scen;

static scen *S;

/* ---- Parsing ------------------------------------------------------------ */

typedef struct line {
    char **tok;
    int n, no;
} line;

static line *L;
static int nlines, cur;
static jmp_buf parse_fail;
static char parse_msg[256];

__attribute__((format(printf, 2, 3), noreturn)) static void perr(int no, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int k = snprintf(parse_msg, sizeof parse_msg, "line %d: ", no);
    vsnprintf(parse_msg + k, sizeof parse_msg - (size_t)k, fmt, ap);
    va_end(ap);
    longjmp(parse_fail, 1);
}

static void tokenize(line *ln, const char *s, size_t len) {
    char *toks[256];
    int n = 0;
    size_t i = 0;
    while (i < len) {
        char ch = s[i];
        if (ch == '#')
            break;
        if (ch == ' ' || ch == '\t' || ch == '\r') {
            i++;
            continue;
        }
        size_t j = i + 1;
        if (!strchr("(){}", ch))
            while (j < len && !strchr(" \t\r(){}#", s[j]))
                j++;
        if (n == 256)
            perr(ln->no, "too many tokens");
        toks[n++] = astrdup(s + i, j - i);
        i = j;
    }
    ln->n = n;
    ln->tok = amalloc(sizeof(char *) * (size_t)(n + 1));
    memcpy(ln->tok, toks, sizeof(char *) * (size_t)n);
}

static bool is_uint(const char *s) {
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static bool is_int(const char *s) { return s && (is_uint(s) || (s[0] == '-' && is_uint(s + 1))); }

static int find(const char *const *names, int n, const char *s) {
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -2;
}

static int inst_index(const char *name, int no) {
    if (strcmp(name, "self") == 0)
        return -1;
    for (int i = 0; i < S->ni; i++)
        if (strcmp(S->insts[i].name, name) == 0)
            return i;
    perr(no, "unknown instance %s", name);
}

static expr *parse_expr(line *ln, int *pos);

static expr *atom_expr(const char *t, int no) {
    expr *e = amalloc(sizeof *e);
    if (is_int(t)) {
        e->kind = E_NUM;
        e->num = strtoll(t, NULL, 10);
    } else if (strcmp(t, "undefined") == 0) {
        e->kind = E_UNDEF;
    } else if (t[0] == '$') {
        e->kind = E_DEFER;
        e->idx = find(S->pname, S->np, t + 1);
        if (e->idx < 0)
            perr(no, "unknown promise %s", t);
    } else {
        e->kind = E_WORD;
        e->s = t;
    }
    return e;
}

static const char *word_arg(expr *e, int i, int no) {
    if (i >= e->n || e->a[i]->kind != E_WORD)
        perr(no, "%s: a name expected as argument %d", op_names[e->op], i + 1);
    return e->a[i]->s;
}

static expr *parse_expr(line *ln, int *pos) {
    const char *t = *pos < ln->n ? ln->tok[*pos] : NULL;
    if (!t)
        perr(ln->no, "expression expected");
    if (strcmp(t, "(") != 0) {
        if (strchr("(){}", t[0]))
            perr(ln->no, "unexpected %s", t);
        (*pos)++;
        return atom_expr(t, ln->no);
    }
    const char *opname = *pos + 1 < ln->n ? ln->tok[*pos + 1] : "";
    expr *e = amalloc(sizeof *e);
    e->kind = E_OP;
    e->op = -1;
    for (int i = 0; i < N_OPS; i++)
        if (strcmp(op_names[i], opname) == 0)
            e->op = i;
    if (e->op < 0)
        perr(ln->no, "unknown operator %s", opname);
    *pos += 2;
    expr *args[64];
    int n = 0;
    while (*pos < ln->n && strcmp(ln->tok[*pos], ")") != 0) {
        if (n == 64)
            perr(ln->no, "too many arguments");
        args[n++] = parse_expr(ln, pos);
    }
    if (*pos >= ln->n)
        perr(ln->no, "missing )");
    (*pos)++;
    e->n = n;
    e->a = amalloc(sizeof(expr *) * (size_t)(n + 1));
    memcpy(e->a, args, sizeof(expr *) * (size_t)n);
    int no = ln->no;
    switch (e->op) {
    case O_OK: case O_ERR: case O_TOK: case O_TERR:
        if (n != 1)
            perr(no, "%s takes one argument", opname);
        break;
    case O_NEXT: case O_RETURN:
        if (n < 1 || n > 2)
            perr(no, "%s INST [EXPR]", opname);
        e->idx = inst_index(word_arg(e, 0, no), no);
        break;
    case O_THROW:
        if (n != 2)
            perr(no, "throw INST EXPR");
        e->idx = inst_index(word_arg(e, 0, no), no);
        break;
    case O_CALL:
        if (n != 2)
            perr(no, "call FUNC NAME");
        e->idx = find(S->fname, S->nf, word_arg(e, 0, no));
        if (e->idx < 0 || S->fkind[e->idx] != K_ASYNC)
            perr(no, "call: %s is not an async function", e->a[0]->s);
        word_arg(e, 1, no);
        break;
    case O_THEN: case O_CATCH: case O_FINALLY:
        if (n < 2 || n > 3)
            perr(no, "%s EXPR LABEL [EXPR]", opname);
        word_arg(e, 1, no);
        break;
    case O_THENTHROW:
        if (n != 2)
            perr(no, "thenthrow EXPR LABEL");
        word_arg(e, 1, no);
        break;
    default:
        break;
    }
    return e;
}

/* A loop or yield* source: an instance name, or an expression (a list). */
static expr *parse_src(line *ln, int *pos) {
    expr *e = parse_expr(ln, pos);
    if (e->kind == E_WORD)
        e->idx = inst_index(e->s, ln->no);
    return e;
}

static void want_end(line *ln, int pos) {
    if (pos != ln->n)
        perr(ln->no, "unexpected %s", ln->tok[pos]);
}

static void want_open(line *ln, int pos) {
    if (pos != ln->n - 1 || strcmp(ln->tok[pos], "{") != 0)
        perr(ln->no, "{ expected at the end of the line");
}

static stmt *parse_stmt(line *ln);

/* Statements up to the closing line; returns that line (its tokens after
 * the `}` say what follows: catch, finally or nothing). */
static line *parse_block(block *b) {
    stmt *v[512];
    int n = 0;
    for (;;) {
        if (cur >= nlines)
            perr(L[nlines - 1].no, "missing }");
        line *ln = &L[cur++];
        if (strcmp(ln->tok[0], "}") == 0) {
            b->n = n;
            b->v = amalloc(sizeof(stmt *) * (size_t)(n + 1));
            memcpy(b->v, v, sizeof(stmt *) * (size_t)n);
            return ln;
        }
        if (n == 512)
            perr(ln->no, "block too long");
        v[n++] = parse_stmt(ln);
    }
}

static void plain_close(line *c) {
    if (c->n != 1)
        perr(c->no, "unexpected tokens after }");
}

static const char *label_after_as(line *ln, int pos) {
    if (pos + 2 != ln->n || strcmp(ln->tok[pos], "as") != 0)
        perr(ln->no, "... as LABEL expected");
    return ln->tok[pos + 1];
}

static stmt *parse_stmt(line *ln) {
    stmt *s = amalloc(sizeof *s);
    const char *k = ln->tok[0];
    int pos = 1;
    if (!strcmp(k, "log")) {
        if (ln->n != 2)
            perr(ln->no, "log WORD");
        s->kind = S_LOG;
        s->s = ln->tok[1];
    } else if (!strcmp(k, "yield") || !strcmp(k, "await") || !strcmp(k, "throw") ||
               !strcmp(k, "drop")) {
        s->kind = !strcmp(k, "yield") ? S_YIELD : !strcmp(k, "await") ? S_AWAIT
                : !strcmp(k, "throw") ? S_THROW : S_DROP;
        s->e = parse_expr(ln, &pos);
        want_end(ln, pos);
    } else if (!strcmp(k, "yield*")) {
        s->kind = S_YSTAR;
        s->e = parse_src(ln, &pos);
        want_end(ln, pos);
    } else if (!strcmp(k, "return")) {
        s->kind = S_RETURN;
        if (ln->n > 1) {
            s->e = parse_expr(ln, &pos);
            want_end(ln, pos);
        }
    } else if (!strcmp(k, "break")) {
        s->kind = S_BREAK;
        want_end(ln, 1);
    } else if (!strcmp(k, "try")) {
        s->kind = S_TRY;
        want_open(ln, 1);
        line *c = parse_block(&s->body);
        while (c->n > 1) {
            if (!strcmp(c->tok[1], "catch") && !s->has_cat && !s->has_fin) {
                want_open(c, 2);
                s->has_cat = 1;
                c = parse_block(&s->cat);
            } else if (!strcmp(c->tok[1], "finally") && !s->has_fin) {
                want_open(c, 2);
                s->has_fin = 1;
                c = parse_block(&s->fin);
            } else {
                perr(c->no, "unexpected %s after }", c->tok[1]);
            }
        }
        if (!s->has_cat && !s->has_fin)
            perr(ln->no, "try without catch or finally");
    } else if (!strcmp(k, "for")) {
        s->kind = S_FOR;
        if (ln->n > 1 && !strcmp(ln->tok[1], "await")) {
            s->kind = S_FORAWAIT;
            pos = 2;
        }
        s->e = parse_src(ln, &pos);
        want_open(ln, pos);
        plain_close(parse_block(&s->body));
    } else if (!strcmp(k, "at")) {
        s->kind = S_AT;
        if (ln->n < 2 || !is_uint(ln->tok[1]))
            perr(ln->no, "at K {");
        s->k = atoi(ln->tok[1]);
        want_open(ln, 2);
        plain_close(parse_block(&s->body));
    } else if (!strcmp(k, "do")) {
        s->kind = S_DO;
        s->e = parse_expr(ln, &pos);
        s->s = label_after_as(ln, pos);
    } else if (!strcmp(k, "snext") || !strcmp(k, "sreturn") || !strcmp(k, "sthrow")) {
        s->kind = S_SREQ;
        s->k = k[1] == 'n' ? 0 : k[1] == 'r' ? 1 : 2;
        if (ln->n < 3)
            perr(ln->no, "%s INST EXPR as LABEL", k);
        s->idx = inst_index(ln->tok[1], ln->no);
        pos = 2;
        s->e = parse_expr(ln, &pos);
        s->s = label_after_as(ln, pos);
    } else if (!strcmp(k, "resolve") || !strcmp(k, "reject")) {
        s->kind = k[2] == 's' ? S_RESOLVE : S_REJECT;
        if (ln->n < 3)
            perr(ln->no, "%s NAME EXPR", k);
        s->idx = find(S->pname, S->np, ln->tok[1]);
        if (s->idx < 0)
            perr(ln->no, "unknown promise %s", ln->tok[1]);
        pos = 2;
        s->e = parse_expr(ln, &pos);
        want_end(ln, pos);
    } else if (!strcmp(k, "witness")) {
        s->kind = S_WITNESS;
        if (ln->n != 4 || !is_uint(ln->tok[1]) || strcmp(ln->tok[2], "as"))
            perr(ln->no, "witness N as LABEL");
        s->k = atoi(ln->tok[1]);
        s->s = ln->tok[3];
    } else {
        perr(ln->no, "unknown statement %s", k);
    }
    return s;
}

static int kind_of(const char *k) {
    return !strcmp(k, "agen") ? K_AGEN : !strcmp(k, "gen") ? K_GEN
         : !strcmp(k, "async") ? K_ASYNC : -1;
}

static void parse_scenario(void) {
    /* Declarations first, so that bodies may name what is declared later. */
    for (int i = 0; i < nlines; i++) {
        line *ln = &L[i];
        const char *k = ln->tok[0];
        if (!strcmp(k, "scenario") && ln->n > 1) {
            S->id = ln->tok[1];
        } else if (!strcmp(k, "promise")) {
            if (ln->n != 2 || S->np == MAX_DECL)
                perr(ln->no, "promise NAME");
            S->pname[S->np++] = ln->tok[1];
        } else if (kind_of(k) >= 0 && ln->n == 3) {
            if (S->nf == MAX_DECL)
                perr(ln->no, "too many functions");
            S->fname[S->nf] = ln->tok[1];
            S->fkind[S->nf++] = kind_of(k);
        }
    }
    for (int i = 0; i < nlines; i++) {
        line *ln = &L[i];
        if (!strcmp(ln->tok[0], "inst")) {
            if (ln->n != 3 || S->ni == MAX_DECL)
                perr(ln->no, "inst NAME FUNC");
            inst *in = &S->insts[S->ni++];
            in->name = ln->tok[1];
            in->f = find(S->fname, S->nf, ln->tok[2]);
            if (in->f < 0 || S->fkind[in->f] == K_ASYNC)
                perr(ln->no, "inst: %s is not a generator function", ln->tok[2]);
        }
    }
    int nf = 0;
    stmt **mainv = NULL;
    int nmain = 0;
    cur = 0;
    while (cur < nlines) {
        line *ln = &L[cur++];
        const char *k = ln->tok[0];
        if (!strcmp(k, "scenario") || !strcmp(k, "promise") || !strcmp(k, "inst"))
            continue;
        if (kind_of(k) >= 0) {
            if (ln->n != 3)
                perr(ln->no, "%s NAME {", k);
            want_open(ln, 2);
            func *f = &S->funcs[nf];
            f->kind = S->fkind[nf];
            f->name = S->fname[nf++];
            plain_close(parse_block(&f->body));
        } else if (!strcmp(k, "main") || !strcmp(k, "timer") || !strcmp(k, "immediate")) {
            block b;
            if (!strcmp(k, "timer")) {
                if (ln->n < 2 || !is_uint(ln->tok[1]) || S->nt == MAX_DECL)
                    perr(ln->no, "timer MS {");
                want_open(ln, 2);
            } else {
                want_open(ln, 1);
            }
            plain_close(parse_block(&b));
            if (!strcmp(k, "main")) {
                stmt **v = amalloc(sizeof(stmt *) * (size_t)(nmain + b.n + 1));
                if (nmain)
                    memcpy(v, mainv, sizeof(stmt *) * (size_t)nmain);
                memcpy(v + nmain, b.v, sizeof(stmt *) * (size_t)b.n);
                mainv = v;
                nmain += b.n;
            } else if (!strcmp(k, "timer")) {
                task *t = &S->timers[S->nt++];
                t->delay = atoi(ln->tok[1]);
                snprintf(t->self, sizeof t->self, "t%d", t->delay);
                t->body = b;
            } else {
                if (S->nim == MAX_DECL)
                    perr(ln->no, "too many immediates");
                task *t = &S->imms[S->nim++];
                snprintf(t->self, sizeof t->self, "i%d", S->nim);
                t->body = b;
            }
        } else {
            perr(ln->no, "unknown declaration %s", k);
        }
    }
    S->main.n = nmain;
    S->main.v = mainv;
    /* Timers start in increasing order of delay (stable). */
    for (int i = 1; i < S->nt; i++)
        for (int j = i; j > 0 && S->timers[j - 1].delay > S->timers[j].delay; j--) {
            task t = S->timers[j];
            S->timers[j] = S->timers[j - 1];
            S->timers[j - 1] = t;
        }
}

/* ---- Tracing ---------------------------------------------------------- */

static int g_quiet;   /* the scenario is over: trace nothing, unwind at once */
static int g_stopped; /* an unhandled rejection stopped the scenario */
static tide_loop *g_loop;

__attribute__((format(printf, 1, 2))) static void tr(const char *fmt, ...) {
    if (g_quiet || g_stopped)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s) {
    size_t k = strlen(s);
    if (b->n + k + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->n + k + 1 > cap)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p)
            exit(3);
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, k + 1);
    b->n += k;
}

/* JavaScript's show(v) of runner.mjs. */
static void show_into(sbuf *b, tide_val v) {
    char num[64];
    switch (tide_type_of(v)) {
    case TIDE_T_UNDEFINED: sb_put(b, "undefined"); return;
    case TIDE_T_NULL: sb_put(b, "null"); return;
    case TIDE_T_BOOL: sb_put(b, tide_get_bool(v) ? "true" : "false"); return;
    case TIDE_T_INT: case TIDE_T_DOUBLE: sb_put(b, tide_format(v, num, sizeof num)); return;
    case TIDE_T_STRING: sb_put(b, tide_str(v)); return;
    case TIDE_T_ERROR: {
        int code = tide_error_code(v);
        if (code == TIDE_ETYPE) {
            sb_put(b, "TypeError");
        } else if (code == TIDE_EAGGREGATE) {
            tide_val errs = tide_error_errors(v);
            sb_put(b, "Agg[");
            for (size_t i = 0; i < tide_array_len(errs); i++) {
                if (i)
                    sb_put(b, ",");
                show_into(b, tide_array_get(errs, i));
            }
            sb_put(b, "]");
        } else {
            sb_put(b, "Error:");
            sb_put(b, tide_err_name(code));
            sb_put(b, ": ");
            sb_put(b, tide_error_message(v));
        }
        return;
    }
    case TIDE_T_ARRAY:
        sb_put(b, "[");
        for (size_t i = 0; i < tide_array_len(v); i++) {
            if (i)
                sb_put(b, ",");
            show_into(b, tide_array_get(v, i));
        }
        sb_put(b, "]");
        return;
    case TIDE_T_SETTLED:
        sb_put(b, tide_settled_rejected(v) ? "err:" : "ok:");
        show_into(b, tide_settled_value(v));
        return;
    case TIDE_T_PROMISE: sb_put(b, "[object Promise]"); return;
    case TIDE_T_ITER_RESULT:
        sb_put(b, "{");
        show_into(b, tide_iter_result_value(v));
        sb_put(b, tide_iter_result_done(v) ? ",true}" : ",false}");
        return;
    case TIDE_T_OBJECT: sb_put(b, "[object Object]"); return;
    case TIDE_T_ITERATOR: sb_put(b, "[object Generator]"); return;
    case TIDE_T_ASYNC_ITERATOR: sb_put(b, "[object AsyncGenerator]"); return;
    default: sb_put(b, "<?>"); return;
    }
}

static sbuf shows[8];
static int show_k;

static const char *show(tide_val v) {
    sbuf *b = &shows[show_k++ & 7];
    b->n = 0;
    sb_put(b, "");
    show_into(b, v);
    return b->p;
}

/* ---- Interpreting ------------------------------------------------------- */

enum { C_NORMAL, C_BREAK, C_RETURN, C_THROW };

typedef struct comp {
    int k;
    tide_val v;
} comp;

static const comp NORMAL = {C_NORMAL, {{0}, TIDE_T_UNDEFINED}};

static comp mk(int k, tide_val v) {
    comp c = {k, v};
    return c;
}

/* Unwinding once the scenario is over. */
static comp quiet(void) { return mk(C_RETURN, tide_undefined()); }

typedef struct ctx {
    const char *self;
    tide_gen *g;
    int kind;
    inst *me;
    int iter; /* the innermost loop's iteration, from 1 */
} ctx;

static tide_val eval(ctx *c, expr *e);
static comp exec_block(ctx *c, block *b);

static tide_val inst_val(ctx *c, int idx) {
    if (idx < 0)
        return c && c->me ? c->me->it : tide_undefined();
    return S->insts[idx].it;
}

/* Thenables: then(resolve, reject) logs, then settles synchronously. */
typedef struct thenable {
    tide_val v;
    int reject;
} thenable;

static void thenable_fin(void *data) { tide_release(((thenable *)data)->v); }

static void thenable_then(tide_val self, tide_val resolver) {
    thenable *t = tide_object_data(self);
    tr("thenable %s", show(t->v));
    if (t->reject)
        tide_promise_reject(resolver, tide_retain(t->v));
    else
        tide_promise_resolve(resolver, tide_retain(t->v));
    tide_release(resolver);
}

static const tide_class thenable_class = {.name = "Object", .finalize = thenable_fin,
                                          .then = thenable_then};

/* Reactions of then/catch/finally chains; data is the expression. */
static int ch_then(void *data, tide_val v, tide_val *out) {
    expr *e = data;
    tr("%s ok %s", e->a[1]->s, show(v));
    *out = e->n > 2 ? eval(NULL, e->a[2]) : tide_retain(v);
    return 0;
}

static int ch_thenthrow(void *data, tide_val v, tide_val *out) {
    expr *e = data;
    tr("%s ok %s", e->a[1]->s, show(v));
    *out = tide_str_new(e->a[1]->s);
    return TIDE_EREJECTED;
}

static int ch_catch(void *data, tide_val v, tide_val *out) {
    expr *e = data;
    tr("%s caught %s", e->a[1]->s, show(v));
    *out = e->n > 2 ? eval(NULL, e->a[2]) : tide_str_new(e->a[1]->s);
    return 0;
}

static tide_val ch_finally(void *data, bool *failed) {
    expr *e = data;
    tr("%s finally", e->a[1]->s);
    *failed = false;
    return e->n > 2 ? eval(NULL, e->a[2]) : tide_undefined();
}

/* `do p as L`: p.then(v => log(L ok v), e => log(L err e)). */
static int obs_ok(void *data, tide_val v, tide_val *out UNUSED) {
    tr("%s ok %s", (const char *)data, show(v));
    return 0;
}

static int obs_err(void *data, tide_val e, tide_val *out UNUSED) {
    tr("%s err %s", (const char *)data, show(e));
    return 0;
}

typedef struct wtick {
    const char *label;
    int i;
} wtick;

static int witness_tick(void *data, tide_val v UNUSED, tide_val *out UNUSED) {
    wtick *w = data;
    tr("%s tick %d", w->label, w->i);
    return 0;
}

/* An async function call: its body and the name it traces under. */
typedef struct callrec {
    func *f;
    const char *name;
} callrec;

static int body_async(void *arg, tide_val *out);

static tide_val eval(ctx *c, expr *e) {
    switch (e->kind) {
    case E_NUM: return tide_int(e->num);
    case E_WORD: return tide_str_new(e->s);
    case E_UNDEF: return tide_undefined();
    case E_DEFER: return tide_retain(S->pv[e->idx]);
    default: break;
    }
    expr **a = e->a;
    switch (e->op) {
    case O_OK: return tide_promise_resolved(eval(c, a[0]));
    case O_ERR: return tide_promise_rejected(eval(c, a[0]));
    case O_TOK:
    case O_TERR: {
        tide_val v = eval(c, a[0]);
        tide_val o = tide_object_new(&thenable_class, sizeof(thenable));
        thenable *t = tide_object_data(o);
        t->v = v;
        t->reject = e->op == O_TERR;
        return o;
    }
    case O_NEXT: {
        tide_val it = inst_val(c, e->idx);
        return tide_async_iter_next(it, e->n > 1 ? eval(c, a[1]) : tide_undefined());
    }
    case O_RETURN: {
        tide_val it = inst_val(c, e->idx);
        return tide_async_iter_return(it, e->n > 1 ? eval(c, a[1]) : tide_undefined());
    }
    case O_THROW: {
        tide_val it = inst_val(c, e->idx);
        return tide_async_iter_throw(it, eval(c, a[1]));
    }
    case O_CALL: {
        callrec *r = amalloc(sizeof *r);
        r->f = &S->funcs[e->idx];
        r->name = a[1]->s;
        return tide_async_named(r->f->name, body_async, r);
    }
    case O_ALL: case O_ALLSETTLED: case O_RACE: case O_ANY: case O_LIST: {
        tide_val items[64];
        for (int i = 0; i < e->n; i++)
            items[i] = eval(c, a[i]);
        size_t n = (size_t)e->n;
        switch (e->op) {
        case O_ALL: return tide_promise_all(items, n);
        case O_ALLSETTLED: return tide_promise_all_settled(items, n);
        case O_RACE: return tide_promise_race(items, n);
        case O_ANY: return tide_promise_any(items, n);
        default: {
            tide_val arr = tide_array_new(n);
            for (size_t i = 0; i < n; i++)
                tide_array_push(arr, items[i]);
            return arr;
        }
        }
    }
    case O_THEN: return tide_promise_then(eval(c, a[0]), ch_then, NULL, e);
    case O_THENTHROW: return tide_promise_then(eval(c, a[0]), ch_thenthrow, NULL, e);
    case O_CATCH: return tide_promise_catch(eval(c, a[0]), ch_catch, e);
    case O_FINALLY: return tide_promise_finally(eval(c, a[0]), ch_finally, e);
    default: return tide_undefined();
    }
}

static tide_val eval_src(ctx *c, expr *e) {
    if (e->kind == E_WORD)
        return tide_retain(inst_val(c, e->idx));
    return eval(c, e);
}

/* A resumption status (tide_yield, tide_await, tide_yield_star ...) as a
 * completion; `what` traces a normal one. */
static comp resumed(ctx *c, int rc, tide_val v, const char *what) {
    if (g_quiet) {
        tide_release(v);
        return quiet();
    }
    if (rc == TIDE_RETURN)
        return mk(C_RETURN, v);
    if (rc < 0)
        return mk(C_THROW, v);
    tr("%s %s %s", c->self, what, show(v));
    tide_release(v);
    return NORMAL;
}

/* yield* in a generator: ECMAScript's loop, on tide's sync iterator calls. */
static comp sync_yield_star(ctx *c, tide_val src) {
    tide_val it = tide_iter_get(src);
    tide_release(src);
    if (tide_is_error(it))
        return mk(C_THROW, it);
    int kind = 0;
    tide_val received = tide_undefined();
    for (;;) {
        tide_val val;
        bool done;
        int rc = kind == 0 ? tide_iter_next(it, received, &val, &done)
               : kind < 0  ? tide_iter_throw(it, received, &val, &done)
                           : tide_iter_return(it, received, &val, &done);
        if (rc < 0 || done) {
            tide_release(it);
            if (rc < 0)
                return mk(C_THROW, val);
            return resumed(c, kind == TIDE_RETURN ? TIDE_RETURN : 0, val, "star");
        }
        kind = tide_yield(c->g, val, &received);
        if (g_quiet) {
            tide_release(received);
            tide_release(it);
            return quiet();
        }
    }
}

static comp loop_end(comp res, int rc, tide_val err) {
    if (rc < 0) {
        tide_release(res.v);
        return mk(C_THROW, err);
    }
    tide_release(err);
    return res.k == C_BREAK ? NORMAL : res;
}

/* One pass of a for-await or for-of body over value x (taken). Returns
 * true to go on; false to leave the loop with *res set — a throw is left in
 * *res too, for the caller's loop macro to raise. */
static bool loop_body(ctx *c, stmt *s, tide_val x, comp *res) {
    c->iter++;
    if (g_quiet) {
        tide_release(x);
        *res = quiet();
        return false;
    }
    tr("%s loop %s", c->self, show(x));
    tide_release(x);
    comp r = exec_block(c, &s->body);
    if (r.k == C_NORMAL)
        return true;
    *res = r;
    return false;
}

static comp loop_finish(ctx *c, int saved, comp res, int rc, tide_val err) {
    c->iter = saved;
    if (g_quiet) {
        tide_release(err);
        tide_release(res.v);
        return quiet();
    }
    return loop_end(res, rc, err);
}

static comp exec_for_await(ctx *c, stmt *s) {
    int rc = 0, saved = c->iter;
    tide_val x, err;
    comp res = NORMAL;
    c->iter = 0;
    tide_for_await (x, eval_src(c, s->e), &rc, &err) {
        if (loop_body(c, s, x, &res))
            continue;
        if (res.k == C_THROW) {
            comp t = res;
            res = NORMAL;
            tide_for_await_throw(tide_reason_code(t.v), t.v);
        }
        break;
    }
    return loop_finish(c, saved, res, rc, err);
}

static comp exec_for_of(ctx *c, stmt *s) {
    int rc = 0, saved = c->iter;
    tide_val x, err;
    comp res = NORMAL;
    c->iter = 0;
    tide_for_of (x, eval_src(c, s->e), &rc, &err) {
        if (loop_body(c, s, x, &res))
            continue;
        if (res.k == C_THROW) {
            comp t = res;
            res = NORMAL;
            tide_for_of_throw(tide_reason_code(t.v), t.v);
        }
        break;
    }
    return loop_finish(c, saved, res, rc, err);
}

static comp exec_stmt(ctx *c, stmt *s) {
    tide_val v;
    int rc;
    switch (s->kind) {
    case S_LOG:
        tr("%s %s", c->self, s->s);
        return NORMAL;
    case S_YIELD:
        rc = tide_yield(c->g, eval(c, s->e), &v);
        return resumed(c, rc, v, "got");
    case S_YSTAR:
        if (c->kind == K_GEN)
            return sync_yield_star(c, eval_src(c, s->e));
        rc = tide_yield_star(c->g, eval_src(c, s->e), &v);
        return resumed(c, rc, v, "star");
    case S_AWAIT:
        rc = tide_await(eval(c, s->e), &v);
        return resumed(c, rc, v, "awaited");
    case S_RETURN:
        if (!s->e)
            return mk(C_RETURN, tide_undefined());
        v = eval(c, s->e);
        if (c->kind != K_AGEN)
            return mk(C_RETURN, v);
        rc = tide_gen_return(c->g, v, &v); /* `return expr` awaits expr */
        if (g_quiet) {
            tide_release(v);
            return quiet();
        }
        return mk(rc < 0 ? C_THROW : C_RETURN, v);
    case S_THROW:
        return mk(C_THROW, eval(c, s->e));
    case S_BREAK:
        return mk(C_BREAK, tide_undefined());
    case S_TRY: {
        comp r = exec_block(c, &s->body);
        if (r.k == C_THROW && s->has_cat && !g_quiet) {
            tr("%s catch %s", c->self, show(r.v));
            tide_release(r.v);
            r = exec_block(c, &s->cat);
        }
        if (s->has_fin) {
            if (g_quiet) {
                tide_release(r.v);
                return quiet();
            }
            tr("%s finally", c->self);
            comp f = exec_block(c, &s->fin);
            if (f.k != C_NORMAL) {
                tide_release(r.v);
                r = f;
            }
        }
        return r;
    }
    case S_FORAWAIT:
        return exec_for_await(c, s);
    case S_FOR:
        return exec_for_of(c, s);
    case S_AT:
        return c->iter == s->k ? exec_block(c, &s->body) : NORMAL;
    case S_DO:
        tide_release(tide_promise_then(eval(c, s->e), obs_ok, obs_err, (void *)s->s));
        return NORMAL;
    case S_DROP:
        tide_release(eval(c, s->e));
        return NORMAL;
    case S_SREQ: {
        tide_val it = inst_val(c, s->idx), val;
        tide_val arg = eval(c, s->e);
        bool done;
        rc = s->k == 0 ? tide_iter_next(it, arg, &val, &done)
           : s->k == 1 ? tide_iter_return(it, arg, &val, &done)
                       : tide_iter_throw(it, arg, &val, &done);
        if (g_quiet) {
            tide_release(val);
            return quiet();
        }
        if (rc < 0)
            return mk(C_THROW, val);
        tr("%s {%s,%s}", s->s, show(val), done ? "true" : "false");
        tide_release(val);
        return NORMAL;
    }
    case S_RESOLVE:
        tide_promise_resolve(S->pv[s->idx], eval(c, s->e));
        return NORMAL;
    case S_REJECT:
        tide_promise_reject(S->pv[s->idx], eval(c, s->e));
        return NORMAL;
    case S_WITNESS: {
        tide_val p = tide_promise_resolved(tide_undefined());
        for (int i = 1; i <= s->k; i++) {
            wtick *w = amalloc(sizeof *w);
            w->label = s->s;
            w->i = i;
            p = tide_promise_then(p, witness_tick, NULL, w);
        }
        tide_release(p);
        return NORMAL;
    }
    default:
        return NORMAL;
    }
}

static comp exec_block(ctx *c, block *b) {
    for (int i = 0; i < b->n; i++) {
        if (g_quiet)
            return quiet();
        comp r = exec_stmt(c, b->v[i]);
        if (r.k != C_NORMAL)
            return r;
    }
    return NORMAL;
}

/* A body's completion as its C function's result. */
static int body_end(ctx *c, comp r, tide_val *out) {
    switch (r.k) {
    case C_RETURN:
        *out = r.v;
        return c->kind == K_AGEN ? TIDE_RETURN : 0;
    case C_THROW: {
        int code = tide_reason_code(r.v);
        *out = r.v;
        return code < 0 ? code : TIDE_EREJECTED;
    }
    default:
        tide_release(r.v);
        *out = tide_undefined();
        return 0;
    }
}

static int body_gen(tide_gen *g, void *arg, tide_val *out) {
    inst *in = arg;
    ctx c = {in->name, g, S->funcs[in->f].kind, in, 0};
    if (g_quiet)
        return *out = tide_undefined(), 0;
    tr("%s start", c.self);
    return body_end(&c, exec_block(&c, &S->funcs[in->f].body), out);
}

static int body_async(void *arg, tide_val *out) {
    callrec *r = arg;
    ctx c = {r->name, NULL, K_ASYNC, NULL, 0};
    if (g_quiet)
        return *out = tide_undefined(), 0;
    tr("%s start", c.self);
    return body_end(&c, exec_block(&c, &r->f->body), out);
}

/* main, a timer or an immediate: an exception escaping it is traced. */
static void run_task(task *t) {
    ctx c = {t->self, NULL, K_TASK, NULL, 0};
    tr("%s start", c.self);
    comp r = exec_block(&c, &t->body);
    if (r.k == C_THROW)
        tr("%s threw %s", c.self, show(r.v));
    tide_release(r.v);
}

static void task_cb(void *data) { run_task(data); }

static void start_cb(void *data UNUSED) {
    for (int i = 0; i < S->ni; i++) {
        inst *in = &S->insts[i];
        func *f = &S->funcs[in->f];
        in->it = f->kind == K_AGEN ? tide_async_gen_named(f->name, body_gen, in)
                                   : tide_generator_named(f->name, body_gen, in);
    }
    for (int i = 0; i < S->nim; i++)
        tide_immediate_start(NULL, task_cb, &S->imms[i]);
    for (int i = 0; i < S->nt; i++)
        tide_timer_start(NULL, (uint64_t)S->timers[i].delay, 0, task_cb, &S->timers[i]);
    static task main_task = {0, "main", {0, NULL}};
    main_task.body = S->main;
    run_task(&main_task);
}

static void on_unhandled(void *data UNUSED, tide_val promise UNUSED, tide_val reason) {
    if (g_stopped || g_quiet)
        return;
    tr("unhandled %s", show(reason));
    g_stopped = 1;
    tide_loop_stop(g_loop);
}

static void run_scenario(void) {
    tide_coro_stats st0;
    tide_coro_get_stats(&st0);
    size_t live_before = st0.live;
    if (tide_loop_new(&g_loop, NULL) != 0) {
        printf("harness error: no loop\n");
        return;
    }
    tide_on_unhandled_rejection(on_unhandled, NULL);
    for (int i = 0; i < S->np; i++)
        S->pv[i] = tide_promise_new();
    tide_timer_start(NULL, 1, 0, start_cb, NULL);
    tide_loop_run(g_loop);
    g_quiet = 1;
    for (int i = 0; i < S->ni; i++)
        tide_clear(&S->insts[i].it);
    for (int i = 0; i < S->np; i++)
        tide_clear(&S->pv[i]);
    tide_loop_free(g_loop);
    g_loop = NULL;
    g_quiet = 0;
    g_stopped = 0;
    tide_coro_stats st;
    tide_coro_get_stats(&st);
    /* Not a trace line (Node has nothing to match it): a coroutine still
     * alive once the loop is freed is a generator or task tide never closed. */
    if (st.live > live_before)
        printf("### leak %zu\n", st.live - live_before);
}

/* ---- Main: split stdin into scenarios, parse and run each ----------------- */

static char *read_all(FILE *f, size_t *len) {
    size_t cap = 1 << 16, n = 0, k;
    char *buf = malloc(cap);
    while (buf && (k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n < 2)
            buf = realloc(buf, cap *= 2);
    }
    if (!buf)
        exit(3);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static bool is_delim(const char *s, size_t n) {
    size_t d = 0;
    while (d < n && s[d] == '-')
        d++;
    if (d < 3)
        return false;
    for (; d < n; d++)
        if (s[d] != ' ' && s[d] != '\t' && s[d] != '\r')
            return false;
    return true;
}

/* The raw lines of the scenario being read: tokenised once its parse can
 * fail cleanly. */
typedef struct raw {
    const char *s;
    size_t n;
    int no;
} raw;

static raw raws[8192];
static int nraws;

static void one_scenario(int count) {
    static scen sc;
    static line lines[8192];
    memset(&sc, 0, sizeof sc);
    S = &sc;
    L = lines;
    nlines = 0;
    char idbuf[32];
    snprintf(idbuf, sizeof idbuf, "#%d", count);
    sc.id = idbuf;
    static volatile int header;
    header = 0;
    if (setjmp(parse_fail) == 0) {
        for (int i = 0; i < nraws; i++) {
            line *ln = &lines[nlines];
            ln->no = raws[i].no;
            tokenize(ln, raws[i].s, raws[i].n);
            if (ln->n)
                nlines++;
        }
        for (int i = 0; i < nlines; i++)
            if (!strcmp(L[i].tok[0], "scenario") && L[i].n > 1)
                sc.id = L[i].tok[1];
        printf("### %s\n", sc.id);
        fflush(stdout);
        header = 1;
        if (nlines)
            parse_scenario();
        run_scenario();
    } else {
        if (!header)
            printf("### %s\n", sc.id);
        printf("harness error: %s\n", parse_msg);
    }
    printf("### end\n");
    fflush(stdout);
    S = NULL;
}

int main(int argc, char **argv) {
    FILE *in = stdin;
    if (argc > 1 && !(in = fopen(argv[1], "r"))) {
        perror(argv[1]);
        return 2;
    }
    tide_coro_config cfg = {0};
    cfg.stack_size = 128 * 1024;
    tide_coro_set_config(&cfg);
    size_t len;
    char *text = read_all(in, &len);
    int count = 0, no = 0;
    size_t pos = 0;
    bool any = false; /* the scenario has a line other than blanks and comments */
    nraws = 0;
    while (pos <= len) {
        size_t e = pos;
        while (e < len && text[e] != '\n')
            e++;
        no++;
        bool delim = is_delim(text + pos, e - pos);
        if (!delim) {
            if (nraws == 8192) {
                fprintf(stderr, "interp: scenario too long\n");
                return 2;
            }
            raws[nraws++] = (raw){text + pos, e - pos, no};
            for (size_t i = pos; i < e && text[i] != '#'; i++)
                if (!strchr(" \t\r", text[i]))
                    any = true;
        }
        if (delim || e >= len) {
            if (any) {
                one_scenario(++count);
                arena_free();
            }
            nraws = 0;
            any = false;
        }
        pos = e + 1;
    }
    arena_free();
    for (int i = 0; i < 8; i++)
        free(shows[i].p);
    free(text);
    if (in != stdin)
        fclose(in);
    return 0;
}
