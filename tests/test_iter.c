/* for await: checklist section F (items 39-48), each against its JavaScript
 * twin tests/js/checklist_N.js run by Node. Section G (Async-from-Sync
 * iterators) is in test_iter_from_sync.c.
 *
 * Item 41 follows ECMA-262 2023+ (closeOnRejection, ecma262 PR #2600), which
 * Node 20 does not have yet: its trace is compared with the spec's, written
 * out here, and Node's output is checked to differ from it by exactly the
 * documented lines.
 *
 * The iterators are hand-written tide_classes whose methods trace each call
 * as their JavaScript twins' methods log it. Async bodies run on coroutines
 * and never assert (cmocka longjmps): they trace, and tests compare traces
 * once the loop has run. */
#include "iter_support.h"

/* ---- F. for await ---------------------------------------------------------- */

/* 39: over an async iterable, each next() result is awaited once and value
 * is not: the loop variable can be a promise; one tick per iteration. */
static tide_val next39_wrapped(tide_val self, tide_val v) {
    tide_val value;
    bool done;
    tide_release(v);
    tide_iter_next(st(self)->held, tide_undefined(), &value, &done);
    return tide_promise_resolved(tide_iter_result(value, done));
}
static tide_val next39_bare(tide_val self, tide_val v) {
    tide_val value;
    bool done;
    tide_release(v);
    tide_iter_next(st(self)->held, tide_undefined(), &value, &done);
    return tide_iter_result(value, done);
}
ASYNC_CLASS(wrapped39, next39_wrapped, NULL);
ASYNC_CLASS(bare39, next39_bare, NULL);

static int run39(void *arg, tide_val *out UNUSED) {
    const tide_class *cls = arg;
    const char *label = cls == &wrapped39 ? "wrapped" : "bare";
    tide_val p = tide_promise_resolved(tide_int(0)), x, e;
    int rc;
    witness(3);
    trace("%s pre", label);
    tide_val arr = tide_array_new(2);
    tide_array_push(arr, tide_retain(p));
    tide_array_push(arr, str("b"));
    tide_val it = make(cls, label, 0);
    st(it)->held = tide_iter_get(arr);
    tide_release(arr);
    tide_for_await (x, it, &rc, &e) {
        trace("%s loop %s %s", label, tide_equal(x, p) ? "the promise" : show(x),
              tf(tide_is_promise(x)));
        tide_release(x);
    }
    trace("%s post", label);
    tide_release(p);
    return 0;
}

static int job39(void *msg, tide_val v UNUSED, tide_val *out UNUSED) {
    return trace("%s", (const char *)msg), 0;
}
/* Promise.resolve().then(() => log(msg)) */
static void queue_log(const char *msg) {
    tide_val p = tide_promise_resolved(tide_undefined());
    tide_release(tide_promise_then(p, job39, NULL, (void *)msg));
}

static int ag39(tide_gen *g, void *arg UNUSED, tide_val *out) {
    for (int i = 1; i <= 3; i++) {
        tide_val in;
        if (i == 2)
            queue_log("gen job 2");
        trace("gen yields %d", i);
        int rc = tide_yield(g, tide_int(i), &in);
        if (rc != 0)
            return *out = in, rc;
        tide_release(in);
    }
    return 0;
}

static int early39(void *data UNUSED, tide_val r, tide_val *out UNUSED) {
    return trace("early next %s", show(tide_iter_result_value(r))), 0;
}

/* An async generator: a job queued by the body or by the loop runs before
 * the loop gets its next value, and a queued next() is served first. */
static int generator39(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val x, e;
    int rc;
    tide_await(tide_null(), NULL);
    tide_for_await (x, tide_async_gen(ag39, NULL), &rc, &e) {
        trace("body %s", show(x));
        if (tide_get_int(x) == 1)
            queue_log("body job");
    }
    trace("after");
    witness(9);
    tide_for_await (x, tide_async_gen(ag39, NULL), &rc, &e)
        trace("body2 %s", show(x));
    trace("after2");
    tide_await(tide_null(), NULL);
    tide_val it = tide_async_gen(ag39, NULL);
    tide_val first = tide_async_iter_next(it, tide_undefined());
    tide_release(tide_promise_then(first, early39, NULL, NULL));
    tide_for_await (x, it, &rc, &e)
        trace("body3 %s", show(x));
    trace("after3");
    return 0;
}

