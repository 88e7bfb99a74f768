/* Cancellation: abort signals, cancellable tasks and their children, sleeps
 * that stop their timers, for await closing its iterator, deadlines, misuse.
 * JavaScript cannot cancel an async function from outside, so most of this
 * has no Node twin; the AbortSignal parts follow the web platform. */
#include <pthread.h>
#include <semaphore.h>
#include <uv.h>

#include "support.h"

#define UNUSED __attribute__((unused))

/* Active libuv timers of the loop, not counting the ones a test keeps. */
static void count_timer(uv_handle_t *h, void *arg) {
    if (h->type == UV_TIMER && uv_is_active(h))
        (*(int *)arg)++;
}

static int active_timers(void) {
    int n = 0;
    uv_walk(tide_loop_uv(tide_loop_current()), count_timer, &n);
    return n;
}

/* ---- The pipeline: cancel at each await point -------------------------- */

/* An async generator awaiting three timers, one per item; before each await
 * it tells the test where it is, so that the test can abort right there. */
typedef struct pipeline {
    int cancel_at;      /* the await point to abort at */
    tide_val reached;   /* resolved when the generator reaches it */
    tide_val ctrl;      /* the consumer task's controller */
    int cleanups;       /* how often the generator's clean-up ran */
    int timers_after;   /* active timers once the consumer task settled */
    int items;
    int status;         /* the consumer task's outcome */
} pipeline;

static pipeline pl;

static int source(tide_gen *g, void *arg UNUSED, tide_val *out) {
    int rc = 0;
    for (int i = 0; i < 3 && rc == 0; i++) {
        if (i == pl.cancel_at)
            tide_promise_resolve(pl.reached, tide_int(i));
        tide_val v;
        rc = tide_await(tide_sleep(20), &v);
        if (rc < 0) {
            *out = v;
            break;
        }
        rc = tide_yield(g, tide_int(i), out);
    }
    pl.cleanups++; /* the generator's `finally` */
    if (rc == 0)
        *out = tide_undefined();
    return rc;
}

static int consumer(void *arg UNUSED, tide_val *out) {
    tide_val v;
    int rc;
    tide_for_await (v, tide_async_gen(source, NULL), &rc, out) {
        pl.items++;
        tide_val w;
        if ((rc = tide_await(tide_sleep(1), &w)) < 0)
            tide_for_await_throw(rc, w); /* the loop body's own await, cancelled */
        tide_release(w);
    }
    return rc;
}

static int canceller(void *arg UNUSED, tide_val *out) {
    tide_val sig = tide_abort_controller_signal(pl.ctrl);
    tide_val task = tide_async_signal(consumer, NULL, sig);
    tide_release(sig);
    tide_val at;
    tide_await(tide_retain(pl.reached), &at);
    tide_release(at);
    tide_abort_controller_abort(pl.ctrl, tide_undefined());
    tide_val r;
    pl.status = tide_await(task, &r);
    tide_release(r);
    pl.timers_after = active_timers();
    *out = tide_undefined();
    return 0;
}

static void pipeline_cancelled_at_each_await(void **state UNUSED) {
    for (int k = 0; k < 3; k++) {
        memset(&pl, 0, sizeof pl);
        pl.cancel_at = k;
        tide_loop *loop;
        assert_int_equal(tide_loop_new(&loop, NULL), 0);
        pl.reached = tide_promise_new();
        pl.ctrl = tide_abort_controller_new();
        tide_val p = tide_async(canceller, NULL);
        assert_int_equal(tide_loop_run(loop), 0);
        assert_int_equal(tide_promise_state(p), TIDE_FULFILLED);
        tide_release(p);
        tide_release(pl.reached);
        tide_release(pl.ctrl);
        assert_int_equal(tide_loop_free(loop), 0);
        assert_int_equal(pl.status, TIDE_ECANCELED);
        assert_int_equal(pl.cleanups, 1);
        assert_int_equal(pl.timers_after, 0);
        assert_int_equal(pl.items, k);
        tide_coro_stats s;
        tide_coro_get_stats(&s);
        assert_int_equal(s.live, 0);
    }
}

/* ---- Children inherit the signal; a task can opt out ------------------- */

static int child_status[2];

static int child(void *arg, tide_val *out) {
    int rc = tide_await(tide_sleep(50), out);
    child_status[(intptr_t)arg] = rc;
    return rc;
}

