/* Sync generators and the sync iterator protocol: generator states,
 * re-entry, for-of (break, throw, errors from next), spread, a hand-written
 * iterable, close-on-release and nested loops. Where the behaviour is
 * JavaScript's, the trace is compared with tests/js/gen_*.js run by Node.
 *
 * Generator bodies run on coroutines and never assert (cmocka longjmps):
 * they trace or record, and the tests assert on the main stack. */
#include "support.h"

#define UNUSED __attribute__((unused))

/* ---- Helpers ------------------------------------------------------------- */

static tide_val str(const char *s) { return tide_str_new(s); }
static tide_val err(const char *msg) { return tide_error_new(TIDE_EIO, "%s", msg); }

static const char *why(tide_val e) {
    if (tide_error_code(e) == TIDE_ETYPE)
        return "TypeError";
    return tide_is_error(e) ? tide_error_message(e) : show(e);
}

/* Traces "<label> <value> <done>" for a protocol call that returned, or
 * "<label> threw <why>"; releases the value. Returns rc. */
static int shown(const char *label, int rc, tide_val v, bool done) {
    if (rc < 0)
        trace("%s threw %s", label, why(v));
    else
        trace("%s %s %s", label, show(v), done ? "true" : "false");
    tide_release(v);
    return rc;
}

static int next_show(const char *label, tide_val it, tide_val arg) {
    tide_val v;
    bool d;
    int rc = tide_iter_next(it, arg, &v, &d);
    return shown(label, rc, v, d);
}

static int return_show(const char *label, tide_val it, tide_val arg) {
    tide_val v;
    bool d;
    int rc = tide_iter_return(it, arg, &v, &d);
    return shown(label, rc, v, d);
}

static int throw_show(const char *label, tide_val it, tide_val e) {
    tide_val v;
    bool d;
    int rc = tide_iter_throw(it, e, &v, &d);
    return shown(label, rc, v, d);
}

static void assert_live_coroutines(size_t n) {
    tide_coro_stats s;
    tide_coro_get_stats(&s);
    assert_int_equal(s.live, n);
}

/* Runs fn on the main stack with a loop around it (its teardown reaps the
 * last finished coroutine), then checks that no coroutine is left. */
static void program(void (*fn)(void)) {
    tide_loop *l;
    assert_int_equal(tide_loop_new(&l, NULL), 0);
    trace_reset();
    fn();
    assert_int_equal(tide_loop_run(l), 0);
    assert_int_equal(tide_loop_free(l), 0);
    assert_live_coroutines(0);
}

/* arr.join(sep) for an array of strings or ints (static buffer). */
static const char *join(tide_val arr, const char *sep) {
    static char buf[256];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < tide_array_len(arr); i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? sep : "",
                                show(tide_array_get(arr, i)));
    return buf;
}

/* ---- Generator states ---------------------------------------------------- */

static int g_states(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in;
    trace("body start");
    int rc = tide_yield(g, tide_int(1), &in);
    if (rc == 0) {
        trace("got %s", show(in));
        tide_release(in);
        rc = tide_yield(g, tide_int(2), &in);
    }
    trace("finally");
    if (rc != 0)
        return *out = in, rc;
    tide_release(in);
    trace("body end");
    *out = str("ret");
    return 0;
}

static void states(void) {
    tide_val it = tide_generator(g_states, NULL);
    next_show("next", it, str("dropped"));
    next_show("next", it, str("a"));
    next_show("next", it, str("b"));
    next_show("next", it, str("c"));
    next_show("next", it, tide_undefined());
    tide_release(it);

    it = tide_generator(g_states, NULL);
    return_show("return at start", it, str("v"));
    next_show("next", it, tide_undefined());
    tide_release(it);

    it = tide_generator(g_states, NULL);
    tide_val v;
    bool d;
    if (tide_iter_throw(it, err("e"), &v, &d) < 0)
        trace("throw at start threw %s", why(v));
    else
        trace("not thrown");
    tide_release(v);
    next_show("next", it, tide_undefined());
    tide_release(it);
}

/* next after completion gives {undefined, true}; return(v) at suspendedStart
 * runs nothing and gives {v, true}; throw(e) there throws e and completes. */
static void gen_states(void **state UNUSED) {
    program(states);
    expect_node("gen_states");
}

