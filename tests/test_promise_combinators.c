/* Promise combinators against Node (all, allSettled, race, any and their
 * *_array forms), and the promise layer under allocation failure.
 * Helpers and their JavaScript twins: promise_support.h.
 */
#include "promise_support.h"

/* String(v) of allSettled's result: "ok:1,err:2". */
static const char *records(tide_val arr) {
    static char buf[512];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < tide_array_len(arr) && n < sizeof buf; i++) {
        tide_val r = tide_array_get(arr, i);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s%s", i ? "," : "",
                              tide_settled_rejected(r) ? "err:" : "ok:", S(tide_settled_value(r)));
    }
    return buf;
}

static int h_records(void *data, tide_val v, tide_val *out) {
    (void)out;
    trace("%s %s", (const char *)data, records(v));
    return 0;
}
static int h_len(void *data, tide_val v, tide_val *out) {
    (void)out;
    trace("%s %zu", (const char *)data, tide_array_len(v));
    return 0;
}
/* aggregate(name): "name AggregateError [reasons]". */
static int h_aggregate(void *data, tide_val e, tide_val *out) {
    (void)out;
    trace("%s %s [%s]", (const char *)data, ename(e), S(tide_error_errors(e)));
    return 0;
}

#define ITEMS(...) (tide_val[]){__VA_ARGS__}, sizeof((tide_val[]){__VA_ARGS__}) / sizeof(tide_val)
#define R(i) tide_promise_resolved(tide_int(i))
#define J(i) tide_promise_rejected(tide_int(i))

/* ==== 5. Combinators ==================================================== */

/* all: values in input order once all fulfil (plain, resolved, later and
 * thenable inputs), else the first rejection; all([]) fulfils at once. */
static void test_all(void **state) {
    (void)state;
    begin();
    drop(L(tide_promise_all(ITEMS(tide_int(1), R(2), later(5, 3), thenable(TH_SYNC))), "all"));
    drop(LC(tide_promise_all(ITEMS(later(20, 4), J(5), J(6))), "all-rejected"));
    drop(L(tide_promise_all(ITEMS(R(7), tide_int(8))), "all-quick"));
    drop(tide_promise_then(tide_promise_all(NULL, 0), h_len, NULL, "all-empty"));
    witness(5, 0, NULL, NULL);
    run();
    end();
    expect_node("promise_all");
}

/* allSettled: one record per input, in input order, once all settle. */
static void test_all_settled(void **state) {
    (void)state;
    begin();
    drop(tide_promise_then(tide_promise_all_settled(ITEMS(tide_int(1), J(2), later(5, 3),
                                                          later_fail(10, 4), thenable(TH_SYNC))),
                           h_records, NULL, "allSettled"));
    drop(tide_promise_then(tide_promise_all_settled(ITEMS(R(5))), h_records, NULL,
                           "allSettled-quick"));
    drop(tide_promise_then(tide_promise_all_settled(NULL, 0), h_len, NULL, "allSettled-empty"));
    witness(4, 0, NULL, NULL);
    run();
    end();
    expect_node("promise_all_settled");
}

/* race: settles like the first input to settle; race([]) stays pending. */
static void test_race(void **state) {
    (void)state;
    begin();
    drop(L(tide_promise_race(ITEMS(later(20, 1), later(5, 2))), "race-timers"));
    drop(LC(tide_promise_race(ITEMS(later(10, 3), J(4))), "race-rejected"));
    drop(L(tide_promise_race(ITEMS(tide_int(5), R(6))), "race-plain"));
    tide_val empty = tide_promise_race(NULL, 0);
    drop(L(tide_retain(empty), "race-empty"));
    tide_timer_start(NULL, 30, 0, cb_trace, "end");
    witness(3, 0, NULL, NULL);
    run();
    assert_int_equal(tide_promise_state(empty), TIDE_PENDING);
    drop(empty);
    end();
    expect_node("promise_race");
}

/* any: the first fulfilment; all rejected: an AggregateError whose errors
 * are the reasons in input order; any([]) rejects at once, errors empty. */
static void test_any(void **state) {
    (void)state;
    begin();
    drop(L(tide_promise_any(ITEMS(J(1), later(5, 2), later_fail(10, 3))), "any"));
    tide_val agg = tide_promise_any(ITEMS(J(4), later_fail(15, 5)));
    drop(tide_promise_catch(tide_retain(agg), h_aggregate, "any-rejected"));
    tide_val empty = tide_promise_any(NULL, 0);
    drop(tide_promise_catch(tide_retain(empty), h_aggregate, "any-empty"));
    drop(L(tide_promise_any(ITEMS(J(7), R(6))), "any-quick"));
    witness(3, 0, NULL, NULL);
    run();
    tide_val e = tide_promise_result(agg);
    assert_int_equal(tide_error_code(e), TIDE_EAGGREGATE);
    assert_int_equal(tide_array_len(tide_error_errors(e)), 2);
    assert_int_equal(tide_get_int(tide_array_get(tide_error_errors(e), 1)), 5);
    e = tide_promise_result(empty);
    assert_int_equal(tide_error_code(e), TIDE_EAGGREGATE);
    assert_true(tide_is_array(tide_error_errors(e)));
    assert_int_equal(tide_array_len(tide_error_errors(e)), 0);
    drop(agg), drop(empty);
    end();
    expect_node("promise_any");
}

