/* Async generators against the conformance checklist
 * (/work/shared/test262-checklist.md), sections D (the body's yield / await /
 * return) and H (microtask ticks). Ticks are counted against a witness chain
 * Promise.resolve().then(t1).then(t2)... registered before the operation, as
 * the JavaScript twin (tests/js/checklist_N.js) does; the trace must equal
 * what Node prints for it. Sections A to C are in test_agen.c. */
#include "agen_support.h"

/* thenLog(gen().next(), label): the generator is dropped at once, as
 * JavaScript drops the temporary. Returns the state the promise had when
 * next() returned. */
static tide_state first_next(tide_gen_fn fn, const char *label) {
    tide_val it = tide_async_gen_named(label, fn, NULL);
    tide_val p = next_(it);
    tide_state st = tide_promise_state(p);
    then_log(p, label);
    tide_release(it);
    return st;
}

/* ======================================================================
 * D. The body: yield, await, return
 * ====================================================================== */

static tide_val it24;
static int callcount24;

static int g24_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val v;
    callcount24++;
    trace("g body start");
    int rc = tide_await(tide_null(), &v);
    if (rc < 0)
        return *out = v, rc;
    trace("g after await");
    YIELD(g, tide_str_new("x"));
    trace("g after yield");
    return 0;
}

static int h24_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    trace("h body start");
    YIELD(g, tide_str_new("y"));
    trace("h after yield");
    return 0;
}

static int next24(void *data UNUSED, tide_val r, tide_val *out UNUSED) {
    trace("next %s", res(r));
    trace("calling next again");
    then_log(next_(it24), "second next");
    trace("returned from second next");
    return 0;
}

static void setup_24(void) {
    witness(4);
    callcount24 = 0;
    it24 = tide_async_gen(g24_body, NULL);
    trace("after g(): callCount %d", callcount24);
    tide_val p = next_(it24);
    trace("after next(): callCount %d", callcount24);
    then_do(p, next24, NULL);
    tide_val it2 = tide_async_gen(h24_body, NULL);
    trace("after h()");
    then_log(next_(it2), "h next");
    then_log(next_(it2), "h second next");
    trace("after h next()");
    tide_release(it2);
    trace("main end");
}

static void after_24(void) { tide_release(it24); }

/* 24. Calling the async generator function runs none of the body; next()
 * runs it synchronously, inside the call, up to the first await or yield. */
static void checklist_24(void **state UNUSED) { run_checklist("checklist_24", setup_24, after_24); }

static tide_val late25;

static int g25_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    YIELD(g, tide_retain(late25));
    YIELD(g, tide_promise_resolved(tide_str_new("resolved")));
    YIELD(g, thenable("then called", "from-thenable", false));
    YIELD(g, tide_str_new("plain"));
    return 0;
}

static int main25(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val it = tide_async_gen(g25_body, NULL);
    for (int i = 0; i < 5; i++) {
        tide_val r;
        int rc = tide_await(next_(it), &r);
        if (rc < 0)
            trace("next rejected %s", js(r));
        else
            trace("got %s, %s", res(r),
                  tide_is_promise(tide_iter_result_value(r)) ? "a promise" : "not a promise");
        tide_release(r);
    }
    tide_release(it);
    return 0;
}

static int resolve_late25(void *data UNUSED, tide_val v UNUSED, tide_val *out UNUSED) {
    trace("resolving late");
    tide_promise_resolve(late25, tide_str_new("late-value"));
    return 0;
}

static void setup_25(void) {
    witness(10);
    late25 = tide_promise_new();
    tide_release(tide_async(main25, NULL));
    then_do(tide_promise_resolved(tide_undefined()), resolve_late25, NULL);
    trace("main end");
}

static void after_25(void) { tide_release(late25); }

/* 25. yield p waits for p: the consumer receives the fulfilment value, never
 * the promise (a pending promise, a resolved one, a thenable). */
static void checklist_25(void **state UNUSED) { run_checklist("checklist_25", setup_25, after_25); }

static tide_val err26, it26;

static int g26_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    trace("body start");
    YIELD(g, tide_promise_rejected(tide_retain(err26)));
    trace("must not run");
    YIELD(g, tide_str_new("unreachable"));
    return 0;
}

static int next1_ok26(void *data UNUSED, tide_val r, tide_val *out UNUSED) {
    trace("next 1 fulfilled %s", res(r));
    return 0;
}

