/* Helpers shared by the promise suites (test_promise.c,
 * test_promise_combinators.c). Each C helper has a JavaScript twin with the
 * same name in tests/js/promise_*.js:
 *
 *   JavaScript                                   C
 *   const log = (name) => (v) =>                 h_log (data = name),
 *     { console.log(name, String(v)); return v; }  L(p, name), LC(p, name)
 *   witness(n, at, action)                       witness(n, at, fn, arg)
 *   sleep(ms)                                    tide_sleep(ms)
 *   later(ms, v) / laterFail(ms, v)              later(ms, v) / later_fail(ms, v)
 *   thenable(name, body)                         thenable(kind)
 */
#ifndef TIDE_TEST_PROMISE_SUPPORT_H
#define TIDE_TEST_PROMISE_SUPPORT_H

#include "support.h"

/* A value as the JS twins print it: String(v). */
#define S(v) show(v)

/* Error values as the JS twins print them: e.constructor.name. */
__attribute__((unused)) static const char *ename(tide_val e) {
    switch (tide_error_code(e)) {
    case TIDE_ETYPE: return "TypeError";
    case TIDE_EAGGREGATE: return "AggregateError";
    case 0: return show(e);
    default: return tide_err_name(tide_error_code(e));
    }
}

/* log(name): prints "name value" and passes the value on. */
static int h_log(void *data, tide_val v, tide_val *out) {
    trace("%s %s", (const char *)data, S(v));
    *out = tide_retain(v);
    return 0;
}

/* log(name + "-err"), for then(p, h_log, h_log_err, name). */
__attribute__((unused)) static int h_log_err(void *data, tide_val v, tide_val *out) {
    trace("%s-err %s", (const char *)data, S(v));
    *out = tide_retain(v);
    return 0;
}

/* () => console.log(name): a then handler and a timer callback. */
__attribute__((unused)) static int h_tick(void *data, tide_val v, tide_val *out) {
    (void)v, (void)out;
    trace("%s", (const char *)data);
    return 0;
}
__attribute__((unused)) static void cb_trace(void *data) { trace("%s", (const char *)data); }

/* p.then(log(name)) and p.catch(log(name)); p taken, derived returned. */
__attribute__((unused)) static tide_val L(tide_val p, const char *name) {
    return tide_promise_then(p, h_log, NULL, (void *)name);
}
__attribute__((unused)) static tide_val LC(tide_val p, const char *name) {
    return tide_promise_catch(p, h_log, (void *)name);
}

/* Releases a promise we do not look at again. */
__attribute__((unused)) static void drop(tide_val v) { tide_release(v); }

/* witness(n, at, action): Promise.resolve().then(w1).then(w2)...; step `at`
 * also runs action(). Shows how many ticks everything else takes. */
static struct {
    int at;
    void (*fn)(void *);
    void *arg;
} wact;

static int h_witness(void *data, tide_val v, tide_val *out) {
    (void)v, (void)out;
    int i = (int)(intptr_t)data;
    trace("w%d", i);
    if (i == wact.at && wact.fn)
        wact.fn(wact.arg);
    return 0;
}

__attribute__((unused)) static void witness(int n, int at, void (*fn)(void *), void *arg) {
    wact.at = at;
    wact.fn = fn;
    wact.arg = arg;
    tide_val p = tide_promise_resolved(tide_undefined());
    for (int i = 1; i <= n; i++)
        p = tide_promise_then(p, h_witness, NULL, (void *)(intptr_t)i);
    tide_release(p);
}

/* An action for witness: resolve (or reject) a pending promise with an int.
 * The slot's promise is released once used. */
typedef struct settle_later {
    tide_val p;
    int64_t v;
    bool reject;
} settle_later;

__attribute__((unused)) static void act_settle(void *arg) {
    settle_later *s = arg;
    if (s->reject)
        tide_promise_reject(s->p, tide_int(s->v));
    else
        tide_promise_resolve(s->p, tide_int(s->v));
    tide_clear(&s->p);
}

