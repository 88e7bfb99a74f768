/* Async generators against the conformance checklist
 * (/work/shared/test262-checklist.md), sections A to C: the request queue,
 * return() and throw().
 *
 * Each checklist_N test rebuilds tests/js/checklist_N.js with tide and
 * compares its trace with what Node prints for that file (expect_node). The
 * JavaScript `try/catch/finally` around a yield is written out in C: the
 * body looks at tide_yield's status (TIDE_RETURN for return(), < 0 for
 * throw() or a rejected operand) and goes on as the catch or finally would.
 * Sections D (the body's yield / await / return, whose tests all count ticks
 * against a witness chain) and H (microtask ticks) are in test_agen_ticks.c. */
#include "agen_support.h"

/* ======================================================================
 * A. Request queue and ordering
 * ====================================================================== */

static int g1_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    trace("body start");
    YIELD(g, tide_str_new("first"));
    trace("body after first");
    YIELD(g, tide_str_new("second"));
    trace("body after second");
    return 0;
}

static void setup_1(void) {
    witness(4);
    tide_val iter = tide_async_gen(g1_body, NULL);
    tide_val item1 = next_(iter), item2 = next_(iter), item3 = next_(iter);
    trace("three nexts issued");
    then_log(item3, "item3");
    then_log(item2, "item2");
    then_log(item1, "item1");
    tide_release(iter);
    trace("main end");
}

/* 1. Three next() calls before any result settles settle in call order:
 * {first,false}, {second,false}, {undefined,true}. */
static void checklist_1(void **state UNUSED) { run_checklist("checklist_1", setup_1, NULL); }

static tide_val late2, items2[3];
static int yieldorder2;

static int g2_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    trace("body start");
    late2 = tide_promise_new(); /* resolveLater() */
    YIELD(g, tide_retain(late2));
    trace("body after first yield");
    YIELD(g, tide_int(++yieldorder2));
    trace("body end");
    return 0;
}

static int awaitnexts2(void *arg UNUSED, tide_val *out UNUSED) {
    await_log(tide_retain(items2[2]), "await item3");
    await_log(tide_retain(items2[1]), "await item2");
    await_log(tide_retain(items2[0]), "await item1");
    return 0;
}

static void setup_2(void) {
    witness(6);
    yieldorder2 = 0;
    tide_val iter = tide_async_gen(g2_body, NULL);
    for (int i = 0; i < 3; i++)
        items2[i] = next_(iter);
    tide_release(tide_async(awaitnexts2, NULL));
    then_log(tide_retain(items2[2]), "then item3");
    then_log(tide_retain(items2[1]), "then item2");
    then_log(tide_retain(items2[0]), "then item1");
    trace("resolving");
    tide_promise_resolve(late2, tide_int(++yieldorder2));
    tide_release(iter);
    trace("main end");
}

static void after_2(void) {
    for (int i = 0; i < 3; i++)
        tide_release(items2[i]);
    tide_release(late2);
}

/* 2. If the first yield waits on a pending promise, the queued requests wait
 * behind it and then arrive in order (1, 2, done); the first value is the
 * resolved value, not the promise. */
static void checklist_2(void **state UNUSED) { run_checklist("checklist_2", setup_2, after_2); }

static tide_val it3;

static int g3_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    trace("body start");
    then_log(next_(it3), "re-entrant next");
    trace("re-entrant next queued");
    YIELD(g, tide_int(1));
    trace("body after yield 1");
    YIELD(g, tide_int(2));
    trace("body after yield 2");
    return 0;
}

static int outer3(void *data UNUSED, tide_val r, tide_val *out UNUSED) {
    trace("outer next %s", res(r));
    then_log(next_(it3), "later next");
    return 0;
}

static void setup_3(void) {
    witness(6);
    it3 = tide_async_gen(g3_body, NULL);
    then_do(next_(it3), outer3, NULL);
    trace("main end");
}

static void after_3(void) { tide_release(it3); }

/* 3. next() called from inside the running body is queued, not re-entered:
 * the outer request gets {1,false}, the re-entrant one {2,false}, a later one
 * {undefined,true}. */
static void checklist_3(void **state UNUSED) { run_checklist("checklist_3", setup_3, after_3); }

static int g4_body(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out UNUSED) {
    trace("g body");
    return 0;
}

