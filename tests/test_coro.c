/* coro: context switches, stacks, the pool, guard budget and canaries. */
#include "support.h"

#include <math.h>

#include "coro/coro.h"
#include "coro/stack.h"

typedef struct pingpong {
    tide__coro *main, *co;
    int steps;
    double acc;
} pingpong;

static void ping(void *arg) {
    pingpong *pp = arg;
    for (int i = 0; i < 5; i++) {
        pp->steps++;
        tide__coro_switch(pp->co, pp->main);
    }
}

/* A coroutine runs, suspends back five times, then dies and returns to its
 * resumer; its stack goes back to the pool. */
static void test_switch_back_and_forth(void **state) {
    (void)state;
    pingpong pp = {0};
    tide_coro_stats before, after;
    tide_coro_get_stats(&before);
    pp.main = tide__coro_self();
    pp.co = tide__coro_new(ping, &pp, "ping");
    assert_non_null(pp.co);
    for (int i = 0; i < 6; i++) {
        pp.co->resumer = pp.main;
        tide__coro_switch(pp.main, pp.co);
        assert_int_equal(pp.steps, i < 5 ? i + 1 : 5);
    }
    assert_ptr_equal(tide__coro_self(), pp.main);
    tide_coro_get_stats(&after);
    /* The dead coroutine is reaped when the next one is made. */
    tide__coro *c = tide__coro_new(ping, &pp, "again");
    assert_non_null(c);
    tide__coro_free(c);
    tide_coro_get_stats(&after);
    assert_int_equal(after.live, before.live);
}

static char fmtbuf[64];

static void floats(void *arg) {
    pingpong *pp = arg;
    /* Misaligned stacks crash in printf("%f") (movaps on the stack). */
    snprintf(fmtbuf, sizeof fmtbuf, "%f %.3Lf", sqrt(2.0), (long double)1 / 3);
    pp->acc = sin(0.5) + cos(0.5);
}

static void test_float_and_alignment(void **state) {
    (void)state;
    pingpong pp = {0};
    tide__coro *main = tide__coro_self();
    tide__coro *c = tide__coro_new(floats, &pp, "floats");
    assert_non_null(c);
    c->resumer = main;
    tide__coro_switch(main, c);
    assert_string_equal(fmtbuf, "1.414214 0.333");
    assert_true(fabs(pp.acc - (sin(0.5) + cos(0.5))) < 1e-12);
}

static int depth_reached;

static int recurse(int n) {
    volatile char pad[256];
    pad[0] = (char)n;
    depth_reached = n;
    return n == 0 ? pad[0] : recurse(n - 1) + pad[0];
}

static void deep(void *arg) {
    (void)arg;
    recurse(100); /* ~30 KiB of frames: well inside the default stack */
}

static void test_deep_frames(void **state) {
    (void)state;
    tide__coro *main = tide__coro_self();
    tide__coro *c = tide__coro_new(deep, NULL, "deep");
    assert_non_null(c);
    c->resumer = main;
    tide__coro_switch(main, c);
    assert_int_equal(depth_reached, 0);
}

static void park(void *arg) {
    tide__coro **self = arg;
    tide__coro_switch(*self, tide__coro_main());
}

/* Beyond the guard budget stacks are unguarded (one mapping each, which the
 * kernel can merge) and still work; the pool keeps freed stacks for reuse. */
static void test_guard_budget_and_pool(void **state) {
    (void)state;
    tide_coro_config old, cfg = {0};
    tide_coro_get_config(&old);
    cfg.guard_budget = 8;
    cfg.pool_max = 16;
    assert_int_equal(tide_coro_set_config(&cfg), 0);
    enum { N = 40 };
    tide__coro *cs[N];
    int guarded = 0;
    for (int i = 0; i < N; i++) {
        cs[i] = tide__coro_new(park, &cs[i], "parked");
        assert_non_null(cs[i]);
        cs[i]->resumer = tide__coro_main();
        tide__coro_switch(tide__coro_main(), cs[i]);
        guarded += (cs[i]->flags & TIDE__CORO_GUARDED) != 0;
    }
    assert_true(guarded <= 8);
    assert_true(guarded >= 1);
    tide_coro_stats s;
    tide_coro_get_stats(&s);
    assert_true(s.live >= N);
    /* Let each finish: resume it once more. */
    for (int i = 0; i < N; i++) {
        cs[i]->resumer = tide__coro_main();
        tide__coro_switch(tide__coro_main(), cs[i]);
    }
    tide__coro_pool_drain();
    tide_coro_get_stats(&s);
    assert_int_equal(s.pooled, 0);
    assert_int_equal(s.live, 0);
    cfg.guard_budget = old.guard_budget;
    cfg.pool_max = old.pool_max;
    assert_int_equal(tide_coro_set_config(&cfg), 0);
}