static int parent(void *arg UNUSED, tide_val *out) {
    tide_val a = tide_async(child, (void *)0);                      /* inherits */
    tide_val b = tide_async_signal(child, (void *)1, tide_undefined()); /* opts out */
    tide_val r, rb;
    int rc = tide_await(a, &r); /* cut short: the parent's own wait is cancelled */
    tide_await(b, &rb);         /* and so is every later one */
    tide_release(rb);
    if (rc < 0)
        return *out = r, rc;    /* pass the reason on */
    tide_release(r);
    return *out = tide_undefined(), 0;
}

static int cancel_parent(void *arg UNUSED, tide_val *out) {
    tide_val ac = tide_abort_controller_new(), sig = tide_abort_controller_signal(ac);
    tide_val p = tide_async_signal(parent, NULL, sig);
    tide_release(sig);
    tide_val r;
    tide_await(tide_sleep(5), &r);
    tide_abort_controller_abort(ac, tide_str_new("stop"));
    int rc = tide_await(p, &r);
    trace("parent %s %s", tide_err_name(rc), show(r));
    tide_release(r);
    tide_release(ac);
    *out = tide_undefined();
    return 0;
}

static void children_inherit_and_can_opt_out(void **state UNUSED) {
    trace_reset();
    child_status[0] = child_status[1] = 1;
    assert_int_equal(run_async(cancel_parent, NULL, NULL, 0), TIDE_FULFILLED);
    assert_int_equal(child_status[0], TIDE_ECANCELED);
    assert_int_equal(child_status[1], 0);
    /* The custom reason reaches the body, which passes it on. */
    assert_string_equal(trace_buf, "parent TIDE_EREJECTED stop\n");
}

/* ---- Tasks cancelled while their immediates are queued ------------------ */

/* The immediate phase prepares the records ahead of the one it runs (it
 * reads the promise each awaits, the task that awaits it and that task's
 * stack): tasks cancelled, finished and replaced by new ones on the same
 * stacks while their immediates wait must leave it nothing stale to read
 * (ASan and valgrind run this too). */
enum { HOPPERS = 64, HOPS = 40 };

static struct {
    tide_val ctrl[HOPPERS];
    int hops[HOPPERS];
    int status[HOPPERS];
    int late_hops; /* by the tasks started after the cancellations */
} hq;

static int hopper(void *arg, tide_val *out) {
    intptr_t i = (intptr_t)arg;
    for (int k = 0; k < HOPS; k++) {
        int rc = tide_await(tide_immediate(), out);
        if (rc < 0)
            return hq.status[i] = rc;
        tide_release(*out);
        hq.hops[i]++;
    }
    *out = tide_undefined();
    return 0;
}

static int late_hopper(void *arg UNUSED, tide_val *out) {
    for (int k = 0; k < HOPS; k++) {
        if (tide_await(tide_immediate(), out) < 0)
            return -1;
        tide_release(*out);
        hq.late_hops++;
    }
    *out = tide_undefined();
    return 0;
}

static int hop_killer(void *arg UNUSED, tide_val *out) {
    tide_val late[HOPPERS / 3 + 1];
    int nlate = 0;
    for (int k = 0; k < 5; k++)
        tide_await(tide_immediate(), NULL);
    /* In the immediate phase, with the hoppers' immediates queued after. */
    for (int i = 0; i < HOPPERS; i += 3) {
        tide_abort_controller_abort(hq.ctrl[i], tide_undefined());
        late[nlate++] = tide_async(late_hopper, NULL);
    }
    for (int i = 0; i < nlate; i++)
        tide_await(late[i], NULL);
    *out = tide_undefined();
    return 0;
}

static int hoppers_main(void *arg UNUSED, tide_val *out) {
    tide_val ps[HOPPERS + 1];
    for (int i = 0; i < HOPPERS; i++) {
        hq.ctrl[i] = tide_abort_controller_new();
        tide_val sig = tide_abort_controller_signal(hq.ctrl[i]);
        ps[i] = tide_async_signal(hopper, (void *)(intptr_t)i, sig);
        tide_release(sig);
    }
    ps[HOPPERS] = tide_async(hop_killer, NULL);
    tide_await(tide_promise_all_settled(ps, HOPPERS + 1), NULL); /* takes ps' references */
    for (int i = 0; i < HOPPERS; i++)
        tide_release(hq.ctrl[i]);
    *out = tide_undefined();
    return 0;
}