static int sync4_body(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out UNUSED) {
    trace("syncGen body");
    return 0;
}

static int inner4_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    YIELD(g, tide_str_new("from sync"));
    return 0;
}

static int outer4_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val v; /* yield* inner(); its value is dropped */
    int rc = tide_yield_star(g, tide_generator(inner4_body, NULL), &v);
    if (rc != 0)
        return *out = v, rc;
    tide_release(v);
    return 0;
}

static const tide_class plain_class = {.name = "Object"};
static char labels4[15][64];

static const char *kind(tide_val p) {
    return tide_is_promise(p) ? "promise" : tide_type_name(tide_type_of(p));
}

static void setup_4(void) {
    static tide_val (*const method[3])(tide_val, tide_val) = {
        tide_async_iter_next, tide_async_iter_return, tide_async_iter_throw};
    static const char *const mname[3] = {"next", "return", "throw"};
    static const char *const tname[5] = {"1", "undefined", "a string", "an object",
                                         "a sync generator"};
    /* `this` = a function or an async generator function's prototype: N/A in C. */
    tide_val target[5] = {tide_int(1), tide_undefined(), tide_str_new("str"),
                          tide_object_new(&plain_class, 0), tide_generator(sync4_body, NULL)};
    for (int m = 0; m < 3; m++) {
        for (int t = 0; t < 5; t++) {
            tide_val p = method[m](target[t], err("argument"));
            char *label = labels4[m * 5 + t];
            snprintf(label, sizeof labels4[0], "%s on %s", mname[m], tname[t]);
            trace("%s: %s", label, kind(p));
            then_log(p, label);
        }
    }
    for (int t = 0; t < 5; t++)
        tide_release(target[t]);

    tide_val it = tide_async_gen(g4_body, NULL);
    tide_val all[4] = {next_(it), next_(it), return_(it, tide_str_new("r")),
                       throw_(it, err("thrown"))};
    bool promises = true, distinct = true;
    for (int i = 0; i < 4; i++) {
        promises &= tide_is_promise(all[i]);
        for (int j = 0; j < i; j++)
            distinct &= all[i].u.o != all[j].u.o;
    }
    trace("all promises: %s", promises ? "true" : "false");
    trace("all distinct: %s", distinct ? "true" : "false");
    then_log(all[0], "a next");
    then_log(all[1], "b next");
    then_log(all[2], "c return");
    then_log(all[3], "d throw");
    tide_release(it);

    it = tide_async_gen(g4_body, NULL);
    tide_val t = throw_(it, err("Promise rejected."));
    tide_release(it);
    trace("throw at start: %s", kind(t));
    then_log(t, "throw at start");

    tide_val o = tide_async_gen(outer4_body, NULL);
    tide_val y = next_(o);
    trace("yield* sync next: %s", kind(y));
    then_log(y, "yield* sync next");
    then_log(next_(o), "yield* sync next 2");
    tide_release(o);
    trace("main end");
}

/* 4. next / return / throw never fail synchronously and always return a
 * fresh promise; on something that is not an async generator (a scalar, a
 * string, a plain object, a sync generator) the promise rejects with a
 * TypeError. */
static void checklist_4(void **state UNUSED) { run_checklist("checklist_4", setup_4, NULL); }

static int g5_normal(tide_gen *g, void *arg UNUSED, tide_val *out) {
    YIELD(g, tide_int(1));
    return 0;
}

static int g5_throw(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out) {
    trace("gThrow body");
    return *out = err("boom"), TIDE_EIO;
}

static int g5_yield(tide_gen *g, void *arg UNUSED, tide_val *out) {
    YIELD(g, tide_int(1));
    trace("must not run");
    return 0;
}

static int main5(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val a = tide_async_gen(g5_normal, NULL);
    for (int i = 0; i < 3; i++)
        await_log(next_(a), "a");
    await_log(tide_async_iter_next(a, tide_str_new("ignored")), "a");
    tide_release(a);
    tide_val b = tide_async_gen(g5_throw, NULL);
    for (int i = 0; i < 3; i++)
        await_log(next_(b), "b");
    tide_release(b);
    tide_val c = tide_async_gen(g5_yield, NULL);
    await_log(next_(c), "c");
    await_log(return_(c, tide_str_new("r")), "c return");
    await_log(next_(c), "c");
    await_log(next_(c), "c");
    tide_release(c);
    tide_val d = tide_async_gen(g5_throw, NULL);
    then_log(next_(d), "d next 1");
    then_log(next_(d), "d next 2");
    then_log(next_(d), "d next 3");
    tide_release(d);
    return 0;
}

