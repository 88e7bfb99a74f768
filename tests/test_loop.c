/* The loop layer: microtasks, timers, immediates, embedding, bad input.
 *
 * Ordering tests rebuild tests/js/loop_*.js with tide and compare the trace
 * with what Node prints (expect_node). Callbacks run on the main stack, but
 * inside uv_run: they record (CHECK), and tests assert once the loop has run.
 */
#include <pthread.h>
#include <time.h>
#include <uv.h>

#include "support.h"

#define UNUSED __attribute__((unused))

/* ---- Helpers ----------------------------------------------------------- */

/* Checks inside loop callbacks: a cmocka assertion there would longjmp out of
 * uv_run and leave the loop behind, so a failed check is traced instead (and
 * makes the trace comparison or the final check fail). */
static int check_failures;
#define CHECK(x)                                                               \
    do {                                                                       \
        if (!(x)) {                                                            \
            check_failures++;                                                  \
            trace("CHECK FAILED at line %d: %s", __LINE__, #x);                \
        }                                                                      \
    } while (0)

/* A callback that traces its data (a string). */
static void log_cb(void *data) { trace("%s", (const char *)data); }

/* A promise reaction that traces its data. */
static int log_then(void *data, tide_val v UNUSED, tide_val *out UNUSED) {
    trace("%s", (const char *)data);
    return 0;
}

/* Promise.resolve().then(() => log(label)); returns the derived promise. */
static tide_val then_log(const char *label) {
    return tide_promise_then(tide_promise_resolved(tide_undefined()), log_then, NULL,
                             (void *)label);
}

static tide_loop *new_loop(void) {
    tide_loop *l = NULL;
    assert_int_equal(tide_loop_new(&l, NULL), 0);
    assert_non_null(l);
    trace_reset();
    check_failures = 0;
    return l;
}

/* Runs the loop dry, frees it and checks nothing is left over. */
static void run_and_free(tide_loop *l) {
    assert_int_equal(tide_loop_run(l), 0);
    assert_int_equal(tide_loop_free(l), 0);
    assert_null(tide_loop_current());
    tide_coro_stats s;
    tide_coro_get_stats(&s);
    assert_int_equal(s.live, 0);
    assert_int_equal(check_failures, 0);
}

static void busy_wait_ms(double ms) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do
        clock_gettime(CLOCK_MONOTONIC, &b);
    while ((double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6 < ms);
}

/* ---- Microtasks between timers ------------------------------------------ */

static void timer_a_queues(void *data UNUSED) {
    trace("a");
    CHECK(tide_queue_microtask(log_cb, "micro a") == 0);
    tide_release(then_log("then a"));
}

/* setTimeout(a, 5); setTimeout(b, 5): a's microtasks run before b (Node >= 11). */
static void test_microtasks_between_same_tick_timers(void **state UNUSED) {
    tide_loop *l = new_loop();
    assert_int_equal(tide_timer_start(NULL, 5, 0, timer_a_queues, NULL), 0);
    assert_int_equal(tide_timer_start(NULL, 5, 0, log_cb, "b"), 0);
    run_and_free(l);
    expect_node("loop_timer_microtask");
}

/* ---- Timers ------------------------------------------------------------ */

/* Due time first, then start order; a delay of 0 means 1 ms. */
static void test_timer_order(void **state UNUSED) {
    tide_loop *l = new_loop();
    assert_int_equal(tide_timer_start(NULL, 20, 0, log_cb, "20 ms"), 0);
    assert_int_equal(tide_timer_start(NULL, 5, 0, log_cb, "5 ms first"), 0);
    assert_int_equal(tide_timer_start(NULL, 1, 0, log_cb, "1 ms"), 0);
    assert_int_equal(tide_timer_start(NULL, 0, 0, log_cb, "0 ms (as 1)"), 0);
    assert_int_equal(tide_timer_start(NULL, 5, 0, log_cb, "5 ms second"), 0);
    assert_int_equal(tide_timer_start(NULL, 10, 0, log_cb, "10 ms"), 0);
    run_and_free(l);
    expect_node("loop_timer_order");
}

static struct {
    tide_timer iv;
    int n, stop_rc;
} ivs;

static void interval_cb(void *data UNUSED) {
    trace("tick %d", ++ivs.n);
    if (ivs.n == 3) {
        ivs.stop_rc = tide_timer_stop(ivs.iv);
        tide_timer_start(NULL, 5, 0, log_cb, "after");
    }
}

/* setInterval ticks until clearInterval from its own callback. */
static void test_interval_stopped_in_callback(void **state UNUSED) {
    tide_loop *l = new_loop();
    memset(&ivs, 0, sizeof ivs);
    ivs.stop_rc = 1;
    assert_int_equal(tide_timer_start(&ivs.iv, 2, 2, interval_cb, NULL), 0);
    run_and_free(l);
    assert_int_equal(ivs.stop_rc, 0);
    assert_int_equal(ivs.n, 3);
    expect_node("loop_interval");
}

static tide_timer clear_d;
static void timer_c_clears_d(void *data UNUSED) {
    trace("c");
    CHECK(tide_timer_stop(clear_d) == 0);
}

/* clearTimeout before the timer fires, and from a timer due in the same tick. */
static void test_timer_stop_before_fire(void **state UNUSED) {
    tide_loop *l = new_loop();
    tide_timer a;
    assert_int_equal(tide_timer_start(&a, 5, 0, log_cb, "a"), 0);
    assert_int_equal(tide_timer_start(NULL, 10, 0, log_cb, "b"), 0);
    assert_int_equal(tide_timer_stop(a), 0);
    trace("cleared a");
    assert_int_equal(tide_timer_start(NULL, 15, 0, timer_c_clears_d, NULL), 0);
    assert_int_equal(tide_timer_start(&clear_d, 15, 0, log_cb, "d"), 0);
    assert_int_equal(tide_timer_start(NULL, 15, 0, log_cb, "e"), 0);
    run_and_free(l);
    expect_node("loop_timer_clear");
}

static int fired;
static void count_cb(void *data UNUSED) {
    fired++;
}

/* Stale handles (fired, stopped, or their record reused) give TIDE_ENOENT and
 * never touch the timer now using the record. */
static void test_timer_stale_handle(void **state UNUSED) {
    tide_loop *l = new_loop();
    fired = 0;
    tide_timer t1, t2, i1;
    assert_int_equal(tide_timer_start(&t1, 1, 0, count_cb, NULL), 0);
    assert_int_equal(tide_loop_run(l), 0);
    assert_int_equal(fired, 1);
    assert_int_equal(tide_timer_stop(t1), TIDE_ENOENT);

    assert_int_equal(tide_timer_start(&t2, 1, 0, count_cb, NULL), 0);
    assert_int_equal(tide_timer_stop(t1), TIDE_ENOENT); /* t2 may reuse t1's record */
    assert_int_equal(tide_loop_run(l), 0);
    assert_int_equal(fired, 2);

    assert_int_equal(tide_timer_start(&t2, 50, 0, count_cb, NULL), 0);
    assert_int_equal(tide_timer_stop(t2), 0);
    assert_int_equal(tide_timer_stop(t2), TIDE_ENOENT);
    assert_int_equal(tide_immediate_start(&i1, count_cb, NULL), 0);
    assert_int_equal(tide_timer_stop(i1), 0);
    assert_int_equal(tide_timer_stop(i1), TIDE_ENOENT);
    assert_int_equal(tide_loop_run(l), 0);
    assert_int_equal(fired, 2);
    assert_int_equal(tide_timer_stop(i1), TIDE_ENOENT);

    tide_timer zero = {0};
    assert_int_equal(tide_timer_stop(zero), TIDE_ENOENT);
    run_and_free(l);
}

static struct {
    tide_timer self;
    int rc;
} once;

static void stop_self_cb(void *data UNUSED) {
    fired++;
    once.rc = tide_timer_stop(once.self);
}

/* clearTimeout of a one-shot timer from its own callback is harmless: the
 * handle is already stale. */
static void test_timer_stop_self_oneshot(void **state UNUSED) {
    tide_loop *l = new_loop();
    fired = 0;
    once.rc = 1;
    assert_int_equal(tide_timer_start(&once.self, 1, 0, stop_self_cb, NULL), 0);
    run_and_free(l);
    assert_int_equal(fired, 1);
    assert_int_equal(once.rc, TIDE_ENOENT);
}

/* ---- Immediates -------------------------------------------------------- */

static tide_timer imm_c;

static void imm_a(void *data UNUSED) {
    trace("A");
    CHECK(tide_immediate_start(NULL, log_cb, "A2") == 0);
    tide_release(then_log("micro A"));
    CHECK(tide_timer_stop(imm_c) == 0);
}

static void imm_b(void *data UNUSED) {
    trace("B");
    CHECK(tide_queue_microtask(log_cb, "micro B") == 0);
}

/* Start order, microtasks after each, next-batch for nested, clearImmediate. */
static void test_immediate_order(void **state UNUSED) {
    tide_loop *l = new_loop();
    assert_int_equal(tide_immediate_start(NULL, imm_a, NULL), 0);
    assert_int_equal(tide_immediate_start(NULL, imm_b, NULL), 0);
    assert_int_equal(tide_immediate_start(&imm_c, log_cb, "C"), 0);
    assert_int_equal(tide_immediate_start(NULL, log_cb, "D"), 0);
    run_and_free(l);
    expect_node("loop_immediate_order");
}

static void imm_busy(void *data UNUSED) {
    trace("immediate");
    CHECK(tide_immediate_start(NULL, log_cb, "immediate 2") == 0);
    CHECK(tide_timer_start(NULL, 1, 0, log_cb, "timeout 1") == 0);
    busy_wait_ms(5);
}

static void timer_starts_both(void *data UNUSED) {
    trace("timer");
    CHECK(tide_timer_start(NULL, 0, 0, log_cb, "timeout 0") == 0);
    CHECK(tide_immediate_start(NULL, imm_busy, NULL) == 0);
}

/* From a timer: setImmediate before setTimeout(0); an immediate's immediate
 * runs after a timer that fell due in between. */
static void test_immediate_vs_timer(void **state UNUSED) {
    tide_loop *l = new_loop();
    assert_int_equal(tide_timer_start(NULL, 1, 0, timer_starts_both, NULL), 0);
    run_and_free(l);
    expect_node("loop_immediate_timer");
}

/* ---- Microtasks ---------------------------------------------------------- */

static void q3_cb(void *data UNUSED) {
    trace("q3");
    CHECK(tide_queue_microtask(log_cb, "q4") == 0);
}

/* queueMicrotask and Promise.then share one FIFO queue, drained before timers. */
static void test_microtask_order(void **state UNUSED) {
    tide_loop *l = new_loop();
    assert_int_equal(tide_timer_start(NULL, 1, 0, log_cb, "timer"), 0);
    assert_int_equal(tide_queue_microtask(log_cb, "q1"), 0);
    tide_release(then_log("p1"));
    assert_int_equal(tide_queue_microtask(log_cb, "q2"), 0);
    tide_release(tide_promise_then(then_log("p2"), log_then, NULL, "p3"));
    assert_int_equal(tide_queue_microtask(q3_cb, NULL), 0);
    trace("sync");
    run_and_free(l);
    expect_node("loop_microtask_order");
}

/* tide_loop_checkpoint drains now; inside a drain it is a no-op. */
static void checkpoint_inside(void *data) {
    trace("outer");
    tide_queue_microtask(log_cb, "inner");
    tide_loop_checkpoint((tide_loop *)data); /* already draining: no-op */
    trace("outer end");
}

static void test_checkpoint(void **state UNUSED) {
    tide_loop *l = new_loop();
    assert_int_equal(tide_queue_microtask(checkpoint_inside, l), 0);
    trace("before");
    tide_loop_checkpoint(l);
    trace("after");
    assert_string_equal(trace_buf, "before\nouter\nouter end\ninner\nafter\n");
    tide_loop_checkpoint(NULL);
    run_and_free(l);
}

/* ---- Stopping ------------------------------------------------------------ */

static void timer_stops(void *data) {
    trace("a");
    CHECK(tide_queue_microtask(log_cb, "micro a") == 0);
    tide_loop_stop((tide_loop *)data);
    tide_loop_stop((tide_loop *)data); /* twice: harmless */
}

/* Stopping runs nothing more: not a timer due in the same tick, not a
 * microtask already queued (Node: process.exit). */
static void test_loop_stop(void **state UNUSED) {
    tide_loop *l = new_loop();
    assert_int_equal(tide_timer_start(NULL, 5, 0, timer_stops, l), 0);
    assert_int_equal(tide_timer_start(NULL, 5, 0, log_cb, "b"), 0);
    assert_int_equal(tide_timer_start(NULL, 50, 0, log_cb, "c"), 0);
    assert_false(tide_loop_stopped(l));
    assert_int_equal(tide_loop_run(l), 0);
    assert_true(tide_loop_stopped(l));
    assert_string_equal(trace_buf, "a\n"); /* as tide_loop_run returned */
    assert_int_equal(tide_loop_free(l), 0);
    expect_node("loop_stop"); /* and after the loop is freed */
}

/* ---- Embedding in a libuv loop of the program's own ---------------------- */

static struct {
    tide_val p;
    int own_timer_runs, reaction_seen_in_cb;
    uv_timer_t own;
} emb;

static int emb_reaction(void *data UNUSED, tide_val v, tide_val *out UNUSED) {
    trace("reaction %s", show(v));
    return 0;
}

/* A libuv callback of the program's: it settles a tide promise and runs a
 * checkpoint so that the reaction runs before it returns. */
static void own_timer_cb(uv_timer_t *h) {
    emb.own_timer_runs++;
    trace("own uv timer");
    tide_promise_resolve(emb.p, tide_int(5));
    tide_loop_checkpoint(tide_loop_current());
    emb.reaction_seen_in_cb = strstr(trace_buf, "reaction 5") != NULL;
    uv_close((uv_handle_t *)h, NULL);
}

static void tide_timer_queues(void *data) {
    trace("tide timer");
    CHECK(tide_queue_microtask(log_cb, "micro after tide timer") == 0);
    uv_timer_init((uv_loop_t *)data, &emb.own);
    uv_timer_start(&emb.own, own_timer_cb, 1, 0);
}

static void immediate_starts_timer(void *data) {
    trace("immediate");
    CHECK(tide_timer_start(NULL, 2, 0, tide_timer_queues, data) == 0);
}

/* tide on the program's own libuv loop, run with uv_run: tide callbacks run
 * and drain microtasks; a callback of the program's drains with a
 * checkpoint; freeing tide leaves no handle open (uv_loop_close succeeds).
 * Each step starts the next, so the order does not depend on timing. */
static void test_embedded_loop(void **state UNUSED) {
    uv_loop_t uv;
    assert_int_equal(uv_loop_init(&uv), 0);
    tide_loop *l = NULL;
    assert_int_equal(tide_loop_new(&l, &uv), 0);
    assert_ptr_equal(tide_loop_uv(l), &uv);
    assert_ptr_equal(tide_loop_current(), l);
    trace_reset();
    check_failures = 0;
    emb.own_timer_runs = emb.reaction_seen_in_cb = 0;

    emb.p = tide_promise_new();
    tide_release(tide_promise_then(tide_retain(emb.p), emb_reaction, NULL, NULL));
    tide_release(then_log("micro from main"));
    assert_int_equal(tide_immediate_start(NULL, immediate_starts_timer, &uv), 0);

    assert_int_equal(uv_run(&uv, UV_RUN_DEFAULT), 0);
    assert_string_equal(trace_buf, "micro from main\nimmediate\ntide timer\n"
                                   "micro after tide timer\nown uv timer\nreaction 5\n");
    assert_int_equal(emb.own_timer_runs, 1);
    assert_true(emb.reaction_seen_in_cb);
    assert_int_equal(check_failures, 0);
    tide_release(emb.p);

    assert_int_equal(tide_loop_free(l), 0);
    assert_null(tide_loop_current());
    assert_int_equal(uv_loop_close(&uv), 0); /* tide left no handle open */
}

/* Microtasks the program queued before calling uv_run run before a timer
 * that is already due when uv_run starts (JavaScript: the script's
 * microtasks run before any timer). */
static void test_embedded_microtasks_before_due_timer(void **state UNUSED) {
    static uv_loop_t uv;
    assert_int_equal(uv_loop_init(&uv), 0);
    tide_loop *l = NULL;
    assert_int_equal(tide_loop_new(&l, &uv), 0);
    trace_reset();
    assert_int_equal(tide_timer_start(NULL, 1, 0, log_cb, "timer"), 0);
    assert_int_equal(tide_queue_microtask(log_cb, "microtask"), 0);
    tide_release(then_log("reaction"));
    busy_wait_ms(5); /* the timer is due before the loop first looks */
    uv_update_time(&uv);
    uv_run(&uv, UV_RUN_DEFAULT);
    assert_int_equal(tide_loop_free(l), 0);
    assert_int_equal(uv_loop_close(&uv), 0);
    expect_node("loop_embedded_first_tick");
}

/* Freeing an embedded loop with timers still pending closes them too. */
static void test_embedded_free_with_pending(void **state UNUSED) {
    uv_loop_t uv;
    assert_int_equal(uv_loop_init(&uv), 0);
    tide_loop *l = NULL;
    assert_int_equal(tide_loop_new(&l, &uv), 0);
    fired = 0;
    assert_int_equal(tide_timer_start(NULL, 10000, 0, count_cb, NULL), 0);
    /* Repeating, and not due before the free even under valgrind on a busy
     * machine (at 10 ms it sometimes was, and fired). */
    assert_int_equal(tide_timer_start(NULL, 5000, 5000, count_cb, NULL), 0);
    assert_int_equal(tide_immediate_start(NULL, count_cb, NULL), 0);
    tide_val p = tide_sleep(10000);
    uv_run(&uv, UV_RUN_NOWAIT); /* the immediate may run */
    assert_int_equal(tide_loop_free(l), 0);
    tide_release(p); /* its timer is gone; only this reference is left */
    assert_int_equal(uv_loop_close(&uv), 0);
    assert_true(fired <= 1);
}

static void stop_microtask(void *data) { tide_loop_stop((tide_loop *)data); }

/* Freeing a loop that was stopped outside uv_run (before running it, or in
 * the checkpoint tide_loop_run makes before entering libuv) still closes
 * every handle: the program's uv_loop_close succeeds. The libuv loops are
 * static so that, if tide leaves handles behind, nothing dangles on a stack. */
static void test_stop_then_free_closes_handles(void **state UNUSED) {
    static uv_loop_t uv1, uv2;
    tide_loop *l;
    assert_int_equal(uv_loop_init(&uv1), 0);
    assert_int_equal(tide_loop_new(&l, &uv1), 0);
    assert_int_equal(tide_timer_start(NULL, 10, 0, count_cb, NULL), 0);
    tide_loop_stop(l);
    assert_int_equal(tide_loop_free(l), 0);
    int close1 = uv_loop_close(&uv1);

    assert_int_equal(uv_loop_init(&uv2), 0);
    assert_int_equal(tide_loop_new(&l, &uv2), 0);
    fired = 0;
    assert_int_equal(tide_timer_start(NULL, 10, 0, count_cb, NULL), 0);
    assert_int_equal(tide_queue_microtask(stop_microtask, l), 0);
    assert_int_equal(tide_loop_run(l), 0);
    assert_true(tide_loop_stopped(l));
    assert_int_equal(tide_loop_free(l), 0);
    int close2 = uv_loop_close(&uv2);
    print_message("uv_loop_close after stop before run: %d; after stop in the first "
                  "checkpoint: %d\n", close1, close2);
    assert_int_equal(fired, 0);
    assert_int_equal(close1, 0);
    assert_int_equal(close2, 0);
}

/* ---- Bad input ----------------------------------------------------------- */

static void *run_other_thread(void *arg) {
    intptr_t rc = tide_loop_run((tide_loop *)arg);
    return (void *)rc;
}

static void *free_other_thread(void *arg) {
    intptr_t rc = tide_loop_free((tide_loop *)arg);
    return (void *)rc;
}

static void *new_on_thread(void *arg UNUSED) {
    tide_loop *l;
    intptr_t rc = tide_loop_new(&l, NULL);
    if (rc == 0)
        rc = tide_loop_free(l);
    return (void *)rc;
}

static void test_bad_input_no_loop(void **state UNUSED) {
    assert_null(tide_loop_current());
    assert_int_equal(tide_loop_new(NULL, NULL), TIDE_EINVAL);
    assert_int_equal(tide_timer_start(NULL, 1, 0, count_cb, NULL), TIDE_ENOLOOP);
    assert_int_equal(tide_immediate_start(NULL, count_cb, NULL), TIDE_ENOLOOP);
    tide_timer t = {0};
    assert_int_equal(tide_timer_stop(t), TIDE_ENOLOOP);
    assert_int_equal(tide_queue_microtask(count_cb, NULL), TIDE_ENOLOOP);
    assert_int_equal(tide_queue_microtask(NULL, NULL), TIDE_EINVAL);
    assert_int_equal(tide_loop_run(NULL), TIDE_EINVAL);
    assert_int_equal(tide_loop_free(NULL), TIDE_EINVAL);
    assert_null(tide_loop_uv(NULL));
    assert_false(tide_loop_stopped(NULL));
    tide_loop_stop(NULL);
    tide_loop_checkpoint(NULL);
    assert_true(tide_now() == 0);
}

static tide_loop *reentry_loop;
static int reentry_run_rc = 1, reentry_free_rc = 1;
static void reenter_cb(void *data UNUSED) {
    reentry_run_rc = tide_loop_run(reentry_loop);
    reentry_free_rc = tide_loop_free(reentry_loop);
}

static void test_bad_input_with_loop(void **state UNUSED) {
    tide_loop *l = new_loop(), *l2 = (tide_loop *)0x1;
    assert_int_equal(tide_loop_new(&l2, NULL), TIDE_EBUSY);
    assert_null(l2);
    assert_int_equal(tide_timer_start(NULL, 1, 0, NULL, NULL), TIDE_EINVAL);
    assert_int_equal(tide_immediate_start(NULL, NULL, NULL), TIDE_EINVAL);
    assert_int_equal(tide_queue_microtask(NULL, NULL), TIDE_EINVAL);

    /* Out of memory: the call fails and its callback never runs. */
    fired = 0;
    tide_alloc_fail_after(0);
    int rc_timer = tide_timer_start(NULL, 1, 0, count_cb, NULL);
    int rc_micro = tide_queue_microtask(count_cb, NULL);
    tide_alloc_fail_after(-1);
    assert_int_equal(rc_timer, TIDE_ENOMEM);
    assert_int_equal(rc_micro, TIDE_ENOMEM);
    assert_int_equal(tide_loop_run(l), 0);
    assert_int_equal(fired, 0);

    /* From another thread: run and free are refused; that thread may make
     * a loop of its own. */
    pthread_t th;
    void *ret;
    assert_int_equal(pthread_create(&th, NULL, run_other_thread, l), 0);
    pthread_join(th, &ret);
    assert_int_equal((intptr_t)ret, TIDE_ETHREAD);
    assert_int_equal(pthread_create(&th, NULL, free_other_thread, l), 0);
    pthread_join(th, &ret);
    assert_int_equal((intptr_t)ret, TIDE_ETHREAD);
    assert_int_equal(pthread_create(&th, NULL, new_on_thread, NULL), 0);
    pthread_join(th, &ret);
    assert_int_equal((intptr_t)ret, 0);

    /* From inside one of its own callbacks: run and free are refused. */
    reentry_loop = l;
    assert_int_equal(tide_timer_start(NULL, 1, 0, reenter_cb, NULL), 0);
    assert_int_equal(tide_loop_run(l), 0);
    assert_int_equal(reentry_run_rc, TIDE_EBUSY);
    assert_int_equal(reentry_free_rc, TIDE_EBUSY);
    run_and_free(l);
}

/* An empty loop runs and returns at once; tide_now follows libuv's clock. */
static void test_empty_loop_and_now(void **state UNUSED) {
    tide_loop *l = new_loop();
    uint64_t t0 = tide_now();
    assert_int_equal(tide_loop_run(l), 0);
    assert_int_equal(tide_timer_start(NULL, 5, 0, count_cb, NULL), 0);
    assert_int_equal(tide_loop_run(l), 0);
    assert_true(tide_now() >= t0 + 5);
    run_and_free(l);
    assert_string_equal(trace_buf, "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_microtasks_between_same_tick_timers),
        cmocka_unit_test(test_timer_order),
        cmocka_unit_test(test_interval_stopped_in_callback),
        cmocka_unit_test(test_timer_stop_before_fire),
        cmocka_unit_test(test_timer_stale_handle),
        cmocka_unit_test(test_timer_stop_self_oneshot),
        cmocka_unit_test(test_immediate_order),
        cmocka_unit_test(test_immediate_vs_timer),
        cmocka_unit_test(test_microtask_order),
        cmocka_unit_test(test_checkpoint),
        cmocka_unit_test(test_loop_stop),
        cmocka_unit_test(test_embedded_loop),
        cmocka_unit_test(test_embedded_microtasks_before_due_timer),
        cmocka_unit_test(test_embedded_free_with_pending),
        cmocka_unit_test(test_stop_then_free_closes_handles),
        cmocka_unit_test(test_bad_input_no_loop),
        cmocka_unit_test(test_bad_input_with_loop),
        cmocka_unit_test(test_empty_loop_and_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
