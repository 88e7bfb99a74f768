/* The task layer: async functions, await, tide_run.
 *
 * Ordering tests rebuild tests/js/task_*.js with tide and compare the trace
 * with Node's output (expect_node); a "witness chain" registered first
 * (Promise.resolve().then(t1).then(t2)...) counts the ticks an await takes.
 * Async bodies run on coroutines and never call cmocka assertions (they
 * longjmp): they trace or record, and tests assert once the loop has run. */
#include <pthread.h>
#include <semaphore.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#include "coro/coro.h"

#define UNUSED __attribute__((unused))

/* ---- Helpers ----------------------------------------------------------- */

/* A reaction that traces "<data> <value>", or the message of an error. */
static int log_then(void *data, tide_val v, tide_val *out UNUSED) {
    if (tide_is_error(v))
        trace("%s %s", (const char *)data, tide_error_message(v));
    else
        trace("%s %s", (const char *)data, show(v));
    return 0;
}

static int tick_then(void *data, tide_val v UNUSED, tide_val *out UNUSED) {
    return trace("tick %d", (int)(intptr_t)data), 0;
}

/* Promise.resolve().then(() => log('tick 1')).then(... 'tick 2') ... */
static void witness(int n) {
    tide_val p = tide_promise_resolved(tide_undefined());
    for (int i = 1; i <= n; i++)
        p = tide_promise_then(p, tick_then, NULL, (void *)(intptr_t)i);
    tide_release(p);
}

static int label_then(void *data, tide_val v UNUSED, tide_val *out UNUSED) {
    return trace("%s", (const char *)data), 0;
}

/* p.then(v => log(label + ' ' + v)); p is taken. */
static void then_log(tide_val p, const char *label) {
    tide_release(tide_promise_then(p, log_then, NULL, (void *)label));
}

/* A rejection handler that ignores the reason (JavaScript's .catch(() => {})). */
static int swallow(void *data UNUSED, tide_val v UNUSED, tide_val *out UNUSED) { return 0; }

static void assert_live_coroutines(size_t n) {
    tide_coro_stats s;
    tide_coro_get_stats(&s);
    assert_int_equal(s.live, n);
}

/* Makes a loop, runs setup() on the main stack, runs the loop dry, frees it,
 * checks no coroutine is left. */
static void run_program(void (*setup)(void)) {
    tide_loop *l;
    assert_int_equal(tide_loop_new(&l, NULL), 0);
    trace_reset();
    setup();
    assert_int_equal(tide_loop_run(l), 0);
    assert_int_equal(tide_loop_free(l), 0);
    assert_live_coroutines(0);
}

/* test_NAME runs setup_NAME's program and compares its trace with what Node
 * prints for tests/js/task_NAME.js. */
#define NODE_TEST(name)                                                        \
    static void test_##name(void **state UNUSED) {                             \
        run_program(setup_##name);                                             \
        expect_node("task_" #name);                                            \
    }

/* setup_NAME: a witness chain of n ticks, then fn started, then "main end". */
#define WITNESS_SETUP(name, n, fn)                                             \
    static void setup_##name(void) {                                           \
        witness(n);                                                            \
        tide_release(tide_async(fn, NULL));                                    \
        trace("main end");                                                     \
    }

/* tide_await that returns the value traced as JavaScript's String(v) would
 * (an error as its message), releasing it. */
static int await_show(tide_val v, const char *label) {
    tide_val r;
    int rc = tide_await(v, &r);
    if (rc < 0 && tide_is_error(r))
        trace("%s %s", label, tide_error_message(r));
    else
        trace("%s %s", label, show(r));
    tide_release(r);
    return rc;
}

/* Reads the temporary file f into buf and closes it. */
static void slurp(FILE *f, char *buf, size_t size) {
    rewind(f);
    buf[fread(buf, 1, size - 1, f)] = '\0';
    fclose(f);
}

/* Sends stderr to a temporary file until capture_end, which puts what was
 * printed in buf. */
static FILE *capture_begin(int *saved) {
    FILE *cap = tmpfile();
    fflush(stderr);
    *saved = dup(2);
    dup2(fileno(cap), 2);
    return cap;
}

static void capture_end(FILE *cap, int saved, char *buf, size_t size) {
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    slurp(cap, buf, size);
}

/* ---- Synchronous start, fulfilment, rejection ---------------------------- */

static int f_sync(void *arg UNUSED, tide_val *out) {
    trace("f: start");
    tide_await(tide_null(), NULL);
    trace("f: resumed");
    return *out = tide_int(5), 0;
}

static int g_throws(void *arg UNUSED, tide_val *out) {
    trace("g: start");
    tide_await(tide_null(), NULL);
    return *out = tide_error_new(TIDE_EIO, "boom"), TIDE_EIO;
}

static int h_no_await(void *arg UNUSED, tide_val *out) {
    trace("h: start, no await");
    return *out = tide_str_new("early"), 0;
}

static void setup_sync_start(void) {
    trace("before f");
    tide_val pf = tide_async(f_sync, NULL);
    trace("after f");
    then_log(pf, "f fulfilled");
    tide_release(tide_promise_catch(tide_async(g_throws, NULL), log_then, "g rejected"));
    then_log(tide_async(h_no_await, NULL), "h fulfilled");
    trace("main end");
}