DRIVER_SETUP(5, 16, main5)

/* 5. Once a generator has completed (normally, by an uncaught throw, or by
 * return()), every later next() resolves {undefined,true}. */
static void checklist_5(void **state UNUSED) { run_checklist("checklist_5", setup_5, NULL); }

/* ======================================================================
 * B. return(v)
 * ====================================================================== */

static tide_val it6;

static int g6_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    trace("body ran");
    YIELD(g, tide_int(1));
    return 0;
}

static int returned6(void *data UNUSED, tide_val r, tide_val *out UNUSED) {
    trace("return %s", res(r));
    then_log(next_(it6), "later next");
    return 0;
}

static void setup_6(void) {
    witness(4);
    it6 = tide_async_gen(g6_body, NULL);
    then_do(return_(it6, tide_str_new("v")), returned6, NULL);
    then_log(next_(it6), "queued next");
    trace("main end");
}

static void after_6(void) { tide_release(it6); }

/* 6. return(v) on a generator that has not started never runs the body and
 * resolves {v,true}; the generator is then completed. */
static void checklist_6(void **state UNUSED) { run_checklist("checklist_6", setup_6, after_6); }

static int g7_body(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out UNUSED) {
    trace("body ran");
    return 0;
}

static tide_val pending7;

/* return(v) on a new generator, which is then dropped; v taken. */
static tide_val return_on_new(tide_gen_fn fn, tide_val v) {
    tide_val it = tide_async_gen_named("gen", fn, NULL);
    tide_val p = return_(it, v);
    tide_release(it);
    return p;
}

static void setup_7(void) {
    witness(6);
    pending7 = tide_promise_new();
    then_log(return_on_new(g7_body, tide_retain(pending7)), "return(pending)");
    then_log(return_on_new(g7_body, tide_promise_resolved(tide_str_new("resolved-value"))),
             "return(resolved)");
    then_log(return_on_new(g7_body, thenable("thenable then called", "thenable-value", false)),
             "return(thenable)");
    trace("resolving");
    tide_promise_resolve(pending7, tide_str_new("unwrapped-value"));
    trace("main end");
}

static void after_7(void) { tide_release(pending7); }

/* 7. return(p) on a generator that has not started waits for p and resolves
 * {<p's value>,true}. */
static void checklist_7(void **state UNUSED) { run_checklist("checklist_7", setup_7, after_7); }

static int g8_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    trace("g body ran");
    YIELD(g, tide_int(1));
    return 0;
}

static int h8_body(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out UNUSED) {
    trace("h body ran");
    return 0;
}

static tide_val b8;

static int b8_return_rejected(void *data UNUSED, tide_val e, tide_val *out UNUSED) {
    trace("b return rejected %s", js(e));
    then_log(next_(b8), "b later next");
    return 0;
}

static int b8_next(void *data UNUSED, tide_val r, tide_val *out UNUSED) {
    trace("b next %s", res(r));
    tide_val p = return_(b8, tide_promise_rejected(err("rejected when completed")));
    tide_release(tide_promise_then(p, log_res, b8_return_rejected, "b return"));
    return 0;
}

static void setup_8(void) {
    witness(8);
    tide_val a = tide_async_gen(g8_body, NULL);
    then_log(return_(a, tide_promise_rejected(err("rejected at start"))), "a return");
    then_log(next_(a), "a next");
    tide_release(a);
    b8 = tide_async_gen(h8_body, NULL);
    then_do(next_(b8), b8_next, NULL);
    trace("main end");
}

static void after_8(void) { tide_release(b8); }

/* 8. return(rejected promise) on a generator that has not started, or has
 * completed, rejects with the reason; the generator stays completed. (The
 * broken-promise variant, a `constructor` getter that throws: N/A in C.) */
static void checklist_8(void **state UNUSED) { run_checklist("checklist_8", setup_8, after_8); }