static int g_return_finally(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in, x;
    int rc = tide_yield(g, tide_int(1), &in);
    if (rc == 0) {
        trace("unreachable");
        tide_clear(&in);
    }
    trace("cleanup"); /* finally { ... } */
    int rc2 = tide_yield(g, str("from finally"), &x);
    if (rc2 != 0) { /* a return/throw at the finally's yield replaces the completion */
        tide_release(in);
        return *out = x, rc2;
    }
    trace("cleanup end %s", show(x));
    tide_release(x);
    *out = in;
    return rc;
}

/* try { yield 1; } finally { return 'override'; } */
static int g_override(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in;
    tide_yield(g, tide_int(1), &in);
    tide_release(in);
    *out = str("override");
    return 0;
}

static void return_finally(void) {
    tide_val it = tide_generator(g_return_finally, NULL);
    next_show("next", it, tide_undefined());
    return_show("return", it, str("v"));
    next_show("next", it, str("n"));
    next_show("next", it, tide_undefined());
    tide_release(it);
    it = tide_generator(g_override, NULL);
    next_show("next", it, tide_undefined());
    return_show("return", it, str("v"));
    next_show("next", it, tide_undefined());
    tide_release(it);
}

/* return(v) at a yield whose finally yields again: return() gives that
 * yield, the next next() finishes the finally and gives {v, true}. A
 * finally that returns a value of its own overrides v. */
static void gen_return_finally(void **state UNUSED) {
    program(return_finally);
    expect_node("gen_return_finally");
}

static int g_throw_caught(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in;
    int rc;
    for (int round = 1; round <= 2; round++) {
        rc = tide_yield(g, tide_str_fmt("waiting %d", round), &in);
        if (rc < 0) { /* catch (e) */
            trace("caught %s", why(in));
            tide_release(in);
            rc = tide_yield(g, tide_str_fmt("recovered %d", round), &in);
        }
        if (rc != 0)
            return *out = in, rc;
        tide_release(in);
    }
    if ((rc = tide_yield(g, str("last"), &in)) != 0)
        return *out = in, rc;
    tide_release(in);
    return 0;
}

static void throw_caught(void) {
    tide_val it = tide_generator(g_throw_caught, NULL);
    next_show("next", it, tide_undefined());
    throw_show("throw", it, err("first"));
    next_show("next", it, tide_undefined());
    throw_show("throw", it, err("second"));
    tide_val v;
    bool d;
    if (tide_iter_throw(it, err("third"), &v, &d) < 0)
        trace("escaped %s", why(v));
    tide_release(v);
    next_show("next", it, tide_undefined());
    tide_release(it);
}

/* throw(e) at a yield enters the body's catch and gives what it yields next;
 * an uncaught throw escapes and completes the generator. */
static void gen_throw_caught(void **state UNUSED) {
    program(throw_caught);
    expect_node("gen_throw_caught");
}

/* ---- Re-entry and await ---------------------------------------------------- */

static char reentry_msg[3][128];

static int g_reentrant(tide_gen *g, void *arg, tide_val *out UNUSED) {
    tide_val self = *(tide_val *)arg, v, in;
    bool d;
    static const char *const names[] = {"next", "return", "throw"};
    for (int k = 0; k < 3; k++) {
        int rc = k == 0   ? tide_iter_next(self, tide_int(1), &v, &d)
                 : k == 1 ? tide_iter_return(self, tide_int(1), &v, &d)
                          : tide_iter_throw(self, tide_int(1), &v, &d);
        if (rc < 0) {
            trace("%s %s", names[k], why(v));
            snprintf(reentry_msg[k], sizeof reentry_msg[k], "%s", tide_error_message(v));
        } else {
            trace("%s returned", names[k]);
        }
        tide_release(v);
    }
    int rc = tide_yield(g, str("still running"), &in);
    if (rc == 0)
        tide_clear(&in);
    *out = in;
    return rc;
}

static tide_val reentrant;

static void already_running(void) {
    reentrant = tide_generator(g_reentrant, &reentrant);
    next_show("next", reentrant, tide_undefined());
    next_show("next", reentrant, tide_undefined());
    tide_release(reentrant);
}

/* next / return / throw on a generator from inside its own body: TIDE_ETYPE
 * "already running"; the body goes on. */
