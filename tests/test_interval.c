/* tide_interval: Node's timers/promises setInterval as an async iterable. */
#include <uv.h>

#include "support.h"

#define UNUSED __attribute__((unused))

static void count_timer(uv_handle_t *h, void *arg) {
    if (h->type == UV_TIMER && uv_is_active(h))
        (*(int *)arg)++;
}

static int active_timers(void) {
    int n = 0;
    uv_walk(tide_loop_uv(tide_loop_current()), count_timer, &n);
    return n;
}

static int timers_after;

/* Three ticks then break: the loop closes the iterator, the timer stops. */
static int three_ticks(void *arg UNUSED, tide_val *out) {
    tide_val v;
    int rc, n = 0;
    tide_for_await (v, tide_interval(5), &rc, out) {
        n++;
        trace("tick %d", n);
        if (n == 3)
            break;
    }
    trace("after the loop");
    timers_after = active_timers();
    return rc;
}

static void break_stops_the_timer(void **state UNUSED) {
    trace_reset();
    timers_after = -1;
    assert_int_equal(run_async(three_ticks, NULL, NULL, 0), TIDE_FULFILLED);
    assert_int_equal(timers_after, 0);
    expect_node("io_interval");
}

/* A slow consumer gets the ticks it missed at once, numbered in order. */
static int slow_consumer(void *arg UNUSED, tide_val *out) {
    tide_val it = tide_interval(2), v;
    for (int i = 0; i < 2; i++) {
        tide_await(tide_async_iter_next(it, tide_undefined()), &v);
        trace("next %s", show(tide_iter_result_value(v)));
        tide_release(v);
        tide_await(tide_sleep(15), &v); /* several ticks go by */
    }
    tide_await(tide_async_iter_next(it, tide_undefined()), &v);
    trace("then %s", show(tide_iter_result_value(v)));
    tide_release(v);
    tide_await(tide_async_iter_return(it, tide_undefined()), &v);
    tide_release(v);
    tide_await(tide_async_iter_next(it, tide_undefined()), &v);
    trace("after return: done %d", tide_iter_result_done(v));
    tide_release(v);
    tide_release(it);
    *out = tide_undefined();
    return 0;
}

static void unclaimed_ticks_are_kept(void **state UNUSED) {
    trace_reset();
    assert_int_equal(run_async(slow_consumer, NULL, NULL, 0), TIDE_FULFILLED);
    assert_string_equal(trace_buf, "next 1\nnext 2\nthen 3\nafter return: done 1\n");
}

/* Cancelled while waiting for a tick: the next() rejects, the timer stops. */
static int waits_forever(void *arg UNUSED, tide_val *out) {
    tide_val v;
    int rc;
    tide_for_await (v, tide_interval(1000), &rc, out) {
        tide_release(v);
    }
    timers_after = active_timers();
    return rc;
}

static int cancel_it(void *arg UNUSED, tide_val *out) {
    tide_val ac = tide_abort_controller_new(), sig = tide_abort_controller_signal(ac), r;
    tide_val p = tide_async_signal(waits_forever, NULL, sig);
    tide_release(sig);
    tide_await(tide_sleep(3), &r);
    tide_abort_controller_abort(ac, tide_undefined());
    int rc = tide_await(p, &r);
    trace("task %s", tide_err_name(rc));
    tide_release(r);
    tide_release(ac);
    *out = tide_undefined();
    return 0;
}

static void cancellation_stops_the_timer(void **state UNUSED) {
    trace_reset();
    timers_after = -1;
    assert_int_equal(run_async(cancel_it, NULL, NULL, 0), TIDE_FULFILLED);
    assert_string_equal(trace_buf, "task TIDE_ECANCELED\n");
    assert_int_equal(timers_after, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(break_stops_the_timer),
        cmocka_unit_test(unclaimed_ticks_are_kept),
        cmocka_unit_test(cancellation_stops_the_timer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