static int g10_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in;
    trace("body start"); /* try { */
    int rc = tide_yield(g, tide_int(1), &in);
    trace("finally ran"); /* } finally { ... } */
    if (rc != 0)
        return *out = in, rc;
    tide_release(in);
    return 0;
}

static int main10(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val it = tide_async_gen(g10_body, NULL);
    await_log(next_(it), "next");
    await_log(next_(it), "next");
    await_log(return_(it, tide_str_new("plain")), "return");
    await_log(return_(it, tide_promise_resolved(tide_str_new("awaited"))), "return");
    await_log(next_(it), "next");
    tide_val pend = tide_promise_new(), v;
    tide_val p = return_(it, tide_retain(pend));
    then_log(next_(it), "queued next");
    then_log(tide_retain(p), "return(pending)");
    trace("resolving");
    tide_promise_resolve(pend, tide_str_new("late"));
    tide_release(pend);
    tide_await(p, &v);
    tide_release(v);
    trace("main done");
    tide_release(it);
    return 0;
}

DRIVER_SETUP(10, 16, main10)

/* 10. return(v) on a completed generator resolves {<awaited v>,true} and runs
 * no user code; a next() made while it waits is queued behind it. */
static void checklist_10(void **state UNUSED) { run_checklist("checklist_10", setup_10, NULL); }

static int g11_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    trace("body start");
    YIELD(g, tide_int(1));
    trace("must not run");
    YIELD(g, tide_int(2));
    return 0;
}

static int main11(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val it = tide_async_gen(g11_body, NULL);
    await_log(next_(it), "next");
    await_log(return_(it, tide_str_new("v")), "return");
    await_log(next_(it), "next");
    tide_release(it);
    return 0;
}

DRIVER_SETUP(11, 8, main11)

/* 11. return(v) at a yield with no try/finally resolves {v,true}, and no code
 * after the yield runs. */
static void checklist_11(void **state UNUSED) { run_checklist("checklist_11", setup_11, NULL); }

static int g12_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in, in2;
    trace("body start"); /* try { */
    int rc = tide_yield(g, tide_int(1), &in);
    if (rc == 0) {
        trace("must not run");
        tide_clear(&in);
    }
    trace("finally start"); /* } finally { */
    int rc2 = tide_yield(g, tide_int(2), &in2);
    if (rc2 != 0) { /* an abrupt completion in finally replaces the pending one */
        tide_release(in);
        return *out = in2, rc2;
    }
    tide_release(in2);
    trace("finally end"); /* } */
    if (rc != 0)
        return *out = in, rc; /* the return() goes on */
    trace("after try: must not run");
    return 0;
}

static int main12(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val it = tide_async_gen(g12_body, NULL);
    await_log(next_(it), "next");
    await_log(return_(it, tide_str_new("sent-value")), "return");
    await_log(next_(it), "next");
    await_log(next_(it), "next");
    tide_release(it);
    return 0;
}

DRIVER_SETUP(12, 10, main12)

/* 12. At a yield inside try{...}finally{ yield 2 }, return("sent-value")
 * runs the finally block: return() resolves {2,false}, the next next()
 * {sent-value,true}, then {undefined,true}. */
static void checklist_12(void **state UNUSED) { run_checklist("checklist_12", setup_12, NULL); }

static int g13_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in;
    trace("body start"); /* try { */
    int rc = tide_yield(g, tide_int(1), &in);
    if (rc == 0)
        trace("must not run");
    tide_release(in); /* the finally's throw replaces the return() */
    trace("finally throws");
    return *out = err("from finally"), TIDE_EIO;
}

static int main13(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val it = tide_async_gen(g13_body, NULL);
    await_log(next_(it), "next");
    await_log(return_(it, tide_str_new("v")), "return");
    await_log(next_(it), "next");
    tide_release(it);
    return 0;
}

DRIVER_SETUP(13, 8, main13)

/* 13. A finally block that throws during return() makes return() reject
 * with that error, and the generator is completed. */
static void checklist_13(void **state UNUSED) { run_checklist("checklist_13", setup_13, NULL); }

/* try { yield 0; return 1; } catch (err) { log(who + ' caught'); return ret; } */
static int catch_return15(tide_gen *g, const char *who, tide_val ret, tide_val *out) {
    tide_val in;
    int rc = tide_yield(g, tide_int(0), &in);
    if (rc == 0) {
        tide_release(in);
        tide_release(ret);
        return tide_gen_return(g, tide_int(1), out);
    }
    if (rc == TIDE_RETURN) {
        tide_release(ret);
        return *out = in, rc;
    }
    trace("%s caught %s", who, js(in));
    tide_release(in);
    return tide_gen_return(g, ret, out);
}