static void gen_already_running(void **state UNUSED) {
    program(already_running);
    expect_node("gen_already_running");
    for (int k = 0; k < 3; k++)
        assert_non_null(strstr(reentry_msg[k], "already running"));
}

static int await_rc, await_code, for_await_rc, body_ran;

static int g_awaits(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val v, x, e;
    await_rc = tide_await(tide_int(1), &v);
    await_code = tide_error_code(v);
    tide_release(v);
    tide_for_await (x, tide_array_new(0), &for_await_rc, &e)
        body_ran = 1, tide_release(x);
    tide_release(e);
    int rc = tide_yield(g, tide_int(1), &v);
    if (rc == 0)
        tide_clear(&v);
    *out = v;
    return rc;
}

static void drive_awaits(void) {
    tide_val it = tide_generator(g_awaits, NULL), v;
    bool d;
    tide_iter_next(it, tide_undefined(), &v, &d);
    tide_release(v);
    tide_release(it);
}

static int drive_awaits_async(void *arg UNUSED, tide_val *out UNUSED) {
    drive_awaits();
    return 0;
}

/* tide_await (and so for await) in a sync generator's body: TIDE_ENOTASK,
 * whether the generator is driven from the main stack or from inside an
 * async function. */
static void gen_await_enotask(void **state UNUSED) {
    for (int k = 0; k < 2; k++) {
        await_rc = await_code = for_await_rc = body_ran = 0;
        if (k == 0)
            program(drive_awaits);
        else
            assert_int_equal(run_async(drive_awaits_async, NULL, NULL, 0), TIDE_FULFILLED);
        assert_int_equal(await_rc, TIDE_ENOTASK);
        assert_int_equal(await_code, TIDE_ENOTASK);
        assert_int_equal(for_await_rc, TIDE_ENOTASK);
        assert_int_equal(body_ran, 0);
    }
}

/* ---- for-of ---------------------------------------------------------------- */

static int count_status;

static int g_count(tide_gen *g, void *arg UNUSED, tide_val *out) {
    for (int i = 1;; i++) {
        tide_val in;
        trace("yield %d", i);
        int rc = tide_yield(g, tide_int(i), &in);
        if (rc != 0) {
            count_status = rc;
            trace("closed");
            return *out = in, rc;
        }
        tide_release(in);
    }
}

static void for_of_break(void) {
    tide_val x, e;
    int rc;
    tide_for_of (x, tide_generator(g_count, NULL), &rc, &e) {
        trace("body %s", show(x));
        if (tide_get_int(x) == 2)
            break;
    }
    trace("after loop");
    assert_int_equal(rc, 0);
}

/* break closes the iterator: the body's yield returns TIDE_RETURN. */
static void gen_for_of_break(void **state UNUSED) {
    count_status = 0;
    program(for_of_break);
    expect_node("gen_for_of_break");
    assert_int_equal(count_status, TIDE_RETURN);
}

typedef struct label_state {
    const char *label;
    int i;
} label_state;

static tide_val labelled(const tide_class *cls, const char *label) {
    tide_val o = tide_object_new(cls, sizeof(label_state));
    ((label_state *)tide_object_data(o))->label = label;
    return o;
}

static int next_label(tide_val self, tide_val v, tide_val *value, bool *done) {
    tide_release(v);
    *value = str(((label_state *)tide_object_data(self))->label);
    *done = false;
    return 0;
}
static int return_throws(tide_val self, tide_val v, tide_val *value, bool *done) {
    trace("%s return called", ((label_state *)tide_object_data(self))->label);
    tide_release(v);
    *done = false;
    return *value = err("close error"), TIDE_EIO;
}
static const tide_class throwing_close = {
    .name = "ThrowingClose", .iter = &(const tide_iter_methods){next_label, return_throws, NULL}};

static int g_close_throws(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in;
    int rc = tide_yield(g, str("gen"), &in);
    tide_release(in);
    if (rc != 0) {
        trace("gen cleanup throws");
        return *out = err("gen close error"), TIDE_EIO;
    }
    return 0;
}

