/* Helpers shared by the checklist tests of sections F (test_iter.c) and G
 * (test_iter_from_sync.c): witness chains, awaited steps traced as
 * JavaScript's step() prints them, hand-written iterators, a yield* wrapper,
 * and the check for items where Node 20 lags ECMA-262. */
#ifndef TIDE_TEST_ITER_SUPPORT_H
#define TIDE_TEST_ITER_SUPPORT_H

#include "support.h"

#define UNUSED __attribute__((unused))

/* ---- Helpers ------------------------------------------------------------- */

static inline tide_val str(const char *s) { return tide_str_new(s); }
static inline tide_val err(const char *msg) { return tide_error_new(TIDE_EIO, "%s", msg); }
static inline const char *tf(bool b) { return b ? "true" : "false"; }

/* JavaScript's why(e): 'TypeError', an Error's message, or String(e). */
static inline const char *why(tide_val e) {
    if (tide_error_code(e) == TIDE_ETYPE)
        return "TypeError";
    return tide_is_error(e) ? tide_error_message(e) : show(e);
}

static inline int tick_then(void *data, tide_val v UNUSED, tide_val *out UNUSED) {
    return trace("tick %d", (int)(intptr_t)data), 0;
}

/* Promise.resolve().then(() => log('tick', 1)).then(... 2) ... */
static inline void witness(int n) {
    tide_val p = tide_promise_resolved(tide_undefined());
    for (int i = 1; i <= n; i++)
        p = tide_promise_then(p, tick_then, NULL, (void *)(intptr_t)i);
    tide_release(p);
}

static inline int step_ok(void *label, tide_val r, tide_val *out UNUSED) {
    trace("%s fulfilled %s %s", (const char *)label, show(tide_iter_result_value(r)),
          tf(tide_iter_result_done(r)));
    return 0;
}

static inline int step_err(void *label, tide_val e, tide_val *out UNUSED) {
    return trace("%s rejected %s", (const char *)label, why(e)), 0;
}

/* await p.then(r => log(label, 'fulfilled', r.value, r.done),
 *              e => log(label, 'rejected', why(e))); p taken. */
static inline void step(const char *label, tide_val p) {
    tide_await(tide_promise_then(p, step_ok, step_err, (void *)label), NULL);
}

static inline void run(tide_async_fn fn) {
    trace_reset();
    assert_int_equal(run_async(fn, NULL, NULL, 0), TIDE_FULFILLED);
}

/* For an item where Node 20 lags ECMA-262: the trace must equal `want`, the
 * spec's trace; and Node's output must be `want` with the lines in diff
 * replaced — diff holds pairs {spec line, Node's line or NULL (absent)},
 * each used once, in order of appearance. */
static inline void expect_spec(const char *name, const char *want, const char *const *diff) {
    bool same = strcmp(want, trace_buf) == 0;
    if (!same)
        fprintf(stderr, "--- %s: ECMA-262 expects:\n%s--- tide traced:\n%s---\n", name, want,
                trace_buf);
    char node_want[4096] = "";
    size_t len = 0, d = 0;
    for (const char *line = want; *line;) {
        const char *nl = strchr(line, '\n');
        int n = (int)(nl ? (size_t)(nl - line) : strlen(line));
        const char *use = NULL;
        int un = n;
        if (diff[d] && (int)strlen(diff[d]) == n && strncmp(diff[d], line, (size_t)n) == 0) {
            use = diff[d + 1];
            un = use ? (int)strlen(use) : 0;
            d += 2;
        } else {
            use = line;
        }
        if (use)
            len += (size_t)snprintf(node_want + len, sizeof node_want - len, "%.*s\n", un, use);
        line += n + (nl ? 1 : 0);
    }
    bool all_used = diff[d] == NULL;
    bool node_ok = true;
    if (system("node --version >/dev/null 2>&1") == 0) {
        char *got = node_output(name);
        node_ok = got && strcmp(got, node_want) == 0;
        if (!node_ok)
            fprintf(stderr, "--- %s: Node 20 expected to print:\n%s--- node printed:\n%s---\n",
                    name, node_want, got ? got : "(nothing)");
        free(got);
    }
    assert_true(all_used);
    assert_true(same);
    assert_true(node_ok);
}

/* A hand-written iterator's state: a label, a counter, a mode, and a value
 * it holds (released with it). */
typedef struct it_state {
    const char *label;
    int i;
    int mode;
    tide_val held;
} it_state;

static inline void it_finalize(void *data) { tide_release(((it_state *)data)->held); }
static inline it_state *st(tide_val self) { return tide_object_data(self); }

static inline tide_val make(const tide_class *cls, const char *label, int mode) {
    tide_val o = tide_object_new(cls, sizeof(it_state));
    *st(o) = (it_state){label, 0, mode, tide_undefined()};
    return o;
}

#define ASYNC_CLASS(id, next, ret)                                                       \
    static const tide_class id = {.name = #id, .finalize = it_finalize,              \
        .async_iter = &(const tide_async_iter_methods){next, ret, NULL}}
#define SYNC_CLASS(id, next, ret, thr)                                                   \
    static const tide_class id = {.name = #id, .finalize = it_finalize,              \
        .iter = &(const tide_iter_methods){next, ret, thr}}

/* A delegate for yield*: a class instance, or a sync generator. */
typedef struct source {
    const tide_class *cls;
    const char *label;
    int mode;
    tide_gen_fn gen;
    const char *finally_msg; /* traced after yield*, however it ends */
    bool ret;                /* `return yield* it` instead of `yield* it` */
} source;

/* async function* (it) { try { [return] yield* it; } finally { log(...) } } */
static inline int star(tide_gen *g, void *arg, tide_val *out) {
    const source *s = arg;
    tide_val it = s->cls ? make(s->cls, s->label, s->mode)
                         : tide_generator_named("sync", s->gen, NULL);
    tide_val r;
    int rc = tide_yield_star(g, it, &r);
    if (s->finally_msg)
        trace("%s", s->finally_msg);
    if (rc == 0 && !s->ret)
        tide_clear(&r);
    *out = r;
    return rc;
}

#endif