static int a15_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    return catch_return15(g, "a", tide_int(2), out);
}

static int e15_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    return catch_return15(g, "e", tide_str_new("handled"), out);
}

static int b15_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in;
    int rc = tide_yield(g, tide_int(0), &in); /* try { yield 0 } */
    if (rc == TIDE_RETURN)
        return *out = in, rc;
    if (rc < 0) { /* catch (err) { ...; yield 'from-catch' } */
        trace("b caught %s", js(in));
        tide_clear(&in);
        YIELD(g, tide_str_new("from-catch"));
    }
    tide_release(in);
    trace("b after catch");
    return 0;
}

static int c15_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in;
    int rc = tide_yield(g, tide_int(0), &in); /* try { yield 0 } */
    trace("c finally ran");                   /* finally { ... } */
    if (rc != 0)
        return *out = in, rc;
    tide_release(in);
    return 0;
}

static int d15_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    YIELD(g, tide_int(0));
    trace("must not run");
    return 0;
}

static tide_val broken15(void) { return tide_promise_rejected(err("broken promise")); }

static int main15(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val a = tide_async_gen(a15_body, NULL);
    await_log(next_(a), "a next");
    await_log(return_(a, broken15()), "a return");
    await_log(next_(a), "a next");
    tide_release(a);
    tide_val b = tide_async_gen(b15_body, NULL);
    await_log(next_(b), "b next");
    await_log(return_(b, broken15()), "b return");
    await_log(next_(b), "b next");
    tide_release(b);
    tide_val c = tide_async_gen(c15_body, NULL);
    await_log(next_(c), "c next");
    await_log(return_(c, broken15()), "c return");
    await_log(next_(c), "c next");
    tide_release(c);
    tide_val d = tide_async_gen(d15_body, NULL);
    await_log(next_(d), "d next");
    await_log(return_(d, broken15()), "d return");
    await_log(next_(d), "d next");
    tide_release(d);
    tide_val e = tide_async_gen(e15_body, NULL);
    await_log(next_(e), "e next");
    await_log(return_(e, thenable("then called", "then threw", true)), "e return");
    tide_release(e);
    return 0;
}

DRIVER_SETUP(15, 30, main15)

/* 15. At a yield, return(x) awaits x inside the generator: a rejection (or a
 * thenable whose then throws) is thrown into the body at the yield; a catch
 * can return or yield; finally still runs; unhandled, return() rejects.
 * (The broken-promise form, a `constructor` getter that throws: N/A in C.) */
static void checklist_15(void **state UNUSED) { run_checklist("checklist_15", setup_15, NULL); }

static tide_val g16, h16, release16;
static int order16;
static bool valueisset16;

static int g16_returned(void *data UNUSED, tide_val r, tide_val *out UNUSED) {
    trace("g return %s valueisset %s order %d", res(r), valueisset16 ? "true" : "false",
          ++order16);
    return 0;
}

static int g16_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    then_do(return_(g16, tide_int(42)), g16_returned, NULL);
    valueisset16 = true;
    YIELD(g, tide_int(1));
    trace("must not run");
    return 0;
}

static int g16_later(void *data UNUSED, tide_val r, tide_val *out UNUSED) {
    trace("g later next %s order %d", res(r), ++order16);
    return 0;
}

static int g16_next(void *data UNUSED, tide_val r, tide_val *out UNUSED) {
    trace("g next %s order %d", res(r), ++order16);
    then_do(next_(g16), g16_later, NULL);
    return 0;
}

static int h16_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    then_log(throw_(h16, err("queued throw")), "h throw");
    YIELD(g, tide_int(1));
    trace("must not run");
    return 0;
}

static int h16_next(void *data UNUSED, tide_val r, tide_val *out UNUSED) {
    trace("h next %s", res(r));
    then_log(next_(h16), "h later next");
    return 0;
}

static int k16_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val v;
    trace("k start");
    release16 = tide_promise_new();
    int rc = tide_await(tide_retain(release16), &v);
    if (rc < 0)
        return *out = v, rc;
    trace("k resumed");
    YIELD(g, tide_int(1));
    trace("must not run");
    return 0;
}