static int main39(void *arg UNUSED, tide_val *out UNUSED) {
    tide_await(tide_async(run39, (void *)&wrapped39), NULL);
    tide_await(tide_async(run39, (void *)&bare39), NULL);
    tide_await(tide_async(generator39, NULL), NULL);
    return 0;
}

static void checklist_39(void **state UNUSED) {
    run(main39);
    expect_node("checklist_39");
}

/* 40: over a sync iterable or array, promise elements are awaited (the
 * loop variable is the fulfilment value); two ticks per iteration. */
static int gen40(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in;
    int rc = tide_yield(g, tide_promise_resolved(str("a")), &in);
    if (rc == 0) {
        tide_release(in);
        rc = tide_yield(g, str("b"), &in);
    }
    if (rc != 0)
        return *out = in, rc;
    tide_release(in);
    return 0;
}

static int array40(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val p = tide_promise_resolved(tide_int(0)), x, e;
    int rc;
    witness(4);
    trace("array pre");
    tide_val arr = tide_array_new(1);
    tide_array_push(arr, p);
    tide_for_await (x, arr, &rc, &e) {
        trace("array loop %s %s", show(x), tf(tide_is_promise(x)));
        tide_release(x);
    }
    trace("array post");
    return 0;
}

static int gen_loop40(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val x, e;
    int rc;
    witness(6);
    trace("gen pre");
    tide_for_await (x, tide_generator(gen40, NULL), &rc, &e) {
        trace("gen loop %s", show(x));
        tide_release(x);
    }
    trace("gen post");
    return 0;
}

static void then40(tide_val self UNUSED, tide_val resolver) {
    trace("then called");
    tide_promise_resolve(resolver, str("T"));
    tide_release(resolver);
}
static const tide_class thenable40 = {.name = "Thenable", .then = then40};

/* A thenable element is adopted: its then runs in a job of its own. */
static int thenable_loop40(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val arr = tide_array_new(2), x, e;
    int rc;
    tide_array_push(arr, tide_object_new(&thenable40, 0));
    tide_array_push(arr, str("plain"));
    witness(8);
    trace("thenable pre");
    tide_for_await (x, arr, &rc, &e) {
        trace("thenable loop %s", show(x));
        tide_release(x);
    }
    trace("thenable post");
    return 0;
}

static int main40(void *arg UNUSED, tide_val *out UNUSED) {
    tide_await(tide_async(array40, NULL), NULL);
    tide_await(tide_async(gen_loop40, NULL), NULL);
    tide_await(tide_async(thenable_loop40, NULL), NULL);
    return 0;
}

static void checklist_40(void **state UNUSED) {
    run(main40);
    expect_node("checklist_40");
}

/* 41: a sync iterable yielding a rejected promise (done: false) throws the
 * reason at the loop head and closes the sync iterator; inside an async
 * generator, that generator's next() rejects and it completes. (Spec.) */
static int gen41(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in;
    trace("gen start");
    int rc = tide_yield(g, tide_promise_rejected(str("reject")), &in);
    if (rc == 0) {
        trace("unreachable");
        tide_clear(&in);
    }
    trace("gen finally");
    *out = in;
    return rc;
}

/* mode 1: the first value is plain, the second rejected, and return()
 * throws (ignored: the rejection reason wins). */
static int next41(tide_val self, tide_val v, tide_val *value, bool *done) {
    it_state *s = st(self);
    tide_release(v);
    trace("next %d", ++s->i);
    *value = s->mode && s->i == 1 ? tide_int(1) : tide_promise_rejected(tide_str_fmt("r%d", s->i));
    *done = false;
    return 0;
}
static int return41(tide_val self, tide_val v, tide_val *value, bool *done) {
    trace("return %d", tide_is_undefined(v) ? 0 : 1);
    *done = false;
    if (st(self)->mode) {
        tide_release(v);
        return *value = err("close error"), TIDE_EIO;
    }
    *value = v;
    return 0;
}
SYNC_CLASS(iter41, next41, return41, NULL);