static int next1_err26(void *data UNUSED, tide_val e, tide_val *out UNUSED) {
    trace("next 1 rejected, same error %s: %s", same(e, err26), js(e));
    then_log(next_(it26), "next 3");
    return 0;
}

static tide_val reject_later26;

static int h26_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    trace("h start");
    reject_later26 = tide_promise_new();
    YIELD(g, tide_retain(reject_later26));
    trace("must not run");
    return 0;
}

static int reject26(void *data UNUSED, tide_val v UNUSED, tide_val *out UNUSED) {
    trace("rejecting later");
    tide_promise_reject(reject_later26, err("late rejection"));
    return 0;
}

static void setup_26(void) {
    witness(6);
    err26 = err("rejected");
    it26 = tide_async_gen(g26_body, NULL);
    tide_release(tide_promise_then(next_(it26), next1_ok26, next1_err26, NULL));
    then_log(next_(it26), "next 2 (queued)");
    tide_val it2 = tide_async_gen(h26_body, NULL);
    then_log(next_(it2), "h next 1");
    then_log(next_(it2), "h next 2 (queued)");
    then_log(return_(it2, tide_str_new("r")), "h return (queued)");
    tide_release(it2);
    then_do(tide_promise_resolved(tide_undefined()), reject26, NULL);
    trace("main end");
}

static void after_26(void) {
    tide_release(it26);
    tide_release(err26);
    tide_release(reject_later26);
}

/* 26. yield Promise.reject(e) throws e into the body at the yield; uncaught,
 * the pending next() rejects with e and the generator is completed; also
 * when the yielded promise rejects later, with requests queued behind it. */
static void checklist_26(void **state UNUSED) { run_checklist("checklist_26", setup_26, after_26); }

static tide_val err27;

static int g27_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in;
    trace("body start"); /* try { yield Promise.reject(error) } catch (e) { ... } */
    int rc = tide_yield(g, tide_promise_rejected(tide_retain(err27)), &in);
    if (rc == TIDE_RETURN)
        return *out = in, rc;
    if (rc == 0)
        trace("must not run");
    else
        trace("caught, same error %s: %s", same(in, err27), js(in));
    tide_release(in);
    /* try { yield thenable-whose-then-throws } catch (e) { ... } */
    rc = tide_yield(g, thenable("then called", "then threw", true), &in);
    if (rc == TIDE_RETURN)
        return *out = in, rc;
    if (rc == 0)
        trace("must not run");
    else
        trace("caught %s", js(in));
    tide_release(in);
    YIELD(g, tide_str_new("after catch"));
    trace("body end");
    return 0;
}

static void setup_27(void) {
    witness(8);
    err27 = err("rejected");
    tide_val it = tide_async_gen(g27_body, NULL);
    then_log(next_(it), "next 1");
    then_log(next_(it), "next 2");
    tide_release(it);
    trace("main end");
}

static void after_27(void) { tide_release(err27); }

/* 27. A try/catch around yield Promise.reject(e) catches e, and the
 * generator carries on; so does one around a yielded thenable whose then
 * throws. */
static void checklist_27(void **state UNUSED) { run_checklist("checklist_27", setup_27, after_27); }

static tide_val pending28;

static int g1_28(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out) {
    *out = tide_promise_resolved(tide_str_new("fulfilled")); /* return Promise.resolve(...) */
    return 0;
}

static int g2_28(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out) {
    *out = tide_promise_rejected(err("return rejected")); /* return Promise.reject(...) */
    return 0;
}

static int g3_28(tide_gen *g, void *arg UNUSED, tide_val *out) {
    return tide_gen_return(g, tide_str_new("plain"), out); /* return 'plain' */
}

static int g4_28(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out UNUSED) {
    return 0; /* return; */
}

static int g5_28(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out UNUSED) {
    *out = tide_undefined(); /* falls off the end */
    return 0;
}

static int g6_28(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out) {
    *out = tide_retain(pending28); /* return pending */
    return 0;
}

static tide_val it2_28;

static int g2_28_ok(void *data UNUSED, tide_val r, tide_val *out UNUSED) {
    trace("g2 fulfilled %s", res(r));
    return 0;
}

static int g2_28_err(void *data UNUSED, tide_val e, tide_val *out UNUSED) {
    trace("g2 return Promise.reject rejected %s", js(e));
    then_log(next_(it2_28), "g2 later next");
    return 0;
}