/* The body runs synchronously until its first await; the promise fulfils
 * with the return value, rejects with the thrown reason. */
NODE_TEST(sync_start)

/* Leaves *out undefined: the reason is made from the code. */
static int returns_code(void *arg, tide_val *out UNUSED) { return (int)(intptr_t)arg; }

/* A negative return with *out undefined rejects with an error made from the
 * code. */
static void test_rejection_from_code(void **state UNUSED) {
    tide_loop *l;
    assert_int_equal(tide_loop_new(&l, NULL), 0);
    tide_val p = tide_async(returns_code, (void *)(intptr_t)TIDE_EINVAL);
    assert_int_equal(tide_promise_state(p), TIDE_REJECTED);
    tide_val r = tide_promise_result(p);
    assert_int_equal(tide_error_code(r), TIDE_EINVAL);
    assert_string_equal(tide_error_message(r), tide_strerror(TIDE_EINVAL));
    tide_release(tide_promise_catch(p, swallow, NULL)); /* handle it */
    assert_int_equal(tide_loop_run(l), 0);
    assert_int_equal(tide_loop_free(l), 0);
}

/* ---- Await: tick counts against a witness chain ------------------------ */

static int f_await_settled(void *arg UNUSED, tide_val *out UNUSED) {
    trace("f start");
    await_show(tide_promise_resolved(tide_int(1)), "f got");
    await_show(tide_promise_resolved(tide_int(2)), "f got");
    return 0;
}

WITNESS_SETUP(await_settled, 5, f_await_settled)

/* await of a settled promise takes one tick. */
NODE_TEST(await_settled)

static int f_await_value(void *arg UNUSED, tide_val *out UNUSED) {
    trace("f start");
    await_show(tide_int(7), "f got");
    await_show(tide_undefined(), "f got");
    await_show(tide_str_new("text"), "f got");
    return 0;
}

WITNESS_SETUP(await_value, 5, f_await_value)

/* await of a plain value takes one tick too. */
NODE_TEST(await_value)

static tide_val pending_p;

static int tick_resolves(void *data, tide_val v, tide_val *out) {
    tick_then(data, v, out);
    if ((intptr_t)data == 2) {
        tide_promise_resolve(pending_p, tide_int(9));
        trace("resolved p");
    }
    return 0;
}

static int f_await_pending(void *arg UNUSED, tide_val *out UNUSED) {
    trace("f start");
    await_show(tide_retain(pending_p), "f got");
    return 0;
}

static void setup_await_pending(void) {
    pending_p = tide_promise_new();
    tide_val p = tide_promise_resolved(tide_undefined());
    for (int i = 1; i <= 5; i++)
        p = tide_promise_then(p, tick_resolves, NULL, (void *)(intptr_t)i);
    tide_release(p);
    tide_release(tide_async(f_await_pending, NULL));
    trace("main end");
}

/* await of a pending promise resumes the tick after it is resolved. */
static void test_await_pending(void **state UNUSED) {
    run_program(setup_await_pending);
    tide_release(pending_p);
    expect_node("task_await_pending");
}

static int rej_codes[3];

static void reject_later(void *data UNUSED) {
    tide_promise_reject(pending_p, tide_error_new(TIDE_ETIMEDOUT, "later"));
}

static int f_await_rejected(void *arg UNUSED, tide_val *out) {
    trace("f start");
    rej_codes[0] = await_show(tide_promise_rejected(tide_error_new(TIDE_EIO, "boom")), "f caught");
    rej_codes[1] = await_show(tide_promise_rejected(tide_int(42)), "f caught");
    tide_timer_start(NULL, 1, 0, reject_later, NULL);
    rej_codes[2] = await_show(tide_retain(pending_p), "f caught");
    return *out = tide_str_new("done"), 0;
}

static void setup_await_rejected(void) {
    witness(6);
    pending_p = tide_promise_new();
    then_log(tide_async(f_await_rejected, NULL), "f fulfilled");
    trace("main end");
}

/* await of a rejected promise returns the reason's code (TIDE_EREJECTED for
 * a reason that is no error) with the reason, one tick later. */
static void test_await_rejected(void **state UNUSED) {
    memset(rej_codes, 0, sizeof rej_codes);
    run_program(setup_await_rejected);
    tide_release(pending_p);
    assert_int_equal(rej_codes[0], TIDE_EIO);
    assert_int_equal(rej_codes[1], TIDE_EREJECTED);
    assert_int_equal(rej_codes[2], TIDE_ETIMEDOUT);
    expect_node("task_await_rejected");
}

/* then(resolve, reject) of a C thenable: "Good" resolves with 7, "Bad"
 * rejects, both synchronously. */
static void thenable_then(tide_val self, tide_val resolver) {
    bool good = strcmp(tide_object_class(self)->name, "Good") == 0;
    trace(good ? "then called" : "then called (rejects)");
    if (good)
        tide_promise_resolve(resolver, tide_int(7));
    else
        tide_promise_reject(resolver, tide_error_new(TIDE_ETYPE, "nope"));
    tide_release(resolver);
}
static const tide_class good_thenable = {.name = "Good", .then = thenable_then};
static const tide_class bad_thenable = {.name = "Bad", .then = thenable_then};
static int thenable_code;

