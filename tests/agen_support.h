/* Helpers shared by the async-generator checklist tests (test_agen.c,
 * test_agen_ticks.c). Each JavaScript twin in tests/js/checklist_N.js starts
 * with the same helpers, in JavaScript:
 *
 *   show(v)        String(v); an error as its message, a TypeError as
 *                  "TypeError"
 *   res(r)         an iterator result as {value,done}
 *   thenLog(p, l)  p.then(r => log(l + ' ' + res(r)),
 *                         e => log(l + ' rejected ' + show(e)))
 *   witness(n)     Promise.resolve().then(tick 1).then(tick 2)... (n ticks)
 *
 * Bodies run on coroutines: they trace, never assert (see support.h).
 */
#ifndef TIDE_TEST_AGEN_SUPPORT_H
#define TIDE_TEST_AGEN_SUPPORT_H

#include "support.h"

#define UNUSED __attribute__((unused))

/* JavaScript's show(v). The text lives in a rotating buffer. */
static UNUSED const char *js(tide_val v) {
    static char bufs[8][256];
    static int k;
    char *b = bufs[k++ & 7];
    if (tide_is_error(v))
        snprintf(b, 256, "%s",
                 tide_error_code(v) == TIDE_ETYPE ? "TypeError" : tide_error_message(v));
    else if (tide_is_promise(v))
        snprintf(b, 256, "[object Promise]");
    else
        tide_format(v, b, 256);
    return b;
}

/* JavaScript's res(r): {value,done}. */
static UNUSED const char *res(tide_val r) {
    static char bufs[8][300];
    static int k;
    char *b = bufs[k++ & 7];
    if (!tide_is_iter_result(r))
        snprintf(b, 300, "<not an iterator result: %s>", js(r));
    else
        snprintf(b, 300, "{%s,%s}", js(tide_iter_result_value(r)),
                 tide_iter_result_done(r) ? "true" : "false");
    return b;
}

/* "true" when a and b are the same value (identity for objects). */
static UNUSED const char *same(tide_val a, tide_val b) {
    return a.tag == b.tag && tide_equal(a, b) ? "true" : "false";
}

static UNUSED int log_res(void *label, tide_val r, tide_val *out UNUSED) {
    trace("%s %s", (const char *)label, res(r));
    return 0;
}

static UNUSED int log_rej(void *label, tide_val e, tide_val *out UNUSED) {
    trace("%s rejected %s", (const char *)label, js(e));
    return 0;
}

/* thenLog(p, label); p is taken, label must be static. */
static UNUSED void then_log(tide_val p, const char *label) {
    tide_release(tide_promise_then(p, log_res, log_rej, (void *)label));
}

/* p.then(fn) with no rejection handler; p is taken. */
static UNUSED void then_do(tide_val p, tide_then_fn fn, void *data) {
    tide_release(tide_promise_then(p, fn, NULL, data));
}

static UNUSED int tick_then(void *data, tide_val v UNUSED, tide_val *out UNUSED) {
    trace("tick %d", (int)(intptr_t)data);
    return 0;
}

/* Promise.resolve().then(() => log('tick 1')).then(... 'tick 2') ... */
static UNUSED void witness(int n) {
    tide_val p = tide_promise_resolved(tide_undefined());
    for (int i = 1; i <= n; i++)
        p = tide_promise_then(p, tick_then, NULL, (void *)(intptr_t)i);
    tide_release(p);
}

/* it.next() / it.return(v) / it.throw(e); it borrowed, v and e taken. */
static UNUSED tide_val next_(tide_val it) { return tide_async_iter_next(it, tide_undefined()); }
static UNUSED tide_val return_(tide_val it, tide_val v) { return tide_async_iter_return(it, v); }
static UNUSED tide_val throw_(tide_val it, tide_val e) { return tide_async_iter_throw(it, e); }

/* An Error('msg') of JavaScript: an error value that is no TypeError. */
static UNUSED tide_val err(const char *msg) { return tide_error_new(TIDE_EIO, "%s", msg); }

/* Inside an async function: try { log(label + ' ' + res(await p)) } catch (e)
 * { log(label + ' rejected ' + show(e)) }. p taken. Returns await's status. */
static UNUSED int await_log(tide_val p, const char *label) {
    tide_val r;
    int rc = tide_await(p, &r);
    if (rc < 0)
        trace("%s rejected %s", label, js(r));
    else
        trace("%s %s", label, res(r));
    tide_release(r);
    return rc;
}

/* Inside an async function: try { await p } catch (e) { log(label + '
 * rejected, same error ' + (e === want) + ': ' + show(e)) }. p taken, want
 * borrowed. */
static UNUSED void await_rejects_with(tide_val p, tide_val want, const char *label) {
    tide_val r;
    if (tide_await(p, &r) < 0)
        trace("%s rejected, same error %s: %s", label, same(r, want), js(r));
    tide_release(r);
}

/* `yield v` with no handler around it: a return() or throw() that arrives
 * there ends the body (JavaScript unwinds). Needs `out` in scope. */
#define YIELD(g, v)                                                            \
    do {                                                                       \
        tide_val in_;                                                          \
        int rc_ = tide_yield((g), (v), &in_);                                  \
        if (rc_ != 0)                                                          \
            return *out = in_, rc_;                                            \
        tide_release(in_);                                                     \
    } while (0)

/* A thenable: its then logs `msg`, then resolves with the string `value`, or
 * rejects with Error(value) (JavaScript's `then() { throw ... }`). */
typedef struct thenable_data {
    const char *msg, *value;
    bool reject;
} thenable_data;

static UNUSED void thenable_then(tide_val self, tide_val resolver) {
    thenable_data *d = tide_object_data(self);
    trace("%s", d->msg);
    if (d->reject)
        tide_promise_reject(resolver, err(d->value));
    else
        tide_promise_resolve(resolver, tide_str_new(d->value));
    tide_release(resolver);
}

static const tide_class thenable_class UNUSED = {.name = "Thenable", .then = thenable_then};

static UNUSED tide_val thenable(const char *msg, const char *value, bool reject) {
    tide_val t = tide_object_new(&thenable_class, sizeof(thenable_data));
    *(thenable_data *)tide_object_data(t) = (thenable_data){msg, value, reject};
    return t;
}

/* Makes a loop, runs setup() on the main stack, runs the loop dry, frees it
 * and checks that no coroutine is left; then compares the trace with what
 * node prints for tests/js/<name>.js. after() (may be NULL) releases what
 * the program kept, once the loop has run. */
static UNUSED void run_checklist(const char *name, void (*setup)(void), void (*after)(void)) {
    tide_loop *l;
    assert_int_equal(tide_loop_new(&l, NULL), 0);
    trace_reset();
    setup();
    assert_int_equal(tide_loop_run(l), 0);
    if (after)
        after();
    assert_int_equal(tide_loop_free(l), 0);
    tide_coro_stats s;
    tide_coro_get_stats(&s);
    assert_int_equal(s.live, 0);
    expect_node(name);
}

/* setup() of a driver test: a witness chain of n ticks, main_fn started as
 * an async function, then "main end". */
#define DRIVER_SETUP(name, n, main_fn)                                         \
    static void setup_##name(void) {                                           \
        witness(n);                                                            \
        tide_release(tide_async(main_fn, NULL));                               \
        trace("main end");                                                     \
    }

#endif
