/* Releasing the last reference to an async generator closes it as return()
 * would, so that its clean-up runs — C has no collector to drop a frame
 * silently (docs/semantics.md). No JavaScript twin: Node never runs that
 * clean-up. Each test checks the clean-up ran once, the loop ended with no
 * coroutine left, and (under valgrind / ASan) nothing leaked. */
#include "support.h"

#define UNUSED __attribute__((unused))

static int cleanups, resumed_after_return;

/* yield 1; yield 2; ... with a `finally` that awaits a timer. */
static int counter(tide_gen *g, void *arg UNUSED, tide_val *out) {
    int rc = 0;
    for (int i = 1; i <= 3 && rc == 0; i++)
        rc = tide_yield(g, tide_int(i), out);
    if (rc == TIDE_RETURN)
        resumed_after_return++;
    tide_val v;
    tide_await(tide_sleep(2), &v); /* clean-up may await */
    tide_release(v);
    trace("cleanup (rc %s)", rc == TIDE_RETURN ? "RETURN" : tide_err_name(rc));
    cleanups++;
    if (rc != 0)
        return rc;
    *out = tide_undefined();
    return 0;
}

static void reset(void) {
    trace_reset();
    cleanups = resumed_after_return = 0;
}

/* Suspended at a yield when released: its yield returns TIDE_RETURN. */
static int drop_at_yield(void *arg UNUSED, tide_val *out) {
    tide_val g = tide_async_gen(counter, NULL), x;
    tide_await(tide_async_iter_next(g, tide_undefined()), &x);
    trace("got %s", show(tide_iter_result_value(x)));
    tide_release(x);
    tide_release(g);
    trace("released");
    *out = tide_undefined();
    return 0;
}

static void release_at_yield_runs_cleanup(void **state UNUSED) {
    reset();
    assert_int_equal(run_async(drop_at_yield, NULL, NULL, 0), TIDE_FULFILLED);
    assert_int_equal(cleanups, 1);
    assert_int_equal(resumed_after_return, 1);
    assert_string_equal(trace_buf, "got 1\nreleased\ncleanup (rc RETURN)\n");
}

/* Released while its body is awaiting: it goes on, and is closed at its
 * next yield. */
static int slow(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val v;
    tide_await(tide_sleep(2), &v);
    trace("body woke");
    int rc = tide_yield(g, tide_int(7), out);
    trace("yield returned %s", rc == TIDE_RETURN ? "RETURN" : tide_err_name(rc));
    cleanups++;
    if (rc != 0)
        return rc;
    *out = tide_undefined();
    return 0;
}

static int drop_while_running(void *arg UNUSED, tide_val *out) {
    tide_val g = tide_async_gen(slow, NULL);
    tide_val p = tide_async_iter_next(g, tide_undefined());
    tide_release(g); /* the body is awaiting: it keeps the generator alive */
    tide_val x;
    tide_await(p, &x); /* the pending next() still settles with the yield */
    trace("next gave %s", show(tide_iter_result_value(x)));
    tide_release(x);
    *out = tide_undefined();
    return 0;
}

static void release_while_running_closes_at_next_yield(void **state UNUSED) {
    reset();
    assert_int_equal(run_async(drop_while_running, NULL, NULL, 0), TIDE_FULFILLED);
    assert_int_equal(cleanups, 1);
    assert_string_equal(trace_buf, "body woke\nnext gave 7\nyield returned RETURN\n");
}

/* Never started: nothing runs. */
static int drop_unstarted(void *arg UNUSED, tide_val *out) {
    tide_release(tide_async_gen(counter, NULL));
    *out = tide_undefined();
    return 0;
}

static void release_unstarted_runs_nothing(void **state UNUSED) {
    reset();
    assert_int_equal(run_async(drop_unstarted, NULL, NULL, 0), TIDE_FULFILLED);
    assert_int_equal(cleanups, 0);
    assert_string_equal(trace_buf, "");
}

/* A clean-up that yields again is asked to return again, until it ends. */
static int stubborn(tide_gen *g, void *arg UNUSED, tide_val *out) {
    int rc = tide_yield(g, tide_int(1), out);
    for (int extra = 0; rc == TIDE_RETURN && extra < 2; extra++) {
        tide_release(*out);
        rc = tide_yield(g, tide_int(100 + extra), out); /* a finally that yields */
        trace("finally yield %d returned %s", extra, rc == TIDE_RETURN ? "RETURN" : "other");
    }
    cleanups++;
    return rc;
}

static int drop_stubborn(void *arg UNUSED, tide_val *out) {
    tide_val g = tide_async_gen(stubborn, NULL), x;
    tide_await(tide_async_iter_next(g, tide_undefined()), &x);
    tide_release(x);
    tide_release(g);
    *out = tide_undefined();
    return 0;
}

static void release_closes_a_cleanup_that_yields(void **state UNUSED) {
    reset();
    assert_int_equal(run_async(drop_stubborn, NULL, NULL, 0), TIDE_FULFILLED);
    assert_int_equal(cleanups, 1);
    assert_string_equal(trace_buf, "finally yield 0 returned RETURN\nfinally yield 1 returned RETURN\n");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(release_at_yield_runs_cleanup),
        cmocka_unit_test(release_while_running_closes_at_next_yield),
        cmocka_unit_test(release_unstarted_runs_nothing),
        cmocka_unit_test(release_closes_a_cleanup_that_yields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
