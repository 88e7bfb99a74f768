/* yield* in async generators: checklist section E (items 30-38), each
 * against its JavaScript twin tests/js/checklist_N.js run by Node.
 *
 * The delegates are hand-written iterators: tide_classes whose slots log
 * each call as the JavaScript objects' methods do. Bodies run on coroutines
 * and never assert (cmocka longjmps); the traces are compared at the end. */
#include "support.h"

#define UNUSED __attribute__((unused))

static tide_val str(const char *s) { return tide_str_new(s); }

/* Awaits it.next(arg) / return / throw and traces "outer <value> <done>",
 * or "<label> rejected <reason>". */
static int step(tide_val p, const char *label) {
    tide_val x;
    int rc = tide_await(p, &x);
    if (rc < 0)
        trace("%s %s", label, tide_error_code(x) == TIDE_ETYPE ? "TypeError" : show(x));
    else
        trace("%s %s %s", label, show(tide_iter_result_value(x)),
              tide_iter_result_done(x) ? "true" : "false");
    tide_release(x);
    return rc;
}

static void run(tide_async_fn fn) {
    trace_reset();
    assert_int_equal(run_async(fn, NULL, NULL, 0), TIDE_FULFILLED);
}

/* A delegate's state: a counter, and the object it was made from. */
typedef struct dstate {
    int i;
} dstate;

static tide_val make_iter(const tide_class *cls) {
    return tide_object_new(cls, sizeof(dstate));
}

/* ---- 30: async delegate, thenable results ------------------------------ */

static void thenable30_then(tide_val self, tide_val resolver) {
    int i = *(int *)tide_object_data(self);
    trace("then %d", i);
    tide_promise_resolve(resolver, i < 3 ? tide_iter_result(tide_str_fmt("v%d", i), false)
                                         : tide_iter_result(str("ret"), true));
    tide_release(resolver);
}
static const tide_class thenable30 = {.name = "Thenable", .then = thenable30_then};

static tide_val next30(tide_val self, tide_val v) {
    dstate *d = tide_object_data(self);
    trace("next %s", show(v));
    tide_release(v);
    d->i++;
    tide_val t = tide_object_new(&thenable30, sizeof(int));
    *(int *)tide_object_data(t) = d->i;
    return t;
}
static const tide_class iter30 = {.name = "Iter30",
                                  .async_iter = &(const tide_async_iter_methods){next30, NULL, NULL}};

static tide_val get_iter30(tide_val self UNUSED) {
    trace("get iterator");
    return make_iter(&iter30);
}
static const tide_class obj30 = {.name = "Obj30", .async_iterator = get_iter30};

static int g30(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val r;
    int rc = tide_yield_star(g, tide_object_new(&obj30, 0), &r);
    if (rc != 0)
        return *out = r, rc;
    trace("yield* value %s", show(r));
    tide_release(r);
    *out = str("end");
    return 0;
}

static int main30(void *arg UNUSED, tide_val *out) {
    const char *args[] = {"a", "b", "c", "d"};
    tide_val it = tide_async_gen(g30, NULL);
    for (int i = 0; i < 4; i++)
        step(tide_async_iter_next(it, str(args[i])), "outer");
    tide_release(it);
    *out = tide_undefined();
    return 0;
}

static void checklist_30(void **state UNUSED) {
    run(main30);
    expect_node("checklist_30");
}

/* ---- 31: sync delegate through Async-from-Sync ------------------------- */

static int next31(tide_val self, tide_val v, tide_val *value, bool *done) {
    dstate *d = tide_object_data(self);
    trace("sync next %s", show(v));
    tide_release(v);
    d->i++;
    *done = d->i >= 3;
    *value = *done ? str("ret") : tide_promise_resolved(tide_str_fmt("p%d", d->i));
    return 0;
}
static const tide_class iter31 = {.name = "Iter31",
                                  .iter = &(const tide_iter_methods){next31, NULL, NULL}};

static tide_val get_iter31(tide_val self UNUSED) {
    trace("get sync iterator");
    return make_iter(&iter31);
}
static const tide_class obj31 = {.name = "Obj31", .iterator = get_iter31};

static int g31(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val r;
    int rc = tide_yield_star(g, tide_object_new(&obj31, 0), &r);
    if (rc != 0)
        return *out = r, rc;
    trace("yield* value %s", show(r));
    tide_release(r);
    *out = tide_undefined();
    return 0;
}

static int main31(void *arg UNUSED, tide_val *out) {
    const char *args[] = {"a", "b", "c"};
    tide_val it = tide_async_gen(g31, NULL);
    for (int i = 0; i < 3; i++)
        step(tide_async_iter_next(it, str(args[i])), "outer");
    tide_release(it);
    *out = tide_undefined();
    return 0;
}

static void checklist_31(void **state UNUSED) {
    run(main31);
    expect_node("checklist_31");
}

/* ---- 32: values are not awaited ---------------------------------------- */

static tide_val inside32;