static int f_await_thenable(void *arg UNUSED, tide_val *out UNUSED) {
    trace("f start");
    await_show(tide_object_new(&good_thenable, 0), "f got");
    thenable_code = await_show(tide_object_new(&bad_thenable, 0), "f caught");
    return 0;
}

WITNESS_SETUP(await_thenable, 8, f_await_thenable)

/* await of a thenable: then() runs a tick later, the await resumes the tick
 * after it resolves. */
static void test_await_thenable(void **state UNUSED) {
    thenable_code = 0;
    run_program(setup_await_thenable);
    assert_int_equal(thenable_code, TIDE_ETYPE);
    expect_node("task_await_thenable");
}

static int plain(void *arg UNUSED, tide_val *out) { return *out = tide_int(1), 0; }
static int adopting(void *arg UNUSED, tide_val *out) {
    return *out = tide_promise_resolved(tide_int(2)), 0;
}

static int awaiter(void *arg UNUSED, tide_val *out UNUSED) {
    await_show(tide_async(adopting, NULL), "awaiter got");
    return 0;
}

static void setup_return_promise(void) {
    witness(6);
    then_log(tide_async(adopting, NULL), "adopting fulfilled");
    then_log(tide_async(plain, NULL), "plain fulfilled");
    tide_release(tide_async(awaiter, NULL));
    trace("main end");
}

/* Returning a promise adopts it: two ticks more than returning a value. */
NODE_TEST(return_promise)

static int inner(void *arg, tide_val *out) {
    int n = (int)(intptr_t)arg;
    trace("inner %d start", n);
    tide_await(tide_null(), NULL);
    trace("inner %d mid", n);
    tide_await(tide_null(), NULL);
    trace("inner %d end", n);
    return *out = tide_int(n * 10), 0;
}

static int outer(void *arg UNUSED, tide_val *out) {
    tide_val a, b;
    trace("outer start");
    int rc = tide_await(tide_async(inner, (void *)1), &a);
    trace("outer got %s", show(a));
    rc |= tide_await(tide_async(inner, (void *)2), &b);
    trace("outer got %s", show(b));
    return *out = tide_int(tide_get_int(a) + tide_get_int(b)), rc;
}

static void setup_nested(void) {
    witness(7);
    then_log(tide_async(outer, NULL), "outer fulfilled");
    trace("main end");
}

/* An async function awaiting another. */
NODE_TEST(nested)

typedef struct worker_arg { const char *name; int n; } worker_arg;

static int worker(void *arg, tide_val *out) {
    worker_arg w = *(worker_arg *)arg;
    for (int i = 0; i < w.n; i++) {
        trace("%s %d", w.name, i);
        tide_await(tide_null(), NULL);
    }
    for (int i = 0; i < 2; i++) {
        tide_await(tide_immediate(), NULL);
        trace("%s immediate %d", w.name, i);
    }
    return *out = tide_str_new(w.name), 0;
}

static void setup_interleave(void) {
    static worker_arg a = {"A", 3}, b = {"B", 1}, c = {"C", 2};
    then_log(tide_async(worker, &a), "done");
    then_log(tide_async(worker, &b), "done");
    then_log(tide_async(worker, &c), "done");
    trace("main end");
}

/* Several async functions interleave their awaits round-robin. */
NODE_TEST(interleave)

static int first_ends(void *arg UNUSED, tide_val *out UNUSED) {
    tide_await(tide_null(), NULL);
    trace("first resumed, ends");
    return 0;
}

static void *reused_stack; /* first_ends's coroutine, for the check below */
static bool stack_reused;

static int second_awaits(void *arg UNUSED, tide_val *out UNUSED) {
    stack_reused = tide__coro_cur == reused_stack;
    trace("second start");
    await_show(tide_promise_resolved(tide_int(1)), "second after await");
    return 0;
}

static void start_second(void *data UNUSED) {
    tide_release(tide_async(second_awaits, NULL));
    trace("after second()");
}

static int note_stack(void *arg UNUSED, tide_val *out UNUSED) {
    reused_stack = tide__coro_cur;
    return first_ends(arg, out);
}

static void setup_stack_reuse(void) {
    stack_reused = false;
    tide_release(tide_async(note_stack, NULL));
    tide_immediate_start(NULL, start_second, NULL);
    trace("main end");
}

/* A task that ended after the loop resumed it leaves its coroutine to the
 * next one: that one, started from a callback, must not take the ended
 * task's place as the loop's next job (its await still yields). */
static void test_stack_reuse(void **state UNUSED) {
    run_program(setup_stack_reuse);
    expect_node("task_stack_reuse");
    assert_true(stack_reused); /* else the case was not exercised */
}