/* async function* ag() { try { for await (x of gen()) yield x; } finally {...} } */
static int ag41(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val x, e, in = tide_undefined();
    int rc, yrc = 0;
    tide_for_await (x, tide_generator(gen41, NULL), &rc, &e) {
        if ((yrc = tide_yield(g, x, &in)) == TIDE_RETURN)
            break;
        if (yrc < 0)
            tide_for_await_throw(yrc, in);
        tide_clear(&in);
    }
    trace("ag finally");
    if (rc < 0)
        return *out = e, rc;
    *out = in;
    return yrc;
}

static int main41(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val x, e, r;
    int rc;
    witness(3);
    tide_for_await (x, tide_generator(gen41, NULL), &rc, &e) {
        trace("body %s", show(x));
        tide_release(x);
    }
    if (rc < 0)
        trace("caught %s", why(e));
    tide_release(e);
    for (int mode = 0; mode < 2; mode++) {
        tide_for_await (x, make(&iter41, "", mode), &rc, &e) {
            trace("body %s", show(x));
            tide_release(x);
        }
        if (rc < 0)
            trace("caught %s", why(e));
        tide_release(e);
    }
    tide_val it = tide_async_gen(ag41, NULL);
    if (tide_await(tide_async_iter_next(it, tide_undefined()), &r) < 0)
        trace("ag next rejected %s", why(r));
    tide_release(r);
    tide_await(tide_async_iter_next(it, tide_undefined()), &r);
    trace("ag next %s %s", show(tide_iter_result_value(r)), tf(tide_iter_result_done(r)));
    tide_release(r);
    tide_release(it);
    return 0;
}

static void checklist_41(void **state UNUSED) {
    static const char *const want =
        "gen start\n"
        "tick 1\n"
        "gen finally\n"
        "tick 2\n"
        "caught reject\n"
        "next 1\n"
        "tick 3\n"
        "return 0\n"
        "caught r1\n"
        "next 1\n"
        "body 1\n"
        "next 2\n"
        "return 0\n"
        "caught r2\n"
        "gen start\n"
        "gen finally\n"
        "ag finally\n"
        "ag next rejected reject\n"
        "ag next undefined true\n";
    /* Node 20: no closeOnRejection, so none of these lines. */
    static const char *const node_lacks[] = {"gen finally", NULL, "return 0", NULL, "return 0",
                                             NULL, "gen finally", NULL, NULL};
    run(main41);
    expect_spec("checklist_41", want, node_lacks);
}

/* 42: next() throwing or rejecting ends the loop with that error; return()
 * is not called. */
static int next42(tide_val self, tide_val v, tide_val *value, bool *done) {
    it_state *s = st(self);
    tide_release(v);
    trace("sync next %d", ++s->i);
    *done = false;
    if (s->i == 2)
        return *value = err("next threw"), TIDE_EIO;
    *value = tide_int(s->i);
    return 0;
}
static int return42(tide_val self UNUSED, tide_val v, tide_val *value, bool *done) {
    trace("sync return");
    *value = v;
    *done = false;
    return 0;
}
SYNC_CLASS(sync42, next42, return42, NULL);

static tide_val anext42(tide_val self, tide_val v) {
    it_state *s = st(self);
    tide_release(v);
    trace("async next %d", ++s->i);
    if (s->i == 2)
        return tide_promise_rejected(err("next rejected"));
    return tide_promise_resolved(tide_iter_result(tide_int(s->i), false));
}
static tide_val areturn42(tide_val self UNUSED, tide_val v) {
    trace("async return");
    tide_release(v);
    return tide_promise_resolved(tide_iter_result(tide_undefined(), true));
}
ASYNC_CLASS(async42, anext42, areturn42);