static tide_val next32(tide_val self, tide_val v) {
    dstate *d = tide_object_data(self);
    tide_release(v);
    d->i++;
    return tide_promise_resolved(d->i == 1 ? tide_iter_result(tide_retain(inside32), false)
                                           : tide_iter_result(tide_undefined(), true));
}
/* return/throw absent; JavaScript's getters that log would never fire, and
 * a NULL slot cannot be "touched": the twin's logging getters show the same. */
static const tide_class iter32 = {.name = "Iter32",
                                  .async_iter = &(const tide_async_iter_methods){next32, NULL, NULL}};

static int g32(tide_gen *g, void *arg UNUSED, tide_val *out) {
    int rc = tide_yield_star(g, make_iter(&iter32), out);
    if (rc == 0)
        tide_clear(out);
    return rc;
}

static int main32(void *arg UNUSED, tide_val *out) {
    inside32 = tide_promise_resolved(str("inside"));
    tide_val it = tide_async_gen(g32, NULL), x;
    tide_await(tide_async_iter_next(it, tide_undefined()), &x);
    trace("same promise %s %s", tide_iter_result_value(x).u.o == inside32.u.o ? "true" : "false",
          tide_iter_result_done(x) ? "true" : "false");
    tide_release(x);
    step(tide_async_iter_next(it, tide_undefined()), "then");
    tide_release(it);
    tide_release(inside32);
    *out = tide_undefined();
    return 0;
}

static void checklist_32(void **state UNUSED) {
    run(main32);
    expect_node("checklist_32");
}

/* ---- 33: rejected values close the outer generator --------------------- */

static int inner33(tide_gen *g, void *arg UNUSED, tide_val *out) {
    int rc = tide_yield(g, tide_promise_rejected(str("e2")), out);
    if (rc != 0)
        return rc;
    *out = tide_undefined();
    return 0;
}

static int g33(tide_gen *g, void *arg, tide_val *out) {
    tide_val delegate;
    if (arg) {
        delegate = tide_array_new(1);
        tide_array_push(delegate, tide_promise_rejected(str("e1")));
    } else {
        delegate = tide_async_gen(inner33, NULL);
    }
    int rc = tide_yield_star(g, delegate, out);
    if (rc != 0)
        return rc;
    trace("not reached");
    tide_clear(out);
    return 0;
}

static int main33(void *arg UNUSED, tide_val *out) {
    tide_val gens[2] = {tide_async_gen(g33, (void *)1), tide_async_gen(g33, NULL)};
    for (int i = 0; i < 2; i++) {
        tide_val x;
        if (tide_await(tide_async_iter_next(gens[i], tide_undefined()), &x) < 0)
            trace("rejected %s", show(x));
        tide_release(x);
        step(tide_async_iter_next(gens[i], tide_undefined()), "after");
        tide_release(gens[i]);
    }
    *out = tide_undefined();
    return 0;
}

static void checklist_33(void **state UNUSED) {
    run(main33);
    expect_node("checklist_33");
}

/* ---- 34: protocol errors are TypeErrors -------------------------------- */

static tide_val not_object(tide_val self UNUSED) {
    trace("asyncIterator called");
    return tide_int(1);
}
static tide_val sync_not_object(tide_val self UNUSED) {
    trace("iterator called");
    return tide_int(1);
}
static const tide_class no_next = {.name = "NoNext",
                                   .async_iter = &(const tide_async_iter_methods){NULL, NULL, NULL}};
static tide_val get_no_next(tide_val self UNUSED) {
    trace("asyncIterator called");
    return make_iter(&no_next);
}
static tide_val next_int(tide_val self UNUSED, tide_val v) {
    tide_release(v);
    trace("next called");
    return tide_promise_resolved(tide_int(1));
}
static const tide_class int_result = {.name = "IntResult",
                                      .async_iter = &(const tide_async_iter_methods){next_int, NULL, NULL}};
static tide_val get_int_result(tide_val self UNUSED) { return make_iter(&int_result); }

static const tide_class cases34[] = {
    {.name = "asyncNonObject", .async_iterator = not_object},
    {.name = "syncNonObject", .iterator = sync_not_object},
    {.name = "nextNotCallable", .async_iterator = get_no_next},
    {.name = "resultNonObject", .async_iterator = get_int_result},
};

static int g34(tide_gen *g, void *arg, tide_val *out) {
    int rc = tide_yield_star(g, tide_object_new(arg, 0), out);
    if (rc == 0)
        tide_clear(out);
    return rc;
}

static int main34(void *arg UNUSED, tide_val *out) {
    for (size_t i = 0; i < sizeof cases34 / sizeof *cases34; i++) {
        const char *name = cases34[i].name;
        tide_val it = tide_async_gen(g34, (void *)&cases34[i]), x;
        if (tide_await(tide_async_iter_next(it, tide_undefined()), &x) < 0)
            trace("%s %s", name, tide_error_code(x) == TIDE_ETYPE ? "TypeError" : show(x));
        tide_release(x);
        char label[64];
        snprintf(label, sizeof label, "%s after", name);
        step(tide_async_iter_next(it, tide_undefined()), label);
        tide_release(it);
    }
    *out = tide_undefined();
    return 0;
}