static int mixed(void *arg, tide_val *out) {
    worker_arg w = *(worker_arg *)arg;
    for (int i = 0; i < w.n; i++) {
        trace("%s %d", w.name, i);
        if (i % 3 == 0) {
            tide_await(tide_promise_resolved(tide_int(i)), NULL);
        } else if (i % 3 == 1) {
            tide_await(tide_int(i), NULL);
        } else {
            tide_val e;
            if (tide_await(tide_promise_rejected(tide_error_new(TIDE_EIO, "%s%d", w.name, i)),
                           &e) < 0)
                trace("%s caught %s", w.name, tide_error_message(e));
            tide_release(e);
        }
    }
    return *out = tide_str_new(w.name), 0;
}

static tide_val joiner_args[2];

static int joiner(void *arg UNUSED, tide_val *out UNUSED) {
    tide_val a = joiner_args[0], b = joiner_args[1]; /* the task's references */
    await_show(a, "joiner got");
    await_show(b, "joiner got");
    return 0;
}

static void setup_interleave_settled(void) {
    static worker_arg a = {"A", 5}, b = {"B", 4};
    witness(3);
    tide_val pa = tide_async(mixed, &a);
    tide_release(tide_promise_then(tide_promise_resolved(tide_undefined()), label_then, NULL,
                                   "between"));
    tide_val pb = tide_async(mixed, &b);
    joiner_args[0] = pa;
    joiner_args[1] = tide_retain(pb);
    tide_release(tide_async(joiner, NULL));
    then_log(pb, "b then");
    trace("main end");
}

/* Awaits of settled promises, values and rejections interleaved with other
 * reactions and with a task awaiting both: every continuation keeps its place
 * in the queue (the fast paths are invisible). */
NODE_TEST(interleave_settled)

/* ---- Many tasks ---------------------------------------------------------- */

#define MANY 10000
static long many_sum;

static int many_body(void *arg, tide_val *out) {
    long k = (long)(intptr_t)arg, n = 0;
    for (int i = 0; i < 10; i++)
        if (tide_await(tide_immediate(), NULL) == 0)
            n++;
    many_sum += k * n;
    return *out = tide_int(k), 0;
}

/* 10,000 async functions awaiting 10 immediates each all finish. */
static void test_many_tasks(void **state UNUSED) {
    tide_loop *l;
    assert_int_equal(tide_loop_new(&l, NULL), 0);
    many_sum = 0;
    tide_val *ps = calloc(MANY, sizeof *ps);
    for (long k = 0; k < MANY; k++)
        ps[k] = tide_async(many_body, (void *)(intptr_t)k);
    assert_live_coroutines(MANY);
    assert_int_equal(tide_loop_run(l), 0);
    long results = 0;
    for (long k = 0; k < MANY; k++) {
        assert_int_equal(tide_promise_state(ps[k]), TIDE_FULFILLED);
        results += tide_get_int(tide_promise_result(ps[k]));
        tide_release(ps[k]);
    }
    free(ps);
    assert_int_equal(tide_loop_free(l), 0);
    long expect = (long)MANY * (MANY - 1) / 2;
    assert_int_equal(results, expect);
    assert_int_equal(many_sum, 10 * expect);
    assert_live_coroutines(0);
}

static long live_allocs; /* allocations tide made and has not freed yet */
static long mallocs;     /* allocations tide made */
static void *count_malloc(size_t n) { return mallocs++, live_allocs++, malloc(n); }
static void *count_realloc(void *p, size_t n) { return mallocs += !p, live_allocs += !p, realloc(p, n); }
static void count_free(void *p) { live_allocs -= p != NULL, free(p); }

/* A burst of 3,000 tasks leaves their stacks pooled, far past pool_max
 * (1,024), and their 6,000 promises too, past the promise list's floor
 * (4,096; val/pool.h), for reuse: a second burst allocates next to nothing.
 * Once the loop has been idle for a few trim intervals (coro/coro.h: one to
 * see them unused, one to give them back, one for a trim the last frees
 * made just before), its trim timer has returned them — with nothing else
 * running. */
#define BURST 3000
static size_t pooled_after_burst, pooled_after_idle;
static long live_after_burst, live_after_idle, mallocs_second_burst;

static int hop_once(void *arg UNUSED, tide_val *out UNUSED) {
    return tide_await(tide_immediate(), NULL);
}

/* BURST tasks, each awaiting an immediate, awaited together. */
static int burst(void) {
    tide_val *ps = calloc(BURST, sizeof *ps); /* (too big for a 64 KiB stack) */
    for (int i = 0; i < BURST; i++)
        ps[i] = tide_async(hop_once, NULL);
    int rc = tide_await(tide_promise_all(ps, BURST), NULL);
    free(ps);
    return rc;
}

static int idle_watcher(void *arg UNUSED, tide_val *out UNUSED) {
    int rc = burst();
    tide_coro_stats s;
    tide_coro_get_stats(&s);
    pooled_after_burst = s.pooled;
    live_after_burst = live_allocs;
    long m0 = mallocs;
    if (rc == 0)
        rc = burst();
    mallocs_second_burst = mallocs - m0;
    if (rc == 0)
        rc = tide_await(tide_sleep(3 * TIDE__POOL_TRIM_MS + 500), NULL);
    tide_coro_get_stats(&s);
    pooled_after_idle = s.pooled;
    live_after_idle = live_allocs;
    return rc;
}