static void for_of_throw(void) {
    tide_val x, e;
    int rc;
    tide_val iterables[] = {labelled(&throwing_close, "object"),
                            tide_generator(g_close_throws, NULL)};
    for (int k = 0; k < 2; k++) {
        tide_for_of (x, iterables[k], &rc, &e) {
            trace("body %s", show(x));
            tide_release(x);
            tide_for_of_throw(TIDE_EIO, err("body error"));
        }
        trace("caught %s", why(e));
        tide_release(e);
    }
    tide_for_of (x, labelled(&throwing_close, "break"), &rc, &e) {
        trace("body %s", show(x));
        tide_release(x);
        break;
    }
    if (rc < 0)
        trace("caught %s", why(e));
    else
        trace("not reached");
    tide_release(e);
    tide_for_of (x, tide_generator(g_close_throws, NULL), &rc, &e) {
        trace("body %s", show(x));
        tide_release(x);
        break;
    }
    if (rc < 0)
        trace("caught %s", why(e));
    else
        trace("not reached");
    tide_release(e);
}

/* A throw out of the body closes the iterator, ignores closing errors, and
 * the body's error wins; after a break, a closing error is reported. */
static void gen_for_of_throw(void **state UNUSED) {
    program(for_of_throw);
    expect_node("gen_for_of_throw");
}

static int next_fails_third(tide_val self, tide_val v, tide_val *value, bool *done) {
    int i = ++((label_state *)tide_object_data(self))->i;
    tide_release(v);
    trace("next %d", i);
    *done = false;
    if (i == 3)
        return *value = err("next error"), TIDE_EIO;
    *value = tide_int(i);
    return 0;
}
static int return_traced(tide_val self UNUSED, tide_val v, tide_val *value, bool *done) {
    trace("return called");
    *value = v;
    *done = true;
    return 0;
}
static const tide_class failing_next = {
    .name = "FailingNext",
    .iter = &(const tide_iter_methods){next_fails_third, return_traced, NULL}};

static int g_failing(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in;
    int rc = tide_yield(g, tide_int(1), &in);
    trace("gen finally");
    if (rc != 0)
        return *out = in, rc;
    tide_release(in);
    return *out = err("gen error"), TIDE_EIO;
}

static void for_of_next_error(void) {
    tide_val x, e;
    int rc;
    tide_val iterables[] = {labelled(&failing_next, ""), tide_generator(g_failing, NULL)};
    for (int k = 0; k < 2; k++) {
        tide_for_of (x, iterables[k], &rc, &e) {
            trace("body %s", show(x));
            tide_release(x);
        }
        if (rc < 0)
            trace("caught %s", why(e));
        tide_release(e);
    }
}

/* An error from next() ends the loop with that error; the iterator is not
 * closed (return() is not called). */
static void gen_for_of_next_error(void **state UNUSED) {
    program(for_of_next_error);
    expect_node("gen_for_of_next_error");
}

/* ---- Spread ---------------------------------------------------------------- */

static int g_letters(tide_gen *g, void *arg UNUSED, tide_val *out) {
    for (const char *c = "abc"; *c; c++) {
        tide_val in;
        int rc = tide_yield(g, tide_str_newn(c, 1), &in);
        if (rc != 0)
            return *out = in, rc;
        tide_release(in);
    }
    *out = str("not included");
    return 0;
}
static int g_empty(tide_gen *g UNUSED, void *arg UNUSED, tide_val *out UNUSED) { return 0; }
static int g_broken(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val in;
    int rc = tide_yield(g, tide_int(1), &in);
    if (rc != 0)
        return *out = in, rc;
    tide_release(in);
    return *out = err("broken"), TIDE_EIO;
}

static void show_array(const char *label, tide_val arr) {
    trace("%s %zu %s", label, tide_array_len(arr), join(arr, ","));
    tide_release(arr);
}

static void to_array(void) {
    show_array("generator", tide_iter_to_array(tide_generator(g_letters, NULL)));
    tide_val arr = tide_array_new(3);
    for (int i = 1; i <= 3; i++)
        tide_array_push(arr, tide_int(i));
    show_array("array", tide_iter_to_array(arr));
    show_array("empty", tide_iter_to_array(tide_generator(g_empty, NULL)));
    tide_val r = tide_iter_to_array(tide_generator(g_broken, NULL));
    if (tide_is_error(r))
        trace("broken threw %s", why(r));
    tide_release(r);
}