static void tasks_cancelled_while_their_immediates_wait(void **state UNUSED) {
    memset(&hq, 0, sizeof hq);
    assert_int_equal(run_async(hoppers_main, NULL, NULL, 0), TIDE_FULFILLED);
    for (int i = 0; i < HOPPERS; i++) {
        if (i % 3 == 0) {
            assert_int_equal(hq.status[i], TIDE_ECANCELED);
            assert_true(hq.hops[i] < HOPS);
        } else {
            assert_int_equal(hq.status[i], 0);
            assert_int_equal(hq.hops[i], HOPS);
        }
    }
    assert_int_equal(hq.late_hops, (HOPPERS / 3 + 1) * HOPS);
    tide_coro_stats st;
    tide_coro_get_stats(&st);
    assert_int_equal(st.live, 0);
}

/* ---- Signals ------------------------------------------------------------ */

static int heard;
static void listener(void *data, tide_val reason) {
    heard++;
    trace("listener %s %s", (const char *)data, show(reason));
}

static void abort_twice_keeps_first_reason(void **state UNUSED) {
    tide_loop *loop;
    trace_reset();
    heard = 0;
    assert_int_equal(tide_loop_new(&loop, NULL), 0);
    tide_val ac = tide_abort_controller_new(), s = tide_abort_controller_signal(ac);
    assert_int_equal(tide_abort_signal_on_abort(s, listener, "a"), 0);
    assert_int_equal(tide_abort_signal_on_abort(s, listener, "b"), 0);
    assert_int_equal(tide_abort_signal_on_abort(s, listener, "c"), 0);
    assert_int_equal(tide_abort_signal_off(s, listener, "b"), 0);
    assert_int_equal(tide_abort_signal_off(s, listener, "b"), TIDE_ENOENT);
    assert_false(tide_abort_signal_aborted(s));
    assert_int_equal(tide_abort_controller_abort(ac, tide_str_new("first")), 0);
    assert_int_equal(tide_abort_controller_abort(ac, tide_str_new("second")), TIDE_EALREADY);
    assert_true(tide_abort_signal_aborted(s));
    assert_string_equal(tide_str(tide_abort_signal_reason(s)), "first");
    assert_int_equal(tide_abort_signal_on_abort(s, listener, "late"), TIDE_EALREADY);
    assert_string_equal(trace_buf, "listener a first\nlistener c first\n");
    /* Default reason: a TIDE_ECANCELED error. */
    tide_val ac2 = tide_abort_controller_new(), s2 = tide_abort_controller_signal(ac2);
    tide_abort_controller_abort(ac2, tide_undefined());
    assert_int_equal(tide_error_code(tide_abort_signal_reason(s2)), TIDE_ECANCELED);
    tide_release(s);
    tide_release(ac);
    tide_release(s2);
    tide_release(ac2);
    assert_int_equal(tide_loop_free(loop), 0);
}

static int timeout_main(void *arg UNUSED, tide_val *out) {
    tide_val t = tide_abort_signal_timeout(10);
    tide_val ac = tide_abort_controller_new(), s = tide_abort_controller_signal(ac);
    tide_val both[2] = {s, t};
    tide_val any = tide_abort_signal_any(both, 2);
    tide_val r;
    int rc = tide_await(tide_sleep_signal(1000, any), &r);
    trace("sleep %s %s", tide_err_name(rc), tide_err_name(tide_error_code(r)));
    tide_release(r);
    trace("status %s", tide_err_name(tide_abort_signal_status(any)));
    trace("controller's signal aborted: %d", tide_abort_signal_aborted(s));
    tide_release(any);
    tide_release(t);
    tide_release(s);
    tide_release(ac);
    *out = tide_undefined();
    return 0;
}

/* AbortSignal.timeout and any(): the sleep ends with the timeout's error. */
static void timeout_and_any_signals(void **state UNUSED) {
    trace_reset();
    assert_int_equal(run_async(timeout_main, NULL, NULL, 0), TIDE_FULFILLED);
    assert_string_equal(trace_buf, "sleep TIDE_ETIMEDOUT TIDE_ETIMEDOUT\n"
                                   "status TIDE_ETIMEDOUT\n"
                                   "controller's signal aborted: 0\n");
}