static void checklist_34(void **state UNUSED) {
    run(main34);
    expect_node("checklist_34");
}

/* ---- 37: throw() without a throw method closes, then TypeError ---------- */

static tide_val next37(tide_val self UNUSED, tide_val v) {
    tide_release(v);
    trace("next");
    return tide_promise_resolved(tide_iter_result(tide_int(1), false));
}

static void settle37(void *data) {
    tide_val p = {.u.p = data, .tag = TIDE_T_PROMISE};
    trace("return settles");
    tide_promise_resolve(p, tide_iter_result(str("r"), true));
    tide_release(p);
}

static tide_val return37(tide_val self UNUSED, tide_val v) {
    trace("return %s", show(v));
    tide_release(v);
    tide_val p = tide_promise_new();
    tide_timer_start(NULL, 5, 0, settle37, tide_retain(p).u.p);
    return p;
}
static const tide_class iter37 = {.name = "Iter37",
                                  .async_iter = &(const tide_async_iter_methods){next37, return37, NULL}};
static tide_val get_iter37(tide_val self UNUSED) { return make_iter(&iter37); }
static const tide_class obj37 = {.name = "Obj37", .async_iterator = get_iter37};

static int g37(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val e;
    int rc = tide_yield_star(g, tide_object_new(&obj37, 0), &e);
    if (rc >= 0)
        return *out = e, rc;
    trace("outer caught %s", tide_error_code(e) == TIDE_ETYPE ? "TypeError" : show(e));
    tide_release(e);
    if ((rc = tide_yield(g, str("after"), out)) != 0)
        return rc;
    *out = tide_undefined();
    return 0;
}

static int main37(void *arg UNUSED, tide_val *out) {
    tide_val it = tide_async_gen(g37, NULL);
    step(tide_async_iter_next(it, tide_undefined()), "outer");
    step(tide_async_iter_throw(it, str("boom")), "outer");
    tide_release(it);
    *out = tide_undefined();
    return 0;
}

static void checklist_37(void **state UNUSED) {
    run(main37);
    expect_node("checklist_37");
}

/* ---- 38: return(rejected) reaches the delegate as throw ---------------- */

static tide_val next38(tide_val self UNUSED, tide_val v) {
    tide_release(v);
    return tide_promise_resolved(tide_iter_result(tide_int(1), false));
}
static tide_val return38(tide_val self UNUSED, tide_val v) {
    trace("delegate return %s", show(v));
    return tide_promise_resolved(tide_iter_result(v, true));
}
static tide_val throw38(tide_val self UNUSED, tide_val e) {
    trace("delegate throw %s", show(e));
    tide_release(e);
    return tide_promise_resolved(tide_iter_result(str("handled"), true));
}
static const tide_class iter38 = {
    .name = "Iter38", .async_iter = &(const tide_async_iter_methods){next38, return38, throw38}};
static tide_val get_iter38(tide_val self UNUSED) { return make_iter(&iter38); }
static const tide_class obj38 = {.name = "Obj38", .async_iterator = get_iter38};

static int g38(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val r;
    int rc = tide_yield_star(g, tide_object_new(&obj38, 0), &r);
    if (rc != 0)
        return *out = r, rc;
    trace("yield* value %s", show(r));
    tide_release(r);
    *out = str("outer done");
    return 0;
}

static int main38(void *arg UNUSED, tide_val *out) {
    tide_val it = tide_async_gen(g38, NULL), x;
    tide_await(tide_async_iter_next(it, tide_undefined()), &x);
    tide_release(x);
    step(tide_async_iter_return(it, tide_promise_rejected(str("e"))), "outer");
    tide_release(it);
    *out = tide_undefined();
    return 0;
}

static void checklist_38(void **state UNUSED) {
    run(main38);
    expect_node("checklist_38");
}

/* ---- Misuse ------------------------------------------------------------ */

static int misuse_main(void *arg UNUSED, tide_val *out) {
    tide_val r;
    /* Not from a generator body: an error, not a crash. */
    int rc = tide_yield_star(NULL, tide_array_new(0), &r);
    trace("null gen %s", tide_err_name(rc));
    tide_release(r);
    *out = tide_undefined();
    return 0;
}

static void yield_star_outside_body(void **state UNUSED) {
    run(misuse_main);
    assert_string_equal(trace_buf, "null gen TIDE_EINVAL\n");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(checklist_30), cmocka_unit_test(checklist_31),
        cmocka_unit_test(checklist_32), cmocka_unit_test(checklist_33),
        cmocka_unit_test(checklist_34), cmocka_unit_test(checklist_37),
        cmocka_unit_test(checklist_38), cmocka_unit_test(yield_star_outside_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