static tide_val array_of(tide_val *items, size_t n) {
    tide_val a = tide_array_new(n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tide_array_push(a, items[i]), 0);
    return a;
}

/* The *_array forms: the four combinators over one shared array (borrowed;
 * its elements stay the array's). */
static void test_combinators_array(void **state) {
    (void)state;
    begin();
    tide_val items = array_of(ITEMS(tide_int(1), R(2), later(5, 3)));
    drop(L(tide_promise_all_array(items), "all"));
    drop(tide_promise_then(tide_promise_all_settled_array(items), h_records, NULL, "allSettled"));
    drop(L(tide_promise_race_array(items), "race"));
    drop(L(tide_promise_any_array(items), "any"));
    tide_val bad = array_of(ITEMS(J(4), later_fail(10, 5)));
    drop(LC(tide_promise_all_array(bad), "all-bad"));
    drop(tide_promise_then(tide_promise_all_settled_array(bad), h_records, NULL, "allSettled-bad"));
    drop(LC(tide_promise_race_array(bad), "race-bad"));
    drop(tide_promise_catch(tide_promise_any_array(bad), h_aggregate, "any-bad"));
    witness(3, 0, NULL, NULL);
    run();
    assert_int_equal(tide_array_len(items), 3); /* borrowed, untouched */
    drop(items), drop(bad);
    end();
    expect_node("promise_combinators_array");
}

/* ==== 8. Allocation failure ============================================= */

static int h_add1(void *d, tide_val v, tide_val *out) {
    (void)d;
    *out = tide_int(tide_get_int(v) + 1);
    return 0;
}
static int h_const(void *d, tide_val v, tide_val *out) {
    (void)v;
    *out = tide_int((intptr_t)d);
    return 0;
}
static tide_val h_fin_resolved(void *d, bool *failed) {
    (void)d, (void)failed;
    return tide_promise_resolved(tide_int(0));
}

/* What a promise came to: "fulfilled V", "rejected V", "pending". */
static const char *outcome(tide_val p, bool settled_records) {
    static char bufs[8][256];
    static int k;
    char *b = bufs[k++ & 7];
    tide_val v = tide_promise_result(p);
    switch (tide_promise_state(p)) {
    case TIDE_PENDING: return "pending";
    case TIDE_FULFILLED:
        snprintf(b, 256, "fulfilled %s", settled_records ? records(v) : S(v));
        break;
    case TIDE_REJECTED:
        if (tide_error_code(v) == TIDE_EAGGREGATE)
            snprintf(b, 256, "rejected AggregateError [%s]", S(tide_error_errors(v)));
        else
            snprintf(b, 256, "rejected %s", S(v));
    }
    return b;
}

enum { N_OUT = 6 };
static const char *const normal[N_OUT] = {
    "fulfilled 3",                        /* then-chain */
    "fulfilled 0,1,2,3,4",                /* all over 5 */
    "fulfilled 5",                        /* finally */
    "fulfilled ok:1,err:x",               /* allSettled */
    "rejected AggregateError [a,b]",      /* any, all rejected */
    "fulfilled 1",                        /* a thenable adopted */
};

/* One run with allocation k failing: the program is a then-chain, all over
 * five inputs, a finally, allSettled, any and a thenable. Every outcome must
 * be its normal one or a rejection with TIDE_ENOMEM; valgrind/ASan check
 * that nothing leaks. Returns the number of injected failures. */
