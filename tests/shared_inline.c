/* The inline steps of the public headers, linked against the shared
 * library: tide_yield and tide_for_of over a sync generator, tide_await,
 * and tide_for_await over an async generator and over a hand-written async
 * iterator, each call into libtide.so for the private symbols they need
 * (tide__coro_cur, tide__now, tide__yield_resumed, ...). A symbol
 * the library forgot to export fails this program's link; a step that goes
 * wrong fails its sums. Public API only. Prints "N passed, M failed". */
#include <stdio.h>

#include <tide.h>

static int failures, passes;

static void check(const char *what, int ok) {
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    ok ? passes++ : failures++;
}

static int count(tide_gen *g, void *arg, tide_val *out) {
    long n = *(const long *)arg;
    for (long i = 0; i < n; i++) {
        int rc = tide_yield(g, tide_int(i), out);
        if (rc != 0)
            return rc;
    }
    *out = tide_undefined();
    return 0;
}

typedef struct counter {
    long i, n;
} counter;

static tide_val counter_next(tide_val self, tide_val v) {
    tide_release(v);
    counter *c = tide_object_data(self);
    return tide_promise_resolved(c->i < c->n ? tide_iter_result(tide_int(c->i++), false)
                                             : tide_iter_result(tide_undefined(), true));
}

static const tide_async_iter_methods counter_methods = {.next = counter_next};
static const tide_class counter_class = {.name = "Counter", .async_iter = &counter_methods};

static long n = 1000;
static int64_t sums[4];

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    tide_val x, err;
    int rc;
    tide_for_of (x, tide_generator(count, &n), &rc, &err) {
        sums[0] += tide_get_int(x);
        tide_release(x);
    }
    tide_for_await (x, tide_async_gen(count, &n), &rc, &err) {
        sums[1] += tide_get_int(x);
        tide_release(x);
    }
    tide_val it = tide_object_new(&counter_class, sizeof(counter));
    *(counter *)tide_object_data(it) = (counter){0, n};
    tide_for_await (x, it, &rc, &err) {
        sums[2] += tide_get_int(x);
        tide_release(x);
    }
    tide_val p = tide_promise_resolved(tide_int(2));
    for (long i = 0; i < n; i++) {
        if (tide_await(tide_retain(p), &x) == 0)
            sums[3] += tide_get_int(x);
    }
    tide_release(p);
    *out = tide_undefined();
    return 0;
}

int main(void) {
    int status = tide_run(main_async, NULL);
    int64_t triangle = (int64_t)n * (n - 1) / 2;
    check("tide_run returns 0", status == 0);
    check("for-of over a generator", sums[0] == triangle);
    check("for await over an async generator", sums[1] == triangle);
    check("for await over a hand-written async iterator", sums[2] == triangle);
    check("await of a settled promise", sums[3] == 2 * n);
    printf("%d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