static int m16_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in, in2; /* try { await null; yield 1; } finally { yield 'm-finally' } */
    int rc = tide_await(tide_null(), &in);
    if (rc == 0) {
        tide_release(in);
        rc = tide_yield(g, tide_int(1), &in);
        if (rc == 0) {
            trace("must not run");
            tide_clear(&in);
        }
    }
    trace("m finally");
    int rc2 = tide_yield(g, tide_str_new("m-finally"), &in2);
    if (rc2 != 0) {
        tide_release(in);
        return *out = in2, rc2;
    }
    tide_release(in2);
    if (rc != 0)
        return *out = in, rc;
    return 0;
}

static void setup_16(void) {
    witness(8);
    order16 = 0;
    valueisset16 = false;
    g16 = tide_async_gen(g16_body, NULL);
    then_do(next_(g16), g16_next, NULL);
    h16 = tide_async_gen(h16_body, NULL);
    then_do(next_(h16), h16_next, NULL);
    tide_val k = tide_async_gen(k16_body, NULL);
    then_log(next_(k), "k next");
    then_log(return_(k, tide_str_new("r")), "k return");
    then_log(next_(k), "k later next");
    tide_release(k);
    tide_val m = tide_async_gen(m16_body, NULL);
    then_log(next_(m), "m next");
    then_log(return_(m, tide_str_new("mr")), "m return");
    then_log(next_(m), "m later next");
    then_log(next_(m), "m last next");
    tide_release(m);
    trace("releasing k");
    tide_promise_resolve(release16, tide_undefined());
    trace("main end");
}

static void after_16(void) {
    tide_release(g16);
    tide_release(h16);
    tide_release(release16);
}

/* 16. return(v) issued while the body runs or awaits is only queued: the
 * in-flight next() settles first with its yield value, then return()
 * resolves {v,true}; throw(e) issued in that state is queued the same way.
 * A queued return() that reaches a yield inside try/finally runs the
 * finally. */
static void checklist_16(void **state UNUSED) { run_checklist("checklist_16", setup_16, after_16); }

static tide_val blocking17, blocking17b;
static bool unblocked17;

static int g17_body(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out) {
    tide_val v;
    trace("g start");
    int rc = tide_await(tide_retain(blocking17), &v);
    if (rc < 0)
        return *out = v, rc;
    unblocked17 = true;
    trace("g completed");
    return 0;
}

static int h17_body(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out) {
    tide_val v;
    int rc = tide_await(tide_retain(blocking17b), &v);
    if (rc < 0)
        return *out = v, rc;
    trace("h completed");
    return 0;
}

static int ret17_ok(void *data UNUSED, tide_val r UNUSED, tide_val *out UNUSED) {
    trace("return fulfilled: must not happen");
    return 0;
}

static int ret17_err(void *data UNUSED, tide_val e, tide_val *out UNUSED) {
    trace("return rejected %s, unblocked %s", js(e), unblocked17 ? "true" : "false");
    return 0;
}

static void setup_17(void) {
    witness(8);
    unblocked17 = false;
    blocking17 = tide_promise_new();
    tide_val it = tide_async_gen(g17_body, NULL);
    then_log(next_(it), "next");
    tide_val bad = thenable("then called", "broken promise", true);
    tide_release(tide_promise_then(return_(it, bad), ret17_ok, ret17_err, NULL));
    then_log(next_(it), "queued next");
    tide_release(it);
    blocking17b = tide_promise_new();
    tide_val it2 = tide_async_gen(h17_body, NULL);
    then_log(next_(it2), "h next");
    then_log(return_(it2, tide_promise_rejected(err("rejected"))), "h return");
    tide_release(it2);
    trace("unblocking");
    tide_promise_resolve(blocking17, tide_undefined());
    tide_promise_resolve(blocking17b, tide_undefined());
    trace("main end");
}

static void after_17(void) {
    tide_release(blocking17);
    tide_release(blocking17b);
}

/* 17. A return(bad) queued behind a running body rejects with the
 * resolution error only after the body has completed. (The broken promise,
 * a `constructor` getter that throws, is N/A in C: a thenable whose then
 * throws and a rejected promise stand in for it.) */