static void test_pool_trimmed_while_idle(void **state UNUSED) {
    tide_coro_config cfg;
    tide_coro_get_config(&cfg);
    tide_set_allocator(&(tide_allocator){count_malloc, count_realloc, count_free});
    live_allocs = mallocs = 0;
    tide_loop *l;
    assert_int_equal(tide_loop_new(&l, NULL), 0);
    tide_val p = tide_async(idle_watcher, NULL);
    assert_int_equal(tide_loop_run(l), 0); /* the trim timer does not hold the loop */
    assert_int_equal(tide_promise_state(p), TIDE_FULFILLED);
    tide_release(p);
    assert_int_equal(tide_loop_free(l), 0);
    tide_set_allocator(NULL);
    assert_int_equal(live_allocs, 0);
    assert_true(pooled_after_burst >= BURST - 1);
    assert_true(pooled_after_idle <= cfg.pool_max + 256); /* a slab goes whole or not at all */
    assert_true(mallocs_second_burst < BURST / 10);      /* promises, reactions reused */
    assert_true(live_after_idle < live_after_burst - BURST / 2); /* the excess given back */
}

/* The loop stopped in the middle of an immediate phase: the immediates the
 * phase had not run yet are dropped when the loop is freed, and the
 * promises they held are released (they leaked: the phase recycled their
 * records without a word). Counted with the allocator of the test's. */
static int resumed_after_stop;

static int stop_after_hop(void *arg UNUSED, tide_val *out UNUSED) {
    int rc = tide_await(tide_immediate(), NULL);
    tide_loop_stop(tide_loop_current());
    return rc;
}

static int hop_then_count(void *arg UNUSED, tide_val *out UNUSED) {
    int rc = tide_await(tide_immediate(), NULL);
    resumed_after_stop += rc == 0;
    return rc;
}

static void test_immediates_left_by_stop(void **state UNUSED) {
    tide_set_allocator(&(tide_allocator){count_malloc, count_realloc, count_free});
    live_allocs = mallocs = 0;
    resumed_after_stop = 0;
    tide_loop *l;
    assert_int_equal(tide_loop_new(&l, NULL), 0);
    tide_val ps[6];
    ps[0] = tide_async(stop_after_hop, NULL);
    for (int i = 1; i < 6; i++)
        ps[i] = tide_async(hop_then_count, NULL); /* their immediates: the same phase */
    assert_int_equal(tide_loop_run(l), 0);
    assert_int_equal(tide_promise_state(ps[0]), TIDE_FULFILLED);
    assert_int_equal(resumed_after_stop, 0); /* the phase ended at the stop */
    for (int i = 0; i < 6; i++)
        tide_release(ps[i]);
    assert_int_equal(tide_loop_free(l), 0); /* the five are cancelled, their immediates dropped */
    tide_set_allocator(NULL);
    assert_int_equal(resumed_after_stop, 0);
    assert_int_equal(live_allocs, 0);
    assert_live_coroutines(0);
}

/* ---- Misuse -------------------------------------------------------------- */

static struct { bool in_task; int rc_null_out; } misuse;

static int checks_in_task(void *arg UNUSED, tide_val *out) {
    misuse.in_task = tide_in_task();
    misuse.rc_null_out = tide_await(tide_str_new("dropped"), NULL); /* value released */
    return *out = tide_int(1), 0;
}

/* await outside an async function returns TIDE_ENOTASK with an error; the
 * value given is released, and so is the value when out is NULL (counted
 * with an allocator of the test's). tide_in_task tells the two apart. */
static void test_await_outside_task(void **state UNUSED) {
    /* Without a loop, tide_async rejects with TIDE_ENOLOOP; nothing runs. */
    tide_val p = tide_async(checks_in_task, NULL);
    assert_int_equal(tide_promise_state(p), TIDE_REJECTED);
    assert_int_equal(tide_reason_code(tide_promise_result(p)), TIDE_ENOLOOP);
    tide_release(p);

    tide_set_allocator(&(tide_allocator){count_malloc, count_realloc, count_free});
    live_allocs = 0;
    tide_val v;
    assert_false(tide_in_task());
    assert_int_equal(tide_await(tide_int(1), &v), TIDE_ENOTASK); /* no loop */
    assert_int_equal(tide_error_code(v), TIDE_ENOTASK);
    tide_release(v);

    tide_loop *l;
    assert_int_equal(tide_loop_new(&l, NULL), 0);
    assert_int_equal(tide_await(tide_promise_new(), &v), TIDE_ENOTASK);
    assert_int_equal(tide_error_code(v), TIDE_ENOTASK);
    tide_release(v);
    assert_int_equal(tide_await(tide_str_new("x"), NULL), TIDE_ENOTASK);

    misuse.in_task = false, misuse.rc_null_out = 1;
    p = tide_async(checks_in_task, NULL);
    assert_int_equal(tide_loop_run(l), 0);
    assert_true(misuse.in_task);
    assert_int_equal(misuse.rc_null_out, 0);
    assert_int_equal(tide_promise_state(p), TIDE_FULFILLED);
    tide_release(p);

    /* tide_async with a NULL function rejects with TIDE_EINVAL. */
    p = tide_async_named("nothing", NULL, NULL);
    assert_int_equal(tide_promise_state(p), TIDE_REJECTED);
    assert_int_equal(tide_reason_code(tide_promise_result(p)), TIDE_EINVAL);
    tide_release(tide_promise_catch(p, swallow, NULL));
    assert_int_equal(tide_loop_run(l), 0);
    assert_int_equal(tide_loop_free(l), 0);
    tide_set_allocator(NULL);
    assert_int_equal(live_allocs, 0); /* what tide_await(v, NULL) got is released */
    assert_int_equal(tide_reason_code(tide_int(5)), TIDE_EREJECTED);
}