static int main42(void *arg UNUSED, tide_val *out UNUSED) {
    const tide_class *classes[] = {&sync42, &async42};
    for (int k = 0; k < 2; k++) {
        tide_val x, e;
        int rc;
        tide_for_await (x, make(classes[k], "", 0), &rc, &e) {
            trace("body %s", show(x));
            tide_release(x);
        }
        if (rc < 0)
            trace("caught %s", why(e));
        tide_release(e);
    }
    return 0;
}

static void checklist_42(void **state UNUSED) {
    run(main42);
    expect_node("checklist_42");
}

/* 43: an awaited next() result that is not an object: TypeError, and
 * return() is not called. mode 1: next returns a promise of it. */
static tide_val next43(tide_val self, tide_val v) {
    it_state *s = st(self);
    tide_release(v);
    trace("%s next %d", s->label, ++s->i);
    tide_val r = s->i == 1 ? tide_iter_result(str("ok"), false) : tide_int(42);
    return s->mode ? tide_promise_resolved(r) : r;
}
static tide_val return43(tide_val self, tide_val v) {
    trace("%s return", st(self)->label);
    tide_release(v);
    return tide_iter_result(tide_undefined(), true);
}
ASYNC_CLASS(iter43, next43, return43);

static int main43(void *arg UNUSED, tide_val *out UNUSED) {
    const char *labels[] = {"plain", "promise"};
    for (int k = 0; k < 2; k++) {
        tide_val x, e;
        int rc;
        tide_for_await (x, make(&iter43, labels[k], k), &rc, &e) {
            trace("%s body %s", labels[k], show(x));
            tide_release(x);
        }
        if (rc < 0)
            trace("%s caught %s", labels[k], why(e));
        tide_release(e);
    }
    return 0;
}

static void checklist_43(void **state UNUSED) {
    run(main43);
    expect_node("checklist_43");
}

/* 44: break, return and a labelled continue close the iterator: return()
 * called once with no argument, awaited before what follows. A NULL return
 * slot is an absent method. (Reads of `return` through a getter: N/A.) */
static tide_val next44(tide_val self, tide_val v) {
    tide_release(v);
    return tide_promise_resolved(tide_iter_result(tide_int(++st(self)->i), false));
}
static int settle44(void *label, tide_val v UNUSED, tide_val *out) {
    trace("%s return settles", (const char *)label);
    *out = tide_iter_result(str("ignored"), true);
    return 0;
}
static tide_val return44(tide_val self, tide_val v) {
    const char *label = st(self)->label;
    trace("%s return called, arguments %d", label, tide_is_undefined(v) ? 0 : 1);
    tide_release(v);
    tide_val p = tide_promise_resolved(tide_undefined());
    return tide_promise_then(p, settle44, NULL, (void *)label);
}
ASYNC_CLASS(iter44, next44, return44);

static tide_val next44_null(tide_val self UNUSED, tide_val v) {
    tide_release(v);
    return tide_iter_result(str("n"), false);
}
ASYNC_CLASS(null44, next44_null, NULL);

/* function* sg() / async function* ag(name): yield 1; yield 2; finally log. */
static int gen44(tide_gen *g, void *name, tide_val *out) {
    tide_val in;
    int rc = tide_yield(g, tide_int(1), &in);
    if (rc == 0) {
        tide_release(in);
        rc = tide_yield(g, tide_int(2), &in);
    }
    trace("%s finally", (const char *)name);
    if (rc == 0)
        tide_clear(&in);
    *out = in;
    return rc;
}

static int via_return44(void *arg UNUSED, tide_val *out) {
    tide_val x, e;
    int rc;
    tide_for_await (x, make(&iter44, "return", 0), &rc, &e) {
        trace("return body %s", show(x));
        tide_release(x);
        *out = str("early");
        return 0;
    }
    return 0;
}