/* later(ms, v) = sleep(ms).then(() => { console.log("timer", v); return v; });
 * laterFail throws v instead. */
static int h_timer(void *data, tide_val v, tide_val *out) {
    (void)v;
    int64_t x = (int64_t)(intptr_t)data;
    trace("timer %lld", (long long)(x < 0 ? -x : x));
    *out = tide_int(x < 0 ? -x : x);
    return x < 0 ? TIDE_EREJECTED : 0;
}
__attribute__((unused)) static tide_val later(uint64_t ms, int64_t v) {
    return tide_promise_then(tide_sleep(ms), h_timer, NULL, (void *)(intptr_t)v);
}
__attribute__((unused)) static tide_val later_fail(uint64_t ms, int64_t v) {
    return tide_promise_then(tide_sleep(ms), h_timer, NULL, (void *)(intptr_t)-v);
}

/* ---- A C thenable ------------------------------------------------------
 * thenable(kind): an object whose class has a `then`. It prints
 * "then NAME" when called and then behaves as its kind says. */
enum { TH_SYNC, TH_LATER, TH_TWICE, TH_REJECT_FIRST, TH_PROMISE, TH_TARGET };
static const char *const th_names[] = {"sync", "later", "twice", "reject-first", "promise",
                                       "target"};
static tide_val th_later_resolver; /* TH_LATER keeps its resolver here */
static tide_val th_target;         /* TH_TARGET resolves with this promise */
static int th_rc[2];               /* return codes of the second settlements */

static void th_then(tide_val self, tide_val resolver) {
    int kind = *(int *)tide_object_data(self);
    trace("then %s", th_names[kind]);
    switch (kind) {
    case TH_SYNC: tide_promise_resolve(resolver, tide_int(1)); break;
    case TH_LATER: th_later_resolver = tide_retain(resolver); break;
    case TH_TWICE:
        tide_promise_resolve(resolver, tide_int(3));
        th_rc[0] = tide_promise_resolve(resolver, tide_int(4));
        break;
    case TH_REJECT_FIRST:
        tide_promise_reject(resolver, tide_int(5));
        th_rc[1] = tide_promise_resolve(resolver, tide_int(6));
        break;
    case TH_PROMISE: tide_promise_resolve(resolver, tide_promise_resolved(tide_int(7))); break;
    case TH_TARGET: tide_promise_resolve(resolver, tide_retain(th_target)); break;
    default: break;
    }
    tide_release(resolver);
}

static const tide_class thenable_class = {.name = "Thenable", .then = th_then};

__attribute__((unused)) static tide_val thenable(int kind) {
    tide_val o = tide_object_new(&thenable_class, sizeof(int));
    if (tide_object_data(o))
        *(int *)tide_object_data(o) = kind;
    return o;
}

/* Witness action: the TH_LATER thenable's resolver fulfils with 2. */
__attribute__((unused)) static void act_th_later(void *arg) {
    (void)arg;
    tide_promise_resolve(th_later_resolver, tide_int(2));
    tide_clear(&th_later_resolver);
}

/* ---- Loops --------------------------------------------------------------- */

static tide_loop *test_loop;

/* Each test: new loop, build the program, run, compare, free. */
__attribute__((unused)) static void begin(void) {
    trace_reset();
    assert_int_equal(tide_loop_new(&test_loop, NULL), 0);
}

__attribute__((unused)) static void run(void) {
    assert_int_equal(tide_loop_run(test_loop), 0);
}

__attribute__((unused)) static void end(void) {
    assert_int_equal(tide_loop_free(test_loop), 0);
    test_loop = NULL;
}

/* An unhandled-rejection hook that counts (for tests that leave rejected
 * promises alone on purpose). */
static int unhandled_count;
__attribute__((unused)) static void count_unhandled(void *data, tide_val p, tide_val reason) {
    (void)data, (void)p, (void)reason;
    unhandled_count++;
}

#endif