static void checklist_17(void **state UNUSED) { run_checklist("checklist_17", setup_17, after_17); }

/* ======================================================================
 * C. throw(e)
 * ====================================================================== */

static tide_val err18, p18;

static int g18_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    trace("body ran");
    YIELD(g, tide_int(1));
    return 0;
}

static int a18_ok(void *data UNUSED, tide_val r, tide_val *out UNUSED) {
    trace("a throw fulfilled %s", res(r));
    return 0;
}

static int a18_err(void *data UNUSED, tide_val e, tide_val *out UNUSED) {
    trace("a throw rejected, same error %s: %s", same(e, err18), js(e));
    return 0;
}

static int b18_ok(void *data UNUSED, tide_val r, tide_val *out UNUSED) {
    trace("b throw fulfilled %s", res(r));
    return 0;
}

static int b18_err(void *data UNUSED, tide_val e, tide_val *out UNUSED) {
    trace("b throw rejected, same promise %s: %s", same(e, p18), js(e));
    return 0;
}

static void setup_18(void) {
    witness(3);
    err18 = err("boom");
    tide_val a = tide_async_gen(g18_body, NULL);
    tide_release(tide_promise_then(throw_(a, tide_retain(err18)), a18_ok, a18_err, NULL));
    then_log(next_(a), "a next");
    tide_release(a);
    p18 = tide_promise_resolved(tide_str_new("inner"));
    tide_val b = tide_async_gen(g18_body, NULL);
    tide_release(tide_promise_then(throw_(b, tide_retain(p18)), b18_ok, b18_err, NULL));
    then_log(next_(b), "b next");
    tide_release(b);
    tide_val c = tide_async_gen(g18_body, NULL);
    then_log(throw_(c, tide_str_new("a string")), "c throw");
    tide_release(c);
    trace("main end");
}

static void after_18(void) {
    tide_release(err18);
    tide_release(p18);
}

/* 18. throw(e) on a generator that has not started never runs the body and
 * rejects with exactly e; a promise argument is not awaited; afterwards
 * next() resolves done. */
static void checklist_18(void **state UNUSED) { run_checklist("checklist_18", setup_18, after_18); }

static tide_val err19;

static int g19_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in; /* try { yield 1 } catch (e) { ... } finally { ... } */
    int rc = tide_yield(g, tide_int(1), &in);
    if (rc < 0) {
        trace("catch ran: must not");
        tide_clear(&in);
        rc = 0;
    }
    trace("finally ran");
    if (rc != 0)
        return *out = in, rc;
    tide_release(in);
    return 0;
}

static int main19(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val a = tide_async_gen(g19_body, NULL);
    await_log(next_(a), "a next");
    await_log(next_(a), "a next");
    await_rejects_with(throw_(a, tide_retain(err19)), err19, "a throw");
    await_log(next_(a), "a next");
    tide_release(a);
    tide_val b = tide_async_gen(g19_body, NULL);
    await_log(next_(b), "b next");
    await_log(return_(b, tide_str_new("r")), "b return");
    await_rejects_with(throw_(b, tide_retain(err19)), err19, "b throw");
    tide_release(b);
    return 0;
}

static void setup_19(void) {
    err19 = err("boom");
    witness(12);
    tide_release(tide_async(main19, NULL));
    trace("main end");
}

static void after_19(void) { tide_release(err19); }

/* 19. throw(e) on a completed generator rejects with e and runs no user
 * code. */
static void checklist_19(void **state UNUSED) { run_checklist("checklist_19", setup_19, after_19); }

static tide_val err20;

static int g20_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    trace("g start");
    YIELD(g, tide_int(1));
    trace("must not run");
    return 0;
}

static int h20_body(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out) {
    tide_val v;
    trace("h start");
    int rc = tide_await(tide_null(), &v);
    if (rc < 0)
        return *out = v, rc;
    return *out = err("escaped after await"), TIDE_EIO;
}

static int k20_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    YIELD(g, tide_int(1));
    return *out = err("escaped after yield"), TIDE_EIO;
}