static int main44(void *arg UNUSED, tide_val *out UNUSED) {
    static const char *const rounds[] = {"continue 1", "continue 2"};
    tide_val x, e, r;
    int rc;
    witness(4);
    tide_for_await (x, make(&iter44, "break", 0), &rc, &e) {
        trace("break body %s", show(x));
        tide_release(x);
        break;
    }
    trace("after break");
    tide_await(tide_async(via_return44, NULL), &r);
    trace("function resolved %s", show(r));
    tide_release(r);
    for (int round = 1; round <= 2; round++) {
        tide_for_await (x, make(&iter44, rounds[round - 1], 0), &rc, &e) {
            trace("continue body %d %s", round, show(x));
            tide_release(x);
            goto continue_outer;
        }
        trace("unreachable");
    continue_outer:;
    }
    trace("after continue");
    int count = 0;
    tide_for_await (x, make(&null44, "", 0), &rc, &e) {
        count++;
        trace("null body %s", show(x));
        tide_release(x);
        break;
    }
    trace("after null %d", count);
    witness(6);
    tide_for_await (x, tide_generator(gen44, "sg"), &rc, &e) {
        trace("sg body %s", show(x));
        tide_release(x);
        break;
    }
    trace("after sg");
    witness(12);
    tide_val a, b;
    int rc2;
    tide_val e2;
    tide_for_await (a, tide_async_gen(gen44, "outer"), &rc, &e) {
        tide_for_await (b, tide_async_gen(gen44, "inner"), &rc2, &e2) {
            trace("nested %s %s", show(a), show(b));
            goto after_nested; /* break outer */
        }
    }
after_nested:
    trace("after nested");
    return 0;
}

static void checklist_44(void **state UNUSED) {
    run(main44);
    expect_node("checklist_44");
}

/* 45 and 46: return() for a body that throws (45: closing errors ignored)
 * and for a break (46: closing errors propagate). The close's outcome by
 * mode: 0 fulfils, 1 rejects, 2 not an object, 3 not an object (no promise).
 * (A throwing getter, a non-callable `return` and a synchronous throw from
 * return(): N/A, a vtable slot is a C function or NULL and returns a value.) */
static tide_val next45(tide_val self, tide_val v) {
    tide_release(v);
    return tide_promise_resolved(tide_iter_result(str(st(self)->label), false));
}
static tide_val close_result(int mode) {
    switch (mode) {
    case 0:
        return tide_iter_result(tide_undefined(), true);
    case 1:
        return tide_promise_rejected(err("close error"));
    default:
        return tide_int(7);
    }
}
static int settle45(void *mode, tide_val v UNUSED, tide_val *out) {
    trace("return settles");
    *out = close_result((int)(intptr_t)mode);
    return 0;
}
static tide_val return45(tide_val self, tide_val v) {
    it_state *s = st(self);
    trace("%s return called, arguments %d", s->label, tide_is_undefined(v) ? 0 : 1);
    tide_release(v);
    return tide_promise_then(tide_promise_resolved(tide_undefined()), settle45, NULL,
                             (void *)(intptr_t)s->mode);
}
ASYNC_CLASS(iter45, next45, return45);

static int main45(void *arg UNUSED, tide_val *out UNUSED) {
    const char *labels[] = {"fulfils", "rejects", "non-object"};
    for (int k = 0; k < 3; k++) {
        tide_val x, e;
        int rc;
        tide_for_await (x, make(&iter45, labels[k], k), &rc, &e) {
            trace("body %s", show(x));
            tide_release(x);
            tide_for_await_throw(TIDE_EIO, err("body error"));
        }
        if (rc < 0)
            trace("%s caught %s", labels[k], why(e));
        tide_release(e);
    }
    return 0;
}

static void checklist_45(void **state UNUSED) {
    run(main45);
    expect_node("checklist_45");
}

static tide_val return46(tide_val self, tide_val v) {
    it_state *s = st(self);
    trace("%s return called", s->label);
    tide_release(v);
    tide_val r = close_result(s->mode);
    return s->mode == 0 || s->mode == 2 ? tide_promise_resolved(r) : r;
}
ASYNC_CLASS(iter46, next45, return46);