static int resolve_pending28(void *data UNUSED, tide_val v UNUSED, tide_val *out UNUSED) {
    trace("resolving pending");
    tide_promise_resolve(pending28, tide_str_new("late"));
    return 0;
}

static void setup_28(void) {
    witness(6);
    pending28 = tide_promise_new();
    first_next(g1_28, "g1 return Promise.resolve");
    it2_28 = tide_async_gen(g2_28, NULL);
    tide_release(tide_promise_then(next_(it2_28), g2_28_ok, g2_28_err, NULL));
    first_next(g3_28, "g3 return plain");
    first_next(g4_28, "g4 bare return");
    first_next(g5_28, "g5 falls off the end");
    first_next(g6_28, "g6 return pending");
    then_do(tide_promise_resolved(tide_undefined()), resolve_pending28, NULL);
    trace("main end");
}

static void after_28(void) {
    tide_release(it2_28);
    tide_release(pending28);
}

/* 28. return expr awaits expr: {<fulfilled>,true}, or a rejection if expr
 * rejects; a bare return or falling off the end does not wait. */
static void checklist_28(void **state UNUSED) { run_checklist("checklist_28", setup_28, after_28); }


/* ======================================================================
 * H. Promise-job (microtask) ordering
 * ====================================================================== */

static int falls_off(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out UNUSED) {
    return 0; /* async function*() {} */
}

static int bare_return(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out) {
    *out = tide_undefined(); /* return; */
    return 0;
}

static int return_undefined(tide_gen *g, void *arg UNUSED, tide_val *out) {
    return tide_gen_return(g, tide_undefined(), out); /* return undefined; */
}

static int return_x(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out) {
    *out = tide_str_new("x"); /* return 'x'; (0 with a value: awaited first) */
    return 0;
}

static int yield_y(tide_gen *g, void *arg UNUSED, tide_val *out) {
    YIELD(g, tide_str_new("y"));
    return 0;
}

static int yield_nothing(tide_gen *g, void *arg UNUSED, tide_val *out) {
    YIELD(g, tide_undefined()); /* yield; */
    return 0;
}

static tide_state state59[4];

static void setup_59(void) {
    witness(3);
    state59[0] = first_next(falls_off, "g1 ret");
    state59[1] = first_next(bare_return, "g2 ret");
    state59[2] = first_next(return_undefined, "g3 ret");
    state59[3] = first_next(return_undefined, "g4 ret"); /* return void 0; */
    trace("main end");
}

/* 59. A body that finishes with no await (falls off the end, or return;) has
 * resolved next()'s promise by the time next() returns: its then runs right
 * after tick 1 (tick 1, g1 ret, g2 ret, tick 2, g3 ret, g4 ret). */
static void checklist_59(void **state UNUSED) {
    run_checklist("checklist_59", setup_59, NULL);
    assert_int_equal(state59[0], TIDE_FULFILLED);
    assert_int_equal(state59[1], TIDE_FULFILLED);
    assert_int_equal(state59[2], TIDE_PENDING);
    assert_int_equal(state59[3], TIDE_PENDING);
}

static void setup_60(void) {
    witness(4);
    first_next(falls_off, "falls off");
    first_next(return_undefined, "return undefined");
    first_next(return_x, "return x");
    first_next(yield_y, "yield y");
    first_next(yield_nothing, "yield");
    trace("main end");
}

/* 60. return <expr> costs exactly one extra tick, even return undefined (its
 * then runs after tick 2); a first yield of a non-promise costs the same
 * one tick. */
static void checklist_60(void **state UNUSED) { run_checklist("checklist_60", setup_60, NULL); }

/* for await (const x of [Promise.resolve('a')]) log('A loop ' + x); */
static int over_array64(void *arg UNUSED, tide_val *out) {
    tide_val arr = tide_array_new(1), x;
    int rc;
    tide_array_push(arr, tide_promise_resolved(tide_str_new("a")));
    trace("A pre");
    tide_for_await (x, arr, &rc, out) {
        trace("A loop %s", js(x));
        tide_release(x);
    }
    if (rc < 0)
        return rc;
    trace("A post");
    return 0;
}

/* { [Symbol.asyncIterator]() { return this; },
 *   next() { return Promise.resolve(i++ < 1 ? {value:'b',done:false} : {done:true}); } } */
typedef struct iter64 {
    int i;
} iter64;

