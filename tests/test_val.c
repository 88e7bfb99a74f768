/* val: scalars, refcounted objects, strings, errors, arrays, formatting. */
#include "support.h"

#include <math.h>

static void test_scalars(void **state) {
    (void)state;
    assert_int_equal(tide_type_of(tide_undefined()), TIDE_T_UNDEFINED);
    assert_int_equal(tide_get_int(tide_int(-5)), -5);
    assert_true(tide_get_double(tide_int(3)) == 3.0);
    assert_int_equal(tide_get_int(tide_double(4.0)), 4);
    assert_int_equal(tide_get_int(tide_double(4.5)), 0);
    assert_int_equal(tide_get_int(tide_double(1e30)), 0); /* past int64: not an int */
    assert_int_equal(tide_get_int(tide_double(0x1p63)), 0);
    assert_true(tide_get_int(tide_double(-0x1p63)) == INT64_MIN);
    assert_int_equal(tide_get_int(tide_double(NAN)), 0);
    assert_int_equal(tide_get_int(tide_bool(true)), 1);
    assert_true(tide_get_double(tide_null()) == 0.0);
    assert_true(tide_get_bool(tide_bool(true)));
    assert_false(tide_get_bool(tide_int(1)));
    int x;
    assert_ptr_equal(tide_get_ptr(tide_ptr(&x)), &x);
    assert_null(tide_get_ptr(tide_int(1)));
    assert_false(tide_is_obj(tide_ptr(&x)));
    /* retain/release are no-ops on scalars */
    tide_release(tide_retain(tide_int(1)));
    assert_true(sizeof(tide_val) == 16);
}

static void test_strings(void **state) {
    (void)state;
    tide_val s = tide_str_new("hello");
    assert_true(tide_is_string(s));
    assert_string_equal(tide_str(s), "hello");
    assert_int_equal(tide_str_len(s), 5);
    tide_val t = tide_retain(s);
    tide_release(s);
    assert_string_equal(tide_str(t), "hello"); /* still alive: one ref left */
    tide_release(t);

    tide_val f = tide_str_fmt("%d-%s", 42, "x");
    assert_string_equal(tide_str(f), "42-x");
    tide_release(f);

    tide_val n = tide_str_newn("a\0b", 3);
    assert_int_equal(tide_str_len(n), 3);
    assert_memory_equal(tide_str(n), "a\0b", 3);
    tide_release(n);

    tide_val b = tide_bytes_new("\x01\x02", 2);
    assert_int_equal(tide_bytes_len(b), 2);
    assert_int_equal(tide_bytes_data(b)[1], 2);
    tide_release(b);
    assert_null(tide_str(tide_int(1)));
    assert_int_equal(tide_str_len(tide_null()), 0);
}

static void test_bad_input_gives_errors(void **state) {
    (void)state;
    tide_val e = tide_str_new(NULL);
    assert_int_equal(tide_error_code(e), TIDE_EINVAL);
    tide_release(e);
    e = tide_bytes_new(NULL, 3);
    assert_int_equal(tide_error_code(e), TIDE_EINVAL);
    tide_release(e);
    e = tide_object_new(NULL, 8);
    assert_int_equal(tide_error_code(e), TIDE_EINVAL);
    tide_release(e);
    e = tide_str_fmt(NULL);
    assert_int_equal(tide_error_code(e), TIDE_EINVAL);
    tide_release(e);
    assert_int_equal(tide_array_push(tide_int(1), tide_str_new("leak?")), TIDE_EINVAL);
    assert_int_equal(tide_array_set(tide_null(), 0, tide_str_new("leak?")), TIDE_EINVAL);
    assert_int_equal(tide_error_code(tide_int(3)), 0);
    assert_string_equal(tide_error_message(tide_int(3)), "");
}

static void test_errors(void **state) {
    (void)state;
    tide_val cause = tide_error_new(TIDE_EIO, "disk said no");
    tide_val e = tide_error_with_cause(TIDE_ECANCELED, cause, "gave up after %d tries", 3);
    assert_int_equal(tide_error_code(e), TIDE_ECANCELED);
    assert_string_equal(tide_error_message(e), "gave up after 3 tries");
    assert_int_equal(tide_error_code(tide_error_cause(e)), TIDE_EIO);
    tide_release(e); /* releases the cause too */

    tide_val d = tide_error_new(TIDE_ETIMEDOUT, NULL);
    assert_string_equal(tide_error_message(d), "timed out");
    tide_release(d);

    assert_string_equal(tide_strerror(TIDE_ENOMEM), "out of memory");
    assert_string_equal(tide_err_name(TIDE_ETYPE), "TIDE_ETYPE");
    assert_string_equal(tide_strerror(-123456), "unknown error");
    assert_string_equal(tide_err_name(-123456), "TIDE_EUNKNOWN");
    /* errno-style codes where one fits */
    assert_int_equal(TIDE_ECANCELED, -125);
    assert_int_equal(TIDE_ETIMEDOUT, -110);
}