static long alloc_run(long k, int *n_normal, int *n_enomem, int *n_bad) {
    char got[N_OUT][256];
    /* Values made before injection starts (they belong to no loop). */
    tide_val x = tide_str_new("x"), a = tide_str_new("a"), b = tide_str_new("b");
    tide_val th = thenable(TH_SYNC);
    trace_reset();
    tide_alloc_fail_after(k);
    tide_loop *loop;
    int rc = tide_loop_new(&loop, NULL);
    if (rc != 0) {
        long failures = tide_alloc_failures();
        tide_alloc_fail_after(-1);
        drop(x), drop(a), drop(b), drop(th);
        assert_int_equal(rc, TIDE_ENOMEM);
        (*n_enomem)++;
        return failures;
    }
    tide_on_unhandled_rejection(count_unhandled, NULL);
    tide_val out[N_OUT];
    tide_val p = tide_promise_new();
    out[0] = tide_promise_then(tide_promise_then(tide_retain(p), h_add1, NULL, NULL), h_add1, NULL, NULL);
    tide_promise_resolve(p, tide_int(1));
    drop(p);
    tide_val adopted = tide_promise_new();
    tide_promise_resolve(adopted, R(4));
    out[1] = tide_promise_all(ITEMS(tide_int(0), R(1), tide_promise_then(R(1), h_add1, NULL, NULL),
                                    tide_promise_then(tide_sleep(1), h_const, NULL, (void *)3),
                                    adopted));
    out[2] = tide_promise_finally(R(5), h_fin_resolved, NULL);
    out[3] = tide_promise_all_settled(ITEMS(R(1), tide_promise_rejected(x)));
    out[4] = tide_promise_any(ITEMS(tide_promise_rejected(a), tide_promise_rejected(b)));
    out[5] = tide_promise_resolved(th);
    int run_rc = tide_loop_run(loop);
    for (int i = 0; i < N_OUT; i++) {
        snprintf(got[i], sizeof got[i], "%s", outcome(out[i], i == 3));
        drop(out[i]);
    }
    int free_rc = tide_loop_free(loop);
    long failures = tide_alloc_failures();
    tide_alloc_fail_after(-1);

    assert_int_equal(run_rc, 0);
    assert_int_equal(free_rc, 0);
    for (int i = 0; i < N_OUT; i++) {
        bool is_normal = strcmp(got[i], normal[i]) == 0;
        bool is_enomem = strncmp(got[i], "rejected ENOMEM:", 16) == 0;
        if (!is_normal && !is_enomem)
            fprintf(stderr, "k=%ld outcome %d: got \"%s\", want \"%s\" or an ENOMEM rejection\n",
                    k, i, got[i], normal[i]);
        *n_normal += is_normal;
        *n_enomem += is_enomem;
        *n_bad += !is_normal && !is_enomem;
    }
    return failures;
}

/* Fail allocation k = 0, 1, 2, ... until a run needs no failure: nothing
 * crashes, leaks, or settles with anything but its result or ENOMEM. */
static void test_alloc_failure(void **state) {
    (void)state;
    int n_normal = 0, n_enomem = 0, n_bad = 0;
    long k = 0;
    while (alloc_run(k, &n_normal, &n_enomem, &n_bad) > 0 && k < 100000)
        k++;
    assert_true(k > 0 && k < 100000);
    assert_true(n_enomem > 0);
    assert_int_equal(n_bad, 0);
    /* Without injection everything is normal. */
    int last_normal = 0, last_enomem = 0, last_bad = 0;
    assert_int_equal(alloc_run(-1, &last_normal, &last_enomem, &last_bad), 0);
    assert_int_equal(last_normal, N_OUT);
}

/* The smallest reproductions of what test_alloc_failure finds. */

/* finally() when its bookkeeping cannot be allocated but a pooled promise
 * can: the promise returned must be rejected with ENOMEM, not pending. */
static void test_alloc_finally_pending(void **state) {
    (void)state;
    begin();
    tide_on_unhandled_rejection(count_unhandled, NULL);
    tide_val src = R(5);
    drop(tide_promise_new()); /* one promise left in the pool */
    tide_alloc_fail_after(0);
    tide_val f = tide_promise_finally(src, h_fin_resolved, NULL);
    tide_alloc_fail_after(-1);
    run();
    char got[256];
    snprintf(got, sizeof got, "%s", outcome(f, false));
    drop(f);
    end();
    assert_string_equal(got, "rejected ENOMEM: out of memory");
}

/* allSettled when its records cannot be allocated: it must reject with
 * ENOMEM, not fulfil with error values where the records should be. */
static void test_alloc_all_settled_records(void **state) {
    (void)state;
    begin();
    tide_on_unhandled_rejection(count_unhandled, NULL);
    tide_val s = tide_promise_all_settled(ITEMS(R(1), J(2)));
    tide_alloc_fail_after(0); /* from here on, only the records allocate */
    run();
    long failures = tide_alloc_failures();
    tide_alloc_fail_after(-1);
    char got[256];
    snprintf(got, sizeof got, "%s", outcome(s, true));
    tide_val v = tide_promise_result(s);
    bool records_ok = tide_promise_state(s) != TIDE_FULFILLED ||
                      (tide_type_of(tide_array_get(v, 0)) == TIDE_T_SETTLED &&
                       tide_type_of(tide_array_get(v, 1)) == TIDE_T_SETTLED);
    drop(s);
    end();
    assert_true(failures > 0);
    if (!records_ok)
        fprintf(stderr, "allSettled: got \"%s\" (elements are not settled records)\n", got);
    assert_true(records_ok);
    assert_string_equal(got, "rejected ENOMEM: out of memory");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all),
        cmocka_unit_test(test_all_settled),
        cmocka_unit_test(test_race),
        cmocka_unit_test(test_any),
        cmocka_unit_test(test_combinators_array),
        cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_alloc_finally_pending),
        cmocka_unit_test(test_alloc_all_settled_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