static void test_pool_reuse_costs_no_mapping(void **state) {
    (void)state;
    tide_coro_stats a, b;
    tide__coro *c = tide__coro_new(park, NULL, "x");
    assert_non_null(c);
    tide__coro_free(c);
    tide_coro_get_stats(&a);
    for (int i = 0; i < 100; i++) {
        c = tide__coro_new(park, NULL, "x");
        assert_non_null(c);
        tide__coro_free(c);
    }
    tide_coro_get_stats(&b);
    assert_int_equal(a.created, b.created);
}

/* n stacks taken from the pool, then all given back (at the stack level,
 * where no trim runs unasked), guarded while fewer than 2 are. */
static void burst(int n) {
    tide__coro *cs[300];
    assert_true(n <= 300);
    for (int i = 0; i < n; i++)
        assert_non_null(cs[i] = tide__stack_get(64 * 1024, 2));
    for (int i = 0; i < n; i++)
        tide__stack_put(cs[i]);
}

/* The pool keeps every freed stack, past the floor, while the program keeps
 * using them; a trim gives back only what went unused since the previous
 * one. */
static void test_pool_keeps_then_trims(void **state) {
    (void)state;
    enum { KEEP = 4 };
    tide__coro_pool_drain();
    tide_coro_stats a, b;
    burst(300);
    tide_coro_get_stats(&a);
    assert_true(a.pooled >= 300); /* far past the floor: kept */
    burst(300);
    tide_coro_get_stats(&b);
    assert_int_equal(b.created, a.created); /* all reused: no new mapping */

    tide__stack_trim(KEEP); /* used since the last trim (the drain): kept */
    tide_coro_get_stats(&b);
    assert_int_equal(b.pooled, a.pooled);
    burst(300);
    assert_true(tide__stack_trim(KEEP) > KEEP); /* used again in between: kept */
    tide_coro_get_stats(&b);
    assert_int_equal(b.pooled, a.pooled);

    assert_true(tide__stack_trim(KEEP) <= KEEP); /* unused for a whole interval: given back */
    tide_coro_get_stats(&b);
    assert_true(b.pooled <= KEEP);
}

/* The process-wide count of guarded stacks stays exact when a pooled one of
 * an old size is given back for a new one (it used to lose one per swap,
 * and wrap below zero at the drain, leaving no guarded stacks at all). */
static void test_guard_count_across_size_change(void **state) {
    (void)state;
    tide_coro_config old, cfg = {0};
    tide_coro_get_config(&old);
    tide__coro_pool_drain();
    tide_coro_stats s;
    tide_coro_get_stats(&s);
    size_t g0 = s.guarded;
    tide__coro *c = tide__coro_new(park, NULL, "a");
    assert_non_null(c);
    assert_true(c->flags & TIDE__CORO_GUARDED);
    tide__coro_free(c); /* pooled, still counted */
    cfg.stack_size = old.stack_size * 2;
    assert_int_equal(tide_coro_set_config(&cfg), 0);
    c = tide__coro_new(park, NULL, "b"); /* the pooled one goes, a new one comes */
    assert_non_null(c);
    tide_coro_get_stats(&s);
    assert_int_equal(s.guarded, g0 + 1);
    tide__coro_free(c);
    tide__coro_pool_drain();
    tide_coro_get_stats(&s);
    assert_int_equal(s.guarded, g0);
    cfg.stack_size = old.stack_size;
    assert_int_equal(tide_coro_set_config(&cfg), 0);
}

static void test_config_errors(void **state) {
    (void)state;
    assert_int_equal(tide_coro_set_config(NULL), TIDE_EINVAL);
    tide_coro_config c = {.stack_size = 1024};
    assert_int_equal(tide_coro_set_config(&c), TIDE_EINVAL);
    tide_coro_config got;
    tide_coro_get_config(&got);
    assert_true(got.stack_size >= 16 * 1024);
}

/* Fault injection reaches stack creation too. */
static void test_stack_allocation_failure(void **state) {
    (void)state;
    tide__coro_pool_drain();
    tide_alloc_fail_after(0);
    tide__coro *c = tide__coro_new(park, NULL, "nomem");
    long failures = tide_alloc_failures();
    tide_alloc_fail_after(-1);
    assert_null(c);
    assert_int_equal(failures, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_switch_back_and_forth),
        cmocka_unit_test(test_float_and_alignment),
        cmocka_unit_test(test_deep_frames),
        cmocka_unit_test(test_guard_budget_and_pool),
        cmocka_unit_test(test_pool_reuse_costs_no_mapping),
        cmocka_unit_test(test_pool_keeps_then_trims),
        cmocka_unit_test(test_guard_count_across_size_change),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_stack_allocation_failure),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tide__coro_pool_drain();
    return rc;
}