static struct { sem_t ready, done; tide_val p; int rc, code; } foreign;

static void *foreign_thread(void *arg UNUSED) {
    tide_loop *l;
    if (tide_loop_new(&l, NULL) != 0)
        return (void *)1;
    foreign.p = tide_promise_new();
    sem_post(&foreign.ready);
    sem_wait(&foreign.done); /* the main thread has taken p */
    tide_loop_free(l);
    return NULL;
}

static int await_foreign(void *arg UNUSED, tide_val *out) {
    foreign.rc = tide_await(foreign.p, out); /* takes p; the task fulfils with the error */
    foreign.code = tide_error_code(*out);
    return 0;
}

/* Awaiting a promise of another thread's loop gives TIDE_ETHREAD. */
static void test_await_other_thread(void **state UNUSED) {
    pthread_t th;
    sem_init(&foreign.ready, 0, 0);
    sem_init(&foreign.done, 0, 0);
    assert_int_equal(pthread_create(&th, NULL, foreign_thread, NULL), 0);
    sem_wait(&foreign.ready);
    assert_int_equal(run_async(await_foreign, NULL, NULL, 0), TIDE_FULFILLED);
    sem_post(&foreign.done);
    void *ret;
    pthread_join(th, &ret);
    assert_null(ret);
    assert_int_equal(foreign.rc, TIDE_ETHREAD);
    assert_int_equal(foreign.code, TIDE_ETHREAD);
    sem_destroy(&foreign.ready);
    sem_destroy(&foreign.done);
}

/* ---- Cancellation when the loop is freed --------------------------------- */

/* kind 0: awaits a promise main holds, 1: its own promise, 2: a long sleep,
 * 3: the promise of a task parked as kind 0 (inner). */
typedef struct parked { int kind, rc, code; struct parked *inner; bool started, cleaned; } parked;
static tide_val never;

static int parked_body(void *arg, tide_val *out) {
    parked *s = arg;
    char *resource = malloc(64); /* leaks unless the clean-up below runs */
    s->started = true;
    tide_val p = s->kind == 0   ? tide_retain(never)
                 : s->kind == 1 ? tide_promise_new()
                 : s->kind == 2 ? tide_sleep(60000)
                                : tide_async(parked_body, s->inner);
    tide_val v;
    s->rc = tide_await(p, &v);
    s->code = tide_error_code(v);
    free(resource);
    s->cleaned = true;
    return *out = v, s->rc;
}

static void stop_cb(void *data) { tide_loop_stop((tide_loop *)data); }

/* Tasks parked on promises that never settle when the loop is freed: each
 * await returns TIDE_ECANCELED and the clean-up after it runs. */
static void test_cancel_parked_on_free(void **state UNUSED) {
    parked inner = {.kind = 0};
    parked s[4] = {{.kind = 0}, {.kind = 1}, {.kind = 2}, {.kind = 3, .inner = &inner}};
    tide_loop *l;
    assert_int_equal(tide_loop_new(&l, NULL), 0);
    never = tide_promise_new();
    tide_val ps[4];
    for (int i = 0; i < 4; i++)
        ps[i] = tide_async(parked_body, &s[i]);
    assert_int_equal(tide_timer_start(NULL, 5, 0, stop_cb, l), 0); /* the sleep holds the loop */
    assert_int_equal(tide_loop_run(l), 0);
    for (int i = 0; i < 4; i++)
        assert_true(s[i].started && !s[i].cleaned && tide_promise_state(ps[i]) == TIDE_PENDING);
    int saved; /* what the teardown prints: a loop being freed reports nothing */
    char printed[512];
    FILE *cap = capture_begin(&saved);
    int free_rc = tide_loop_free(l);
    capture_end(cap, saved, printed, sizeof printed);
    assert_int_equal(free_rc, 0);
    assert_true(inner.cleaned);
    assert_int_equal(inner.rc, TIDE_ECANCELED);
    for (int i = 0; i < 4; i++) {
        assert_true(s[i].cleaned);
        assert_int_equal(s[i].rc, TIDE_ECANCELED);
        assert_int_equal(s[i].code, TIDE_ECANCELED);
        assert_int_equal(tide_promise_state(ps[i]), TIDE_REJECTED);
        tide_release(ps[i]);
    }
    tide_release(never);
    assert_live_coroutines(0);
    assert_string_equal(printed, "");
}

/* ---- Coroutine stacks ----------------------------------------------------- */

static struct { char d[2][64], ld[2][64]; int misaligned; unsigned long deep; } co;