/* A task whose signal times out: its await returns TIDE_ETIMEDOUT. */
static int slow_task(void *arg UNUSED, tide_val *out) { return tide_await(tide_sleep(1000), out); }

static int deadline_main(void *arg UNUSED, tide_val *out) {
    tide_val t = tide_abort_signal_timeout(5);
    tide_val p = tide_async_signal(slow_task, NULL, t);
    tide_release(t);
    tide_val r;
    int rc = tide_await(p, &r);
    trace("task %s %s", tide_err_name(rc), tide_err_name(tide_error_code(r)));
    tide_release(r);
    /* tide_timeout: the promise first, then the timer first. */
    rc = tide_await(tide_timeout(tide_sleep(1), 50), &r);
    trace("fast %s", tide_err_name(rc));
    tide_release(r);
    rc = tide_await(tide_timeout(tide_promise_new(), 5), &r);
    trace("slow %s", tide_err_name(rc));
    tide_release(r);
    *out = tide_undefined();
    return 0;
}

static void deadlines(void **state UNUSED) {
    trace_reset();
    assert_int_equal(run_async(deadline_main, NULL, NULL, 0), TIDE_FULFILLED);
    assert_string_equal(trace_buf, "task TIDE_ETIMEDOUT TIDE_ETIMEDOUT\nfast 0\nslow TIDE_ETIMEDOUT\n");
}

/* Cancelling a settled task does nothing; a shielded clean-up still waits. */
static int quick(void *arg UNUSED, tide_val *out) { return *out = tide_int(1), 0; }

static int shielded(void *arg UNUSED, tide_val *out) {
    int rc = tide_await(tide_sleep(1000), out);
    if (rc != TIDE_ECANCELED)
        return rc;
    tide_release(*out);
    bool was = tide_task_shield(true);
    rc = tide_await(tide_sleep(2), out); /* a clean-up that must wait */
    tide_task_shield(was);
    trace("shielded clean-up waited: %s", tide_err_name(rc));
    tide_release(*out);
    rc = tide_await(tide_sleep(2), out); /* unshielded again: cut short */
    trace("then: %s", tide_err_name(rc));
    return rc;
}

static int settled_main(void *arg UNUSED, tide_val *out) {
    tide_val ac = tide_abort_controller_new(), s = tide_abort_controller_signal(ac), r;
    tide_val p = tide_async_signal(quick, NULL, s);
    tide_abort_controller_abort(ac, tide_undefined());
    trace("settled task %s", tide_promise_state(p) == TIDE_FULFILLED ? "fulfilled" : "changed");
    tide_release(p);
    tide_release(s);
    tide_release(ac);
    ac = tide_abort_controller_new();
    s = tide_abort_controller_signal(ac);
    p = tide_async_signal(shielded, NULL, s);
    tide_await(tide_sleep(1), &r);
    tide_abort_controller_abort(ac, tide_undefined());
    tide_await(p, &r);
    tide_release(r);
    tide_release(s);
    tide_release(ac);
    *out = tide_undefined();
    return 0;
}

static void settled_tasks_and_shields(void **state UNUSED) {
    trace_reset();
    assert_int_equal(run_async(settled_main, NULL, NULL, 0), TIDE_FULFILLED);
    assert_string_equal(trace_buf, "settled task fulfilled\nshielded clean-up waited: 0\n"
                                   "then: TIDE_ECANCELED\n");
}

/* ---- A task that cancels itself on its fast paths ------------------------ */

/* Nothing the task waits on is pending here: a for await over a generator
 * that yields plain values (whose steps hand values over directly) and
 * awaits of settled promises (which end in place). Cancelling must still
 * end the next wait, as it does one that suspends. */
static tide_val self_ctrl;
static int self_cleanups;

static int ten(tide_gen *g, void *arg UNUSED, tide_val *out) {
    int rc = 0;
    for (int i = 0; i < 10 && rc == 0; i++)
        rc = tide_yield(g, tide_int(i), out);
    self_cleanups++;
    if (rc == 0)
        *out = tide_undefined();
    return rc;
}