static int main20(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val a = tide_async_gen(g20_body, NULL);
    await_log(next_(a), "a next");
    await_rejects_with(throw_(a, tide_retain(err20)), err20, "a throw");
    await_log(next_(a), "a next");
    tide_release(a);
    tide_val b = tide_async_gen(h20_body, NULL);
    await_log(next_(b), "b next");
    await_log(next_(b), "b next");
    tide_release(b);
    tide_val c = tide_async_gen(k20_body, NULL);
    await_log(next_(c), "c next");
    await_log(next_(c), "c next");
    await_log(next_(c), "c next");
    tide_release(c);
    return 0;
}

static void setup_20(void) {
    witness(14);
    err20 = err("thrown in");
    tide_release(tide_async(main20, NULL));
    trace("main end");
}

static void after_20(void) { tide_release(err20); }

/* 20. At a yield with no handler, throw(e) rejects with e and completes the
 * generator; any exception escaping the body rejects the current request. */
static void checklist_20(void **state UNUSED) { run_checklist("checklist_20", setup_20, after_20); }

static int g21_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in; /* try { yield 1; ... } catch (e) { ...; yield 'from-catch' } */
    int rc = tide_yield(g, tide_int(1), &in);
    if (rc == TIDE_RETURN)
        return *out = in, rc;
    if (rc == 0) {
        trace("must not run");
    } else {
        trace("g caught %s", js(in));
        tide_clear(&in);
        YIELD(g, tide_str_new("from-catch"));
    }
    tide_release(in);
    trace("g after catch");
    return 0;
}

static int h21_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in; /* try { yield 1 } catch (e) { ...; return 'returned-from-catch' } */
    int rc = tide_yield(g, tide_int(1), &in);
    if (rc == TIDE_RETURN)
        return *out = in, rc;
    if (rc < 0) {
        trace("h caught %s", js(in));
        tide_release(in);
        return tide_gen_return(g, tide_str_new("returned-from-catch"), out);
    }
    tide_release(in);
    return 0;
}

static tide_val thrown21;

static int k21_body(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in; /* try { yield 1 } catch (e) { ...; yield 'k-from-catch' } */
    int rc = tide_yield(g, tide_int(1), &in);
    if (rc == TIDE_RETURN)
        return *out = in, rc;
    if (rc < 0) {
        trace("k caught %s, same promise %s", js(in), same(in, thrown21));
        tide_clear(&in);
        YIELD(g, tide_str_new("k-from-catch"));
    }
    tide_release(in);
    return 0;
}

static int main21(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val a = tide_async_gen(g21_body, NULL);
    await_log(next_(a), "a next");
    await_log(throw_(a, err("e1")), "a throw");
    await_log(next_(a), "a next");
    tide_release(a);
    tide_val b = tide_async_gen(h21_body, NULL);
    await_log(next_(b), "b next");
    await_log(throw_(b, err("e2")), "b throw");
    await_log(next_(b), "b next");
    tide_release(b);
    tide_val c = tide_async_gen(k21_body, NULL);
    await_log(next_(c), "c next");
    await_log(throw_(c, tide_retain(thrown21)), "c throw");
    await_log(next_(c), "c next");
    tide_release(c);
    return 0;
}

static void setup_21(void) {
    witness(16);
    thrown21 = tide_promise_resolved(tide_str_new("p"));
    tide_release(tide_async(main21, NULL));
    trace("main end");
}

static void after_21(void) { tide_release(thrown21); }

/* 21. At a yield inside try{}catch{}, throw(e) enters the catch; the throw()
 * promise resolves with what the catch block yields or returns. A promise
 * thrown in is not awaited: the catch receives the promise. */
static void checklist_21(void **state UNUSED) { run_checklist("checklist_21", setup_21, after_21); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(checklist_1),  cmocka_unit_test(checklist_2),
        cmocka_unit_test(checklist_3),  cmocka_unit_test(checklist_4),
        cmocka_unit_test(checklist_5),  cmocka_unit_test(checklist_6),
        cmocka_unit_test(checklist_7),  cmocka_unit_test(checklist_8),
        cmocka_unit_test(checklist_10), cmocka_unit_test(checklist_11),
        cmocka_unit_test(checklist_12), cmocka_unit_test(checklist_13),
        cmocka_unit_test(checklist_15), cmocka_unit_test(checklist_16),
        cmocka_unit_test(checklist_17), cmocka_unit_test(checklist_18),
        cmocka_unit_test(checklist_19), cmocka_unit_test(checklist_20),
        cmocka_unit_test(checklist_21),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