static __attribute__((noinline)) void float_work(int slot) {
    char __attribute__((aligned(16))) probe[16];
    volatile double x = 2.5;
    volatile long double y = 1.0L;
    co.misaligned |= ((uintptr_t)probe & 15) != 0;
    probe[0] = 0;
    snprintf(co.d[slot], sizeof co.d[slot], "%f", x * 1.5 + probe[0]);
    snprintf(co.ld[slot], sizeof co.ld[slot], "%.6Lf", (y / 3.0L) * 3.0L + 0.25L);
}

static __attribute__((noinline)) unsigned long recurse(int depth) {
    volatile unsigned char frame[256];
    for (int i = 0; i < 256; i++)
        frame[i] = (unsigned char)(depth + i);
    if (depth == 0)
        return frame[7];
    return recurse(depth - 1) + frame[255] + frame[depth];
}

static int stack_body(void *arg UNUSED, tide_val *out) {
    float_work(0);
    tide_await(tide_null(), NULL); /* resumed from the microtask drain */
    float_work(1);
    co.deep = recurse(80); /* > 20 KiB of frames */
    return *out = tide_double(0.5), 0;
}

/* printf of double and long double inside a coroutine (stack alignment),
 * before and after an await; 20 KiB of recursion inside a task. */
static void test_coroutine_stack(void **state UNUSED) {
    memset(&co, 0, sizeof co);
    char res[64];
    assert_int_equal(run_async(stack_body, NULL, res, sizeof res), TIDE_FULFILLED);
    assert_string_equal(res, "0.5");
    for (int i = 0; i < 2; i++) {
        assert_string_equal(co.d[i], "3.750000");
        assert_string_equal(co.ld[i], "1.250000");
    }
    assert_int_equal(co.misaligned, 0);
    assert_int_equal(co.deep, recurse(80));
}

/* ---- tide_run ------------------------------------------------------------ */

/* Exit status (-1 if the child did not exit normally) and output. */
typedef struct child_result { int status; char out[1024], err[1024]; } child_result;

/* Runs tide_run(fn) in a child process; captures its exit status and output. */
static void run_child(tide_async_fn fn, child_result *r) {
    FILE *out = tmpfile(), *err = tmpfile();
    assert_true(out && err);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fileno(out), 1);
        dup2(fileno(err), 2);
        int status = tide_run(fn, NULL);
        fflush(NULL);
        _exit(status);
    }
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
    slurp(out, r->out, sizeof r->out);
    slurp(err, r->err, sizeof r->err);
}

static void say(void *data) { printf("%s\n", (const char *)data); }

static int main_ok(void *arg UNUSED, tide_val *out) {
    tide_await(tide_sleep(1), NULL);
    printf("main ok\n");
    return *out = tide_int(0), 0;
}

static int main_fails(void *arg UNUSED, tide_val *out) {
    tide_await(tide_sleep(1), NULL);
    return *out = tide_error_new(TIDE_EIO, "disk on fire"), TIDE_EIO;
}

static int main_fails_at_once(void *arg UNUSED, tide_val *out) {
    return *out = tide_str_new("thrown before any await"), -1; /* a reason that is no error */
}

static int main_unhandled(void *arg UNUSED, tide_val *out UNUSED) {
    tide_timer_start(NULL, 20, 0, say, "timer ran");
    tide_release(tide_promise_rejected(tide_error_new(TIDE_EIO, "nobody listens")));
    return 0;
}

static int main_leaves_timer(void *arg UNUSED, tide_val *out UNUSED) {
    tide_timer_start(NULL, 20, 0, say, "late timer");
    printf("main returns\n");
    return 0;
}

/* tide_run: 0 for a fulfilled main; pending timers keep it running. */
static void test_run_ok(void **state UNUSED) {
    child_result r;
    run_child(main_ok, &r);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "main ok\n");
    assert_string_equal(r.err, "");
    run_child(main_leaves_timer, &r);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "main returns\nlate timer\n");
}

/* tide_run: 1 and "tide: main failed: ..." for a rejected main. */
static void test_run_main_rejected(void **state UNUSED) {
    child_result r;
    run_child(main_fails, &r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "tide: main failed:"));
    assert_non_null(strstr(r.err, "disk on fire"));
    run_child(main_fails_at_once, &r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "tide: main failed:"));
    assert_non_null(strstr(r.err, "thrown before any await"));
}

/* tide_run: 1 on an unhandled rejection, and the loop stops at once (Node 20
 * exits: the pending timer never runs). */
static void test_run_unhandled(void **state UNUSED) {
    child_result r;
    run_child(main_unhandled, &r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "tide: unhandled promise rejection"));
    assert_non_null(strstr(r.err, "nobody listens"));
    assert_null(strstr(r.out, "timer ran"));
}

static int main_parked(void *arg UNUSED, tide_val *out) {
    return tide_await(tide_promise_new(), out); /* never settles */
}

/* tide_run: a main parked forever ends quietly with 0 when nothing is left to
 * do, as Node exits (its await is cancelled when the loop is freed). */
static void test_run_main_parked(void **state UNUSED) {
    child_result r;
    run_child(main_parked, &r);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
}