/* [...iterable] over generators (the return value left out) and arrays; a
 * generator that throws gives its error. */
static void gen_to_array(void **state UNUSED) {
    program(to_array);
    expect_node("gen_to_array");
}

/* ---- Seed 000's ponyfoo ---------------------------------------------------- */

static const char ponyfoo_items[] = "ponyfoo";

static int ponyfoo_next(tide_val self, tide_val v, tide_val *value, bool *done) {
    size_t *i = tide_object_data(self);
    tide_release(v);
    *done = *i >= sizeof ponyfoo_items - 1;                   /* items.length === 0 */
    *value = *done ? tide_undefined() : tide_str_newn(&ponyfoo_items[(*i)++], 1); /* shift */
    return 0;
}
static tide_val ponyfoo_iterator(tide_val self UNUSED);
static const tide_class ponyfoo_class = {
    .name = "ponyfoo",
    .iterator = ponyfoo_iterator,
    .iter = &(const tide_iter_methods){ponyfoo_next, NULL, NULL},
};
/* [Symbol.iterator]: a fresh iterator each time. */
static tide_val ponyfoo_iterator(tide_val self UNUSED) {
    return tide_object_new(&ponyfoo_class, sizeof(size_t));
}

static void ponyfoo(void) {
    tide_val pf = tide_object_new(&ponyfoo_class, sizeof(size_t)), x, e, arr;
    int rc;
    tide_for_of (x, tide_retain(pf), &rc, &e) {
        trace("%s", show(x));
        tide_release(x);
    }
    arr = tide_iter_to_array(tide_retain(pf));
    trace("%s", join(arr, ""));
    tide_release(arr);
    arr = tide_iter_to_array(tide_retain(pf));
    trace("%zu", tide_array_len(arr));
    tide_release(arr);
    tide_for_of (x, tide_retain(pf), &rc, &e) {
        trace("first %s", show(x));
        tide_release(x);
        break;
    }
    arr = tide_iter_to_array(pf);
    trace("again %s", join(arr, ""));
    tide_release(arr);
}

/* A hand-written iterable (a class with `iterator` and an `iter` next) with
 * for-of and spread. */
static void gen_ponyfoo(void **state UNUSED) {
    program(ponyfoo);
    expect_node("gen_ponyfoo");
}

/* ---- Close on release -------------------------------------------------------- */

static int release_status[8], nreleased;

/* arg non-NULL: the clean-up yields once more (a finally that yields). */
static int g_released(tide_gen *g, void *arg, tide_val *out) {
    tide_val in;
    trace("start");
    int rc = tide_yield(g, tide_int(1), &in);
    release_status[nreleased++] = rc;
    trace("cleanup");
    if (arg && rc == TIDE_RETURN) {
        tide_release(in);
        rc = tide_yield(g, str("in cleanup"), &in);
        release_status[nreleased++] = rc;
        trace("cleanup resumed");
    }
    *out = in;
    return rc;
}

static void released(void) {
    tide_val v;
    bool d;
    tide_val it = tide_generator(g_released, NULL);
    tide_release(it); /* suspendedStart: nothing runs */
    trace("released at start");
    it = tide_generator(g_released, NULL);
    tide_iter_next(it, tide_undefined(), &v, &d);
    tide_release(it); /* suspended at a yield: closed as return() would */
    trace("released at yield");
    it = tide_generator(g_released, (void *)1);
    tide_iter_next(it, tide_undefined(), &v, &d);
    tide_release(it); /* its clean-up yields: closed again */
    trace("released at yield, cleanup yields");
    it = tide_generator(g_released, NULL);
    tide_iter_next(it, tide_undefined(), &v, &d);
    tide_iter_next(it, tide_undefined(), &v, &d);
    tide_release(it); /* completed */
    trace("released when done");
}

/* Releasing the last reference to a generator suspended at a yield runs its
 * clean-up: the yield returns TIDE_RETURN (tide's rule; JavaScript's
 * collector just drops the frame, so there is no Node twin). */
