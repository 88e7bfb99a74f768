/* Fault injection: representative programs run with the k-th allocation
 * failing, for k = 0, 1, 2, ... until a run completes with nothing injected.
 * Every run must end — no crash, no hang — with either the normal outcome or
 * the failure surfaced as TIDE_ENOMEM (a rejected promise or an error code);
 * the sanitizer and valgrind runs of this suite check nothing leaks. */
#include "support.h"

#include <uv.h>

#include "val/alloc.h"

#define UNUSED __attribute__((unused))

/* ---- The programs ----------------------------------------------------- */

static int add_one(void *data UNUSED, tide_val v, tide_val *out) {
    *out = tide_int(tide_get_int(v) + 1);
    return 0;
}

/* A promise chain: then × 5, awaited. Expected 6. */
static int chain(void *arg UNUSED, tide_val *out) {
    tide_val p = tide_promise_resolved(tide_int(1));
    for (int i = 0; i < 5; i++)
        p = tide_promise_then(p, add_one, NULL, NULL);
    return tide_await(p, out);
}

static int counter(tide_gen *g, void *arg UNUSED, tide_val *out) {
    int rc = 0;
    for (int i = 1; i <= 5 && rc == 0; i++) {
        tide_val v;
        if ((rc = tide_await(tide_sleep(1), &v)) < 0) {
            *out = v;
            return rc;
        }
        rc = tide_yield(g, tide_int(i), out);
    }
    if (rc == 0)
        *out = tide_undefined();
    return rc;
}

/* An async generator consumed by for await, left with break. Expected 6. */
static int gen_break(void *arg UNUSED, tide_val *out) {
    long sum = 0;
    int rc;
    tide_val v;
    tide_for_await (v, tide_async_gen(counter, NULL), &rc, out) {
        sum += tide_get_int(v);
        if (tide_get_int(v) == 3)
            break;
    }
    if (rc < 0)
        return rc;
    *out = tide_int(sum);
    return 0;
}

/* Promise.all over ten promises, some pending on timers. Expected 45. */
static int all_ten(void *arg UNUSED, tide_val *out) {
    tide_val items[10];
    for (int i = 0; i < 10; i++)
        items[i] = i % 3 ? tide_promise_resolved(tide_int(i))
                         : tide_promise_then(tide_sleep(1), NULL, NULL, NULL);
    tide_val arr;
    int rc = tide_await(tide_promise_all(items, 10), &arr);
    if (rc < 0)
        return *out = arr, rc;
    long sum = 0;
    for (size_t i = 0; i < tide_array_len(arr); i++)
        sum += tide_get_int(tide_array_get(arr, i));
    tide_release(arr);
    *out = tide_int(sum); /* the timer slots fulfil with undefined: 27 */
    return 0;
}

/* A timer cancelled through an abort signal. Expected TIDE_ECANCELED seen. */
static int cancelled_timer(void *arg UNUSED, tide_val *out) {
    tide_val ac = tide_abort_controller_new();
    if (tide_is_error(ac))
        return *out = ac, tide_error_code(ac);
    tide_val sig = tide_abort_controller_signal(ac);
    tide_val p = tide_sleep_signal(1000, sig);
    tide_release(sig);
    tide_abort_controller_abort(ac, tide_undefined());
    tide_release(ac);
    int rc = tide_await(p, out);
    if (rc != TIDE_ECANCELED)
        return rc < 0 ? rc : TIDE_EINVAL; /* the reason (ENOMEM) passes on */
    tide_release(*out);
    *out = tide_int(1);
    return 0;
}

/* ---- The harness ------------------------------------------------------ */

typedef struct outcome {
    int runs, normal, enomem;
} outcome;

/* Runs fn with the k-th allocation failing for every k until one run has
 * no failure injected; each run must give `expect` or TIDE_ENOMEM. */
static outcome sweep(tide_async_fn fn, int64_t expect) {
    outcome o = {0};
    for (long k = 0; k < 100000; k++) {
        tide_loop *loop;
        tide_alloc_fail_after(k);
        int rc = tide_loop_new(&loop, NULL);
        if (rc != 0) {
            tide_alloc_fail_after(-1);
            assert_int_equal(rc, TIDE_ENOMEM);
            o.runs++;
            o.enomem++;
            continue;
        }
        tide_val p = tide_async(fn, NULL);
        tide_loop_run(loop);
        long failures = tide_alloc_failures();
        tide_alloc_fail_after(-1);
        tide_state st = tide_promise_state(p);
        tide_val r = tide_promise_result(p);
        o.runs++;
        if (st == TIDE_FULFILLED && tide_get_int(r) == expect) {
            o.normal++;
        } else {
            /* Anything else must be the injected failure, surfaced. */
            int code = tide_error_code(r);
            if (code != TIDE_ENOMEM) {
                char b[128];
                fprintf(stderr, "k=%ld: state %d result %s\n", k, st, tide_format(r, b, sizeof b));
            }
            assert_int_not_equal(st, TIDE_PENDING);
            assert_int_equal(code, TIDE_ENOMEM);
            o.enomem++;
        }
        tide_release(p);
        assert_int_equal(tide_loop_free(loop), 0);
        if (failures == 0)
            break; /* nothing left to inject into */
    }
    assert_true(o.normal >= 1);
    return o;
}

static void promise_chain(void **state UNUSED) {
    outcome o = sweep(chain, 6);
    assert_true(o.enomem > 3);
}

static void async_generator_with_break(void **state UNUSED) {
    outcome o = sweep(gen_break, 6);
    assert_true(o.enomem > 5);
}

static void all_over_ten(void **state UNUSED) {
    outcome o = sweep(all_ten, 27);
    assert_true(o.enomem > 5);
}

static void cancelled(void **state UNUSED) {
    outcome o = sweep(cancelled_timer, 1);
    assert_true(o.enomem > 2);
}

/* libuv's allocations meet fault injection where libuv reports the failure
 * (uv_getaddrinfo: UV_ENOMEM), and only there: elsewhere libuv aborts on
 * some failures. (A NULL callback makes uv_getaddrinfo synchronous.) */
static void libuv_allocations(void **state UNUSED) {
    tide_loop *loop;
    assert_int_equal(tide_loop_new(&loop, NULL), 0); /* libuv now allocates through tide */
    uv_getaddrinfo_t req;
    tide_alloc_fail_after(0);
    tide__uv_fallible(true);
    int rc = uv_getaddrinfo(tide_loop_uv(loop), &req, NULL, "localhost", NULL, NULL);
    tide__uv_fallible(false);
    long failures = tide_alloc_failures();
    tide_alloc_fail_after(-1);
    assert_int_equal(rc, UV_ENOMEM);
    assert_int_equal(failures, 1);

    tide_alloc_fail_after(0);
    rc = uv_getaddrinfo(tide_loop_uv(loop), &req, NULL, "localhost", NULL, NULL);
    failures = tide_alloc_failures();
    tide_alloc_fail_after(-1);
    assert_int_equal(rc, 0);
    assert_int_equal(failures, 0);
    uv_freeaddrinfo(req.addrinfo);
    assert_int_equal(tide_loop_free(loop), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(promise_chain),
        cmocka_unit_test(async_generator_with_break),
        cmocka_unit_test(all_over_ten),
        cmocka_unit_test(cancelled),
        cmocka_unit_test(libuv_allocations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