static int main46(void *arg UNUSED, tide_val *out UNUSED) {
    const struct {
        const char *label;
        int mode;
    } cases[] = {{"rejects", 1}, {"non-object", 2}, {"non-object plain", 3}, {"fulfils", 0}};
    for (int k = 0; k < 4; k++) {
        tide_val x, e;
        int rc;
        tide_for_await (x, make(&iter46, cases[k].label, cases[k].mode), &rc, &e) {
            trace("body %s", show(x));
            tide_release(x);
            break;
        }
        if (rc < 0)
            trace("%s caught %s", cases[k].label, why(e));
        else
            trace("%s after loop", cases[k].label);
        tide_release(e);
    }
    return 0;
}

static void checklist_46(void **state UNUSED) {
    run(main46);
    expect_node("checklist_46");
}

/* 47: a loop that runs to done: true never calls return(). */
static tide_val anext47(tide_val self, tide_val v) {
    int i = ++st(self)->i;
    tide_release(v);
    return tide_promise_resolved(i <= 2 ? tide_iter_result(tide_int(i), false)
                                        : tide_iter_result(str("end"), true));
}
static tide_val areturn47(tide_val self UNUSED, tide_val v) {
    trace("async return");
    return tide_promise_resolved(tide_iter_result(v, true));
}
ASYNC_CLASS(async47, anext47, areturn47);

static int snext47(tide_val self, tide_val v, tide_val *value, bool *done) {
    int i = ++st(self)->i;
    tide_release(v);
    *done = i > 2;
    *value = *done ? str("end") : tide_int(i * 10);
    return 0;
}
static int sreturn47(tide_val self UNUSED, tide_val v, tide_val *value, bool *done) {
    trace("sync return");
    *value = v;
    *done = true;
    return 0;
}
SYNC_CLASS(sync47, snext47, sreturn47, NULL);

static int main47(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val x, e;
    int rc;
    tide_for_await (x, make(&async47, "", 0), &rc, &e) {
        trace("async body %s", show(x));
        tide_release(x);
    }
    trace("async after");
    tide_for_await (x, make(&sync47, "", 0), &rc, &e) {
        trace("sync body %s", show(x));
        tide_release(x);
    }
    trace("sync after");
    return 0;
}

static void checklist_47(void **state UNUSED) {
    run(main47);
    expect_node("checklist_47");
}

/* 48: break out of for await over an async generator runs its finally
 * (through return()) before the code after the loop; a return out of the
 * loop settles the function after it; an error from the finally propagates
 * after a break and loses to the body's own error; return() on a generator
 * suspended inside its own for await closes the inner one first. arg: the
 * finally fails. */
static int ag48(tide_gen *g, void *fails, tide_val *out) {
    tide_val in;
    int rc = tide_yield(g, tide_int(1), &in);
    if (rc == 0) {
        tide_release(in);
        trace("unreachable");
        rc = tide_yield(g, tide_int(2), &in);
    }
    trace("finally start");
    tide_await(tide_null(), NULL);
    trace("finally end");
    if (fails) {
        tide_release(in);
        return *out = err("finally error"), TIDE_EIO;
    }
    if (rc == 0)
        tide_clear(&in);
    *out = in;
    return rc;
}

/* for await (x of ag()) { log('outer got', yield x); } finally { log(...) } */
static int outer48(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val x, e, in = tide_undefined();
    int rc, yrc = 0;
    tide_for_await (x, tide_async_gen(ag48, NULL), &rc, &e) {
        if ((yrc = tide_yield(g, x, &in)) == TIDE_RETURN)
            break;
        if (yrc < 0)
            tide_for_await_throw(yrc, in);
        trace("outer got %s", show(in));
        tide_clear(&in);
    }
    trace("outer finally");
    if (rc < 0)
        return *out = e, rc;
    *out = in;
    return yrc;
}

static int via_return48(void *arg UNUSED, tide_val *out) {
    tide_val x, e;
    int rc;
    tide_for_await (x, tide_async_gen(ag48, NULL), &rc, &e) {
        trace("return body %s", show(x));
        tide_release(x);
        *out = str("early");
        return 0;
    }
    return 0;
}