static int self_canceller(void *arg UNUSED, tide_val *out) {
    tide_val v;
    int rc, items = 0;
    tide_for_await (v, tide_async_gen(ten, NULL), &rc, out) {
        if (++items == 4)
            tide_abort_controller_abort(self_ctrl, tide_undefined());
    }
    trace("loop %s after %d items, clean-ups %d", tide_err_name(rc), items, self_cleanups);
    tide_release(*out);
    bool was = tide_task_shield(true);
    rc = tide_await(tide_promise_resolved(tide_int(1)), out);
    trace("shielded %s", tide_err_name(rc));
    tide_release(*out);
    tide_task_shield(was); /* cancelled again from here */
    rc = tide_await(tide_promise_resolved(tide_int(2)), out);
    trace("unshielded %s", tide_err_name(rc));
    return rc;
}

static int self_cancel_main(void *arg UNUSED, tide_val *out) {
    self_ctrl = tide_abort_controller_new();
    tide_val s = tide_abort_controller_signal(self_ctrl), r;
    tide_val p = tide_async_signal(self_canceller, NULL, s);
    tide_release(s);
    trace("task %s", tide_err_name(tide_await(p, &r)));
    tide_release(r);
    tide_release(self_ctrl);
    *out = tide_undefined();
    return 0;
}

static void cancelled_on_fast_paths(void **state UNUSED) {
    trace_reset();
    self_cleanups = 0;
    assert_int_equal(run_async(self_cancel_main, NULL, NULL, 0), TIDE_FULFILLED);
    assert_string_equal(trace_buf, "loop TIDE_ECANCELED after 4 items, clean-ups 1\n"
                                   "shielded 0\nunshielded TIDE_ECANCELED\ntask TIDE_ECANCELED\n");
}

/* ---- Misuse ------------------------------------------------------------- */

static tide_val foreign_ctrl;
static sem_t made, tested;

/* Another thread's loop and controller, freed on that thread once the main
 * thread has tried to use them. */
static void *other_thread(void *arg UNUSED) {
    tide_loop *loop;
    tide_loop_new(&loop, NULL);
    foreign_ctrl = tide_abort_controller_new();
    sem_post(&made);
    sem_wait(&tested);
    tide_release(foreign_ctrl);
    tide_loop_free(loop);
    return NULL;
}

static int swallow(void *data UNUSED, tide_val v UNUSED, tide_val *out UNUSED) { return 0; }

static void misuse(void **state UNUSED) {
    tide_loop *loop;
    assert_int_equal(tide_loop_new(&loop, NULL), 0);
    assert_int_equal(tide_abort_controller_abort(tide_undefined(), tide_str_new("x")), TIDE_EINVAL);
    tide_val e = tide_abort_controller_signal(tide_int(3));
    assert_int_equal(tide_error_code(e), TIDE_ETYPE);
    tide_release(e);
    assert_int_equal(tide_abort_signal_on_abort(tide_null(), listener, NULL), TIDE_EINVAL);
    assert_false(tide_abort_signal_aborted(tide_int(1)));
    tide_val p = tide_async_signal(quick, NULL, tide_int(5)); /* not a signal */
    assert_int_equal(tide_error_code(tide_promise_result(p)), TIDE_EINVAL);
    tide_release(tide_promise_catch(p, swallow, NULL));
    /* Aborting another thread's controller. */
    pthread_t th;
    sem_init(&made, 0, 0);
    sem_init(&tested, 0, 0);
    pthread_create(&th, NULL, other_thread, NULL);
    sem_wait(&made);
    int rc = tide_abort_controller_abort(foreign_ctrl, tide_undefined());
    sem_post(&tested);
    pthread_join(th, NULL);
    assert_int_equal(rc, TIDE_ETHREAD);
    assert_int_equal(tide_loop_run(loop), 0);
    assert_int_equal(tide_loop_free(loop), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipeline_cancelled_at_each_await),
        cmocka_unit_test(children_inherit_and_can_opt_out),
        cmocka_unit_test(tasks_cancelled_while_their_immediates_wait),
        cmocka_unit_test(abort_twice_keeps_first_reason),
        cmocka_unit_test(timeout_and_any_signals),
        cmocka_unit_test(deadlines),
        cmocka_unit_test(settled_tasks_and_shields),
        cmocka_unit_test(cancelled_on_fast_paths),
        cmocka_unit_test(misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