/* tide_run on a thread that already has a loop: 2. */
static void test_run_busy(void **state UNUSED) {
    tide_loop *l;
    assert_int_equal(tide_loop_new(&l, NULL), 0);
    int saved;
    char printed[512];
    FILE *cap = capture_begin(&saved);
    int status = tide_run(main_ok, NULL);
    capture_end(cap, saved, printed, sizeof printed);
    assert_int_equal(status, 2);
    assert_non_null(strstr(printed, "tide: cannot make a loop"));
    assert_int_equal(tide_loop_free(l), 0);
}

/* ---- Allocation failure ---------------------------------------------------- */

static int af_leaf(void *arg, tide_val *out) {
    tide_val v;
    int rc;
    if ((rc = tide_await(tide_sleep(1), &v)) < 0 || (rc = tide_await(tide_immediate(), &v)) < 0)
        return *out = v, rc;
    return *out = tide_int((intptr_t)arg * 10), 0;
}

/* Awaits another task's promise (borrowed through arg), then sleeps. */
static int af_waiter(void *arg, tide_val *out) {
    tide_val other = tide_retain(*(tide_val *)arg), v;
    int rc = tide_await(other, &v);
    if (rc < 0)
        return *out = v, rc;
    int64_t n = tide_get_int(v);
    rc = tide_await(tide_sleep(2), &v);
    if (rc < 0)
        return *out = v, rc;
    return *out = tide_int(n + 100), 0;
}

static int af_main(void *arg UNUSED, tide_val *out) {
    tide_val a = tide_async(af_leaf, (void *)1);
    tide_val b = tide_async(af_waiter, &a);
    tide_val c = tide_async(af_leaf, (void *)2);
    tide_val all = tide_promise_all((tide_val[]){a, b, c}, 3), res;
    int rc = tide_await(all, &res);
    if (rc < 0)
        return *out = res, rc;
    int64_t sum = 0;
    for (size_t i = 0; i < tide_array_len(res); i++)
        sum += tide_get_int(tide_array_get(res, i));
    tide_release(res);
    return *out = tide_int(sum), 0;
}

static int unhandled_seen;
static void count_unhandled(void *d UNUSED, tide_val p UNUSED, tide_val r UNUSED) {
    unhandled_seen++;
}

/* With every allocation after the k-th failing, for k = 0, 1, 2, ...: no
 * crash, no leak; the program's promise fulfils normally or rejects with
 * TIDE_ENOMEM. */
static void test_alloc_failure(void **state UNUSED) {
    int outcomes[3] = {0}; /* fulfilled, ENOMEM, no loop */
    unhandled_seen = 0;
    long k;
    for (k = 0; k < 100000; k++) {
        tide_loop *l;
        tide_alloc_fail_after(k);
        int rc = tide_loop_new(&l, NULL);
        if (rc != 0) {
            tide_alloc_fail_after(-1);
            assert_int_equal(rc, TIDE_ENOMEM);
            outcomes[2]++;
            continue;
        }
        tide_on_unhandled_rejection(count_unhandled, NULL);
        tide_val p = tide_async(af_main, NULL);
        assert_int_equal(tide_loop_run(l), 0);
        tide_state st = tide_promise_state(p);
        tide_val r = tide_promise_result(p);
        char buf[128];
        tide_format(r, buf, sizeof buf);
        bool ok = st == TIDE_FULFILLED && tide_get_int(r) == 10 + 110 + 20;
        bool enomem = st == TIDE_REJECTED && tide_reason_code(r) == TIDE_ENOMEM;
        tide_release(p);
        assert_int_equal(tide_loop_free(l), 0);
        long failures = tide_alloc_failures();
        tide_alloc_fail_after(-1);
        if (!ok && !enomem)
            fail_msg("k=%ld: state %d, result %s", k, (int)st, buf);
        outcomes[ok ? 0 : 1]++;
        assert_live_coroutines(0);
        if (failures == 0)
            break;
    }
    assert_true(k < 100000);
    assert_true(outcomes[0] >= 1); /* the last run, at least, had enough */
    assert_true(outcomes[2] >= 1); /* k = 0: the loop itself */
}

int main(void) {
    /* The tide_run tests fork: they come first, so that a child never
     * inherits (and reports under valgrind) what an earlier test leaked. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_ok),
        cmocka_unit_test(test_run_main_rejected),
        cmocka_unit_test(test_run_unhandled),
        cmocka_unit_test(test_run_main_parked),
        cmocka_unit_test(test_run_busy),
        cmocka_unit_test(test_sync_start),
        cmocka_unit_test(test_rejection_from_code),
        cmocka_unit_test(test_await_settled),
        cmocka_unit_test(test_await_value),
        cmocka_unit_test(test_await_pending),
        cmocka_unit_test(test_await_rejected),
        cmocka_unit_test(test_await_thenable),
        cmocka_unit_test(test_return_promise),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_interleave),
        cmocka_unit_test(test_interleave_settled),
        cmocka_unit_test(test_stack_reuse),
        cmocka_unit_test(test_many_tasks),
        cmocka_unit_test(test_pool_trimmed_while_idle),
        cmocka_unit_test(test_immediates_left_by_stop),
        cmocka_unit_test(test_await_outside_task),
        cmocka_unit_test(test_await_other_thread),
        cmocka_unit_test(test_cancel_parked_on_free),
        cmocka_unit_test(test_coroutine_stack),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