static void test_arrays(void **state) {
    (void)state;
    tide_val a = tide_array_new(0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(tide_array_push(a, tide_int(i)), 0);
    assert_int_equal(tide_array_len(a), 100);
    assert_int_equal(tide_get_int(tide_array_get(a, 42)), 42);
    assert_true(tide_is_undefined(tide_array_get(a, 100)));
    assert_int_equal(tide_array_set(a, 1, tide_str_new("one")), 0);
    assert_string_equal(tide_str(tide_array_get(a, 1)), "one");
    assert_int_equal(tide_array_set(a, 500, tide_str_new("x")), TIDE_ERANGE);
    tide_release(a);
}

static int finalized;

static void fin(void *data) {
    finalized += *(int *)data;
}

static void test_user_objects(void **state) {
    (void)state;
    static const tide_class cls = {.name = "Thing", .finalize = fin};
    tide_val o = tide_object_new(&cls, sizeof(int));
    int *d = tide_object_data(o);
    assert_non_null(d);
    assert_int_equal(*d, 0);
    *d = 7;
    assert_ptr_equal(tide_object_class(o), &cls);
    tide_retain(o);
    tide_release(o);
    assert_int_equal(finalized, 0);
    tide_release(o);
    assert_int_equal(finalized, 7);
    assert_null(tide_object_data(tide_int(1)));
}

static void test_format_like_javascript(void **state) {
    (void)state;
    char b[64];
    assert_string_equal(tide_format(tide_undefined(), b, sizeof b), "undefined");
    assert_string_equal(tide_format(tide_null(), b, sizeof b), "null");
    assert_string_equal(tide_format(tide_bool(false), b, sizeof b), "false");
    assert_string_equal(tide_format(tide_int(-12), b, sizeof b), "-12");
    assert_string_equal(tide_format(tide_double(0.1), b, sizeof b), "0.1");
    assert_string_equal(tide_format(tide_double(1.5), b, sizeof b), "1.5");
    assert_string_equal(tide_format(tide_double(3.0), b, sizeof b), "3");
    assert_string_equal(tide_format(tide_double(NAN), b, sizeof b), "NaN");
    assert_string_equal(tide_format(tide_double(-INFINITY), b, sizeof b), "-Infinity");
    tide_val a = tide_array_new(3);
    tide_array_push(a, tide_int(1));
    tide_array_push(a, tide_null());
    tide_array_push(a, tide_str_new("x"));
    assert_string_equal(tide_format(a, b, sizeof b), "1,,x"); /* String([1,null,"x"]) */
    tide_val s = tide_to_string(a);
    assert_string_equal(tide_str(s), "1,,x");
    tide_release(s);
    tide_release(a);
    tide_val e = tide_error_new(TIDE_ETYPE, "bad");
    assert_string_equal(tide_format(e, b, sizeof b), "ETYPE: bad");
    tide_release(e);
    /* truncation keeps the buffer terminated */
    tide_val l = tide_str_new("0123456789");
    assert_string_equal(tide_format(l, b, 5), "0123");
    tide_release(l);
}

static void test_equal(void **state) {
    (void)state;
    assert_true(tide_equal(tide_int(2), tide_double(2.0)));
    assert_true(tide_equal(tide_double(NAN), tide_double(NAN)));
    assert_false(tide_equal(tide_null(), tide_undefined()));
    tide_val a = tide_str_new("ab"), b = tide_str_new("ab");
    assert_true(tide_equal(a, b));
    tide_release(a);
    tide_release(b);
}

/* An iterator result of undefined, null, a bool, an int or a double is
 * carried in the value itself: making it allocates nothing and it counts no
 * reference. One of any other value is an object. The API reads both the
 * same way; tide_equal compares the first kind by content, the second by
 * identity. */
static void test_iter_results(void **state) {
    (void)state;
    tide_val vs[] = {tide_undefined(), tide_null(), tide_bool(true), tide_int(-7),
                     tide_double(-0.0), tide_double(NAN)};
    size_t n = sizeof vs / sizeof vs[0];
    tide_alloc_fail_after(0); /* none of these may allocate */
    for (size_t i = 0; i < n; i++) {
        for (int done = 0; done < 2; done++) {
            tide_val r = tide_iter_result(vs[i], done);
            assert_true(tide_is_iter_result(r));
            assert_int_equal(tide_type_of(r), TIDE_T_ITER_RESULT);
            assert_false(tide_is_obj(r));
            assert_int_equal(tide_iter_result_done(r), done);
            tide_val v = tide_iter_result_value(r);
            assert_int_equal(tide_type_of(v), tide_type_of(vs[i]));
            assert_memory_equal(&v.u, &vs[i].u, sizeof v.u); /* -0 and NaN kept */
            assert_true(tide_equal(r, tide_iter_result(vs[i], done)));
            assert_false(tide_equal(r, tide_iter_result(vs[i], !done)));
            tide_release(tide_retain(r));
        }
    }
    long failures = tide_alloc_failures();
    tide_alloc_fail_after(-1);
    assert_int_equal(failures, 0);
    assert_true(tide_equal(tide_iter_result(tide_int(1), false),
                           tide_iter_result(tide_double(1.0), false)));
    assert_false(tide_equal(tide_iter_result(tide_int(1), false), tide_int(1)));

    char b[64];
    assert_string_equal(tide_format(tide_iter_result(tide_int(3), false), b, sizeof b),
                        "{ value: 3, done: false }");
    tide_val a = tide_iter_result(tide_str_new("ab"), true);
    tide_val c = tide_iter_result(tide_str_new("ab"), true);
    assert_true(tide_is_obj(a));
    assert_true(tide_is_iter_result(a));
    assert_int_equal(tide_type_of(a), TIDE_T_ITER_RESULT);
    assert_string_equal(tide_str(tide_iter_result_value(a)), "ab");
    assert_true(tide_iter_result_done(a));
    assert_string_equal(tide_format(a, b, sizeof b), "{ value: ab, done: true }");
    assert_true(tide_equal(a, a));
    assert_false(tide_equal(a, c)); /* two objects */
    tide_release(a);
    tide_release(c);
    /* Not results: the parts read as undefined / false. */
    assert_false(tide_is_iter_result(tide_int(3)));
    assert_true(tide_is_undefined(tide_iter_result_value(tide_int(3))));
    assert_false(tide_iter_result_done(tide_bool(true)));
}

static void test_settled(void **state) {
    (void)state;
    tide_val s = tide_settled_new(true, tide_str_new("why"));
    assert_true(tide_settled_rejected(s));
    assert_string_equal(tide_str(tide_settled_value(s)), "why");
    tide_release(s);
}

/* Every constructor, out of memory, returns the shared ENOMEM error (which
 * needs no memory and ignores retain/release) and leaks nothing it took. */
static void test_out_of_memory(void **state) {
    (void)state;
    static const tide_class cls = {.name = "Thing"};
    tide_val vals[8];
    tide_alloc_fail_after(0);
    vals[0] = tide_str_new("x");
    vals[1] = tide_bytes_new("x", 1);
    vals[2] = tide_array_new(4);
    vals[3] = tide_error_new(TIDE_EIO, "x");
    vals[4] = tide_settled_new(false, tide_int(1));
    vals[5] = tide_object_new(&cls, 4);
    vals[6] = tide_to_string(tide_int(5));
    vals[7] = tide_str_fmt("%d", 1);
    long failures = tide_alloc_failures();
    tide_alloc_fail_after(-1);
    assert_true(failures >= 8);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(tide_error_code(vals[i]), TIDE_ENOMEM);
        tide_retain(vals[i]);
        tide_release(vals[i]);
        tide_release(vals[i]);
    }
    assert_int_equal(tide_error_code(vals[0]), TIDE_ENOMEM); /* immortal */

    /* A push that cannot grow the array releases the value it was given. */
    tide_val a = tide_array_new(0);
    tide_alloc_fail_after(1); /* the string succeeds, the growth fails */
    int rc = tide_array_push(a, tide_str_new("dropped"));
    tide_alloc_fail_after(-1);
    assert_int_equal(rc, TIDE_ENOMEM);
    assert_int_equal(tide_array_len(a), 0);
    tide_release(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_bad_input_gives_errors),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_user_objects),
        cmocka_unit_test(test_format_like_javascript),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_iter_results),
        cmocka_unit_test(test_settled),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