static int main48(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val x, e, r;
    int rc;
    witness(8);
    tide_for_await (x, tide_async_gen(ag48, NULL), &rc, &e) {
        trace("body %s", show(x));
        tide_release(x);
        break;
    }
    trace("after loop");
    tide_await(tide_async(via_return48, NULL), &r);
    trace("function resolved %s", show(r));
    tide_release(r);
    tide_for_await (x, tide_async_gen(ag48, (void *)1), &rc, &e) {
        trace("break body %s", show(x));
        tide_release(x);
        break;
    }
    if (rc < 0)
        trace("break caught %s", why(e));
    else
        trace("not reached");
    tide_release(e);
    tide_for_await (x, tide_async_gen(ag48, (void *)1), &rc, &e) {
        trace("throw body %s", show(x));
        tide_release(x);
        tide_for_await_throw(TIDE_EIO, err("body error"));
    }
    trace("throw caught %s", why(e));
    tide_release(e);
    tide_val it = tide_async_gen(outer48, NULL);
    step("outer next", tide_async_iter_next(it, tide_undefined()));
    witness(8);
    step("outer return", tide_async_iter_return(it, str("r")));
    step("outer next", tide_async_iter_next(it, tide_undefined()));
    tide_release(it);
    return 0;
}

static void checklist_48(void **state UNUSED) {
    run(main48);
    expect_node("checklist_48");
}

/* A NULL next slot: the loop's first step rejects with a TypeError, the
 * body never runs and return() is not called (the loop reads next once, at
 * its start, as GetIterator does). */
static tide_val return_logged(tide_val self UNUSED, tide_val v) {
    trace("return");
    tide_release(v);
    return tide_iter_result(tide_undefined(), true);
}
ASYNC_CLASS(no_next_iter, NULL, return_logged);

/* The JavaScript twins' catch after a loop that must throw: traces what was
 * caught, or that the loop ended without. e taken. */
static int caught(int rc, tide_val e) {
    if (rc < 0)
        trace("caught %s", why(e));
    else
        trace("not reached");
    tide_release(e);
    return 0;
}

static int main_no_next(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val x, e;
    int rc;
    tide_for_await (x, make(&no_next_iter, "n", 0), &rc, &e) {
        trace("body %s", show(x));
        tide_release(x);
    }
    return caught(rc, e);
}

static void for_await_next_not_callable(void **state UNUSED) {
    run(main_no_next);
    expect_node("for_await_next_not_callable");
}

/* tide_for_await_throw from a loop nested in the body ends the for await at
 * its next step although its `break` leaves only the inner loop (nothing
 * follows it in this body) — over an async generator that yields plain
 * values too, whose steps hand them over directly. */
static int ten_nested(tide_gen *g, void *arg UNUSED, tide_val *out) {
    int rc = 0;
    for (int i = 0; i < 10 && rc == 0; i++)
        rc = tide_yield(g, tide_int(i), out);
    if (rc == 0)
        trace("body ends");
    trace("body finally");
    if (rc == 0)
        *out = tide_undefined();
    return rc;
}

static int main_throw_nested(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val x, e;
    int rc;
    tide_for_await (x, tide_async_gen(ten_nested, NULL), &rc, &e) {
        long i = (long)tide_get_int(x);
        tide_release(x);
        trace("item %ld", i);
        for (int k = 0; k < 1; k++)
            if (i == 2)
                tide_for_await_throw(TIDE_EIO, err("stop"));
    }
    return caught(rc, e);
}

static void for_await_throw_nested(void **state UNUSED) {
    run(main_throw_nested);
    expect_node("for_await_throw_nested");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(for_await_next_not_callable),
        cmocka_unit_test(for_await_throw_nested),
        cmocka_unit_test(checklist_39), cmocka_unit_test(checklist_40),
        cmocka_unit_test(checklist_41), cmocka_unit_test(checklist_42),
        cmocka_unit_test(checklist_43), cmocka_unit_test(checklist_44),
        cmocka_unit_test(checklist_45), cmocka_unit_test(checklist_46),
        cmocka_unit_test(checklist_47), cmocka_unit_test(checklist_48),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