static void gen_release_suspended(void **state UNUSED) {
    nreleased = 0;
    program(released);
    assert_string_equal(trace_buf, "released at start\n"
                                   "start\ncleanup\nreleased at yield\n"
                                   "start\ncleanup\ncleanup resumed\n"
                                   "released at yield, cleanup yields\n"
                                   "start\ncleanup\nreleased when done\n");
    assert_int_equal(nreleased, 4);
    assert_int_equal(release_status[0], TIDE_RETURN);
    assert_int_equal(release_status[1], TIDE_RETURN);
    assert_int_equal(release_status[2], TIDE_RETURN);
    assert_int_equal(release_status[3], 0); /* the completed one: a next() */
}

/* ---- Nested loops ---------------------------------------------------------- */

static int g_range(tide_gen *g, void *name, tide_val *out) {
    int rc = 0;
    tide_val in = tide_undefined();
    for (int i = 1; i <= 3 && rc == 0; i++)
        if ((rc = tide_yield(g, tide_int(i), &in)) == 0)
            tide_clear(&in);
    trace("close %s", (const char *)name); /* finally */
    *out = in;
    return rc;
}

/* Yields from inside nested loops of its own; a return request leaves both
 * (goto: the inner iterator is closed first). */
static int g_flatten(tide_gen *g, void *arg UNUSED, tide_val *out) {
    tide_val a, b, e1, e2, in = tide_undefined();
    int rc1, rc2, rc = 0;
    tide_for_of (a, tide_generator(g_range, "src 1"), &rc1, &e1) {
        tide_for_of (b, tide_generator(g_range, "src 2"), &rc2, &e2) {
            if ((rc = tide_yield(g, tide_int(tide_get_int(a) * 10 + tide_get_int(b)), &in)) != 0)
                goto done;
            tide_clear(&in);
        }
    }
done:
    *out = in;
    return rc;
}

static void nested(void) {
    static const char *const inner[] = {"inner 1", "inner 2", "inner 3"};
    static const char *const thrower[] = {"thrower 1", "thrower 2", "thrower 3"};
    tide_val a, b, e1, e2, e3;
    int rc1, rc2, rc3;
    tide_for_of (a, tide_generator(g_range, "outer"), &rc1, &e1) {
        int ai = (int)tide_get_int(a);
        tide_for_of (b, tide_generator(g_range, (void *)inner[ai - 1]), &rc2, &e2) {
            if (tide_get_int(b) == 2)
                break;
            trace("pair %d %d", ai, (int)tide_get_int(b));
        }
        tide_for_of (b, tide_generator(g_range, (void *)thrower[ai - 1]), &rc3, &e3) {
            trace("thrower body %d %d", ai, (int)tide_get_int(b));
            char msg[32];
            snprintf(msg, sizeof msg, "inner error %d", ai);
            tide_for_of_throw(TIDE_EIO, err(msg));
        }
        if (rc3 < 0)
            trace("outer body caught %s", why(e3));
        tide_release(e3);
    }
    tide_for_of (a, tide_generator(g_range, "A"), &rc1, &e1) {
        tide_for_of (b, tide_generator(g_range, "B"), &rc2, &e2) {
            trace("labelled %d %d", (int)tide_get_int(a), (int)tide_get_int(b));
            if (tide_get_int(a) == 1 && tide_get_int(b) == 2)
                goto after; /* break outer */
        }
    }
after:
    trace("after");
    tide_for_of (a, tide_generator(g_flatten, NULL), &rc1, &e1) {
        trace("flat %s", show(a));
        if (tide_get_int(a) == 12)
            break;
    }
    trace("after flat");
}

/* Nested for-of: break and tide_for_of_throw act on the innermost loop; a
 * goto out of both closes the inner iterator, then the outer one; a
 * generator yielding from its own nested loops is closed the same way. */
static void gen_nested_for_of(void **state UNUSED) {
    program(nested);
    expect_node("gen_nested_for_of");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gen_states),
        cmocka_unit_test(gen_return_finally),
        cmocka_unit_test(gen_throw_caught),
        cmocka_unit_test(gen_already_running),
        cmocka_unit_test(gen_await_enotask),
        cmocka_unit_test(gen_for_of_break),
        cmocka_unit_test(gen_for_of_throw),
        cmocka_unit_test(gen_for_of_next_error),
        cmocka_unit_test(gen_to_array),
        cmocka_unit_test(gen_ponyfoo),
        cmocka_unit_test(gen_release_suspended),
        cmocka_unit_test(gen_nested_for_of),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