static tide_val iter64_next(tide_val self, tide_val v) {
    iter64 *d = tide_object_data(self);
    tide_release(v);
    tide_val r = d->i++ < 1 ? tide_iter_result(tide_str_new("b"), false)
                            : tide_iter_result(tide_undefined(), true);
    return tide_promise_resolved(r);
}

static tide_val iter64_self(tide_val self) { return tide_retain(self); }

static const tide_async_iter_methods iter64_methods = {iter64_next, NULL, NULL};
static const tide_class iter64_class = {
    .name = "AsyncIter",
    .async_iterator = iter64_self,
    .async_iter = &iter64_methods,
};

static int over_async_iter64(void *arg UNUSED, tide_val *out) {
    tide_val iter = tide_object_new(&iter64_class, sizeof(iter64)), x;
    int rc;
    trace("B pre");
    tide_for_await (x, iter, &rc, out) {
        trace("B loop %s", js(x));
        tide_release(x);
    }
    if (rc < 0)
        return rc;
    trace("B post");
    return 0;
}

static int main64(void *arg UNUSED, tide_val *out) {
    witness(4);
    int rc = tide_await(tide_async(over_array64, NULL), out);
    if (rc < 0)
        return rc;
    tide_clear(out);
    trace("between");
    witness(2);
    rc = tide_await(tide_async(over_async_iter64, NULL), out);
    if (rc < 0)
        return rc;
    tide_clear(out);
    trace("main done");
    return 0;
}

static void setup_64(void) {
    tide_release(tide_async(main64, NULL));
    trace("main end");
}

/* 64. The tick budget of a complete for await in an async function: over a
 * sync array holding one resolved promise, pre, tick 1, tick 2, loop, tick 3,
 * tick 4, post; over an async iterator whose next returns
 * Promise.resolve(result), pre, tick 1, loop, tick 2, post. (The test262
 * files' `constructor` look-ups: N/A in C.) */
static void checklist_64(void **state UNUSED) { run_checklist("checklist_64", setup_64, NULL); }

static tide_val blocking66;

static int g66_body(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out) {
    tide_val v;
    trace("body start");
    int rc = tide_await(tide_retain(blocking66), &v);
    if (rc < 0)
        return *out = v, rc;
    trace("body end");
    return 0;
}

static int h66_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    trace("h start");
    YIELD(g, tide_int(1));
    YIELD(g, tide_int(2));
    YIELD(g, tide_int(3));
    return 0;
}

static int all_settled66(void *data UNUSED, tide_val v UNUSED, tide_val *out UNUSED) {
    trace("all four settled");
    return 0;
}

static void setup_66(void) {
    static const char *const slabel[4] = {"s1", "s2", "s3", "s4"};
    witness(4);
    blocking66 = tide_promise_new();
    tide_val it = tide_async_gen(g66_body, NULL);
    tide_val r1 = next_(it), r2 = next_(it), r3 = throw_(it, err("queued throw"));
    tide_val r4 = next_(it), r5 = return_(it, tide_str_new("r")), r6 = next_(it);
    then_log(r6, "r6 next");
    then_log(r5, "r5 return");
    then_log(r4, "r4 next");
    then_log(r3, "r3 throw");
    then_log(r2, "r2 next");
    then_log(r1, "r1 next");
    tide_release(it);

    tide_val it2 = tide_async_gen(h66_body, NULL);
    tide_val s[4], logged[4];
    for (int i = 0; i < 4; i++)
        s[i] = next_(it2);
    for (int i = 0; i < 4; i++) /* s.slice().reverse().map(p => p.then(log)) */
        logged[i] = tide_promise_then(s[3 - i], log_res, NULL, (void *)slabel[3 - i]);
    then_do(tide_promise_all(logged, 4), all_settled66, NULL);
    tide_release(it2);

    trace("unblocking");
    tide_promise_resolve(blocking66, tide_undefined());
    trace("main end");
}

static void after_66(void) { tide_release(blocking66); }

/* 66. Where several results settle in the same turn, their callbacks run in
 * request order, even with the thens registered in reverse. */
static void checklist_66(void **state UNUSED) { run_checklist("checklist_66", setup_66, after_66); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(checklist_24),
        cmocka_unit_test(checklist_25),
        cmocka_unit_test(checklist_26),
        cmocka_unit_test(checklist_27),
        cmocka_unit_test(checklist_28),
        cmocka_unit_test(checklist_59),
        cmocka_unit_test(checklist_60),
        cmocka_unit_test(checklist_64),
        cmocka_unit_test(checklist_66),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
