/* The main job for now: promises, async functions, timers, and an async
 * generator consumed with for await. */
#include <stdio.h>
#include <tide.h>

static int log_value(void *data, tide_val v, tide_val *out) {
    char buf[64];
    printf("%s %s\n", (const char *)data, tide_format(v, buf, sizeof buf));
    *out = tide_retain(v);
    return 0;
}

static int worker(void *arg, tide_val *out) {
    long id = (long)arg;
    for (int i = 0; i < 3; i++) {
        tide_val v;
        if (tide_await(tide_sleep(10 * (uint64_t)id), &v) < 0)
            return *out = v, -1;
        printf("worker %ld: step %d at %llu ms\n", id, i, (unsigned long long)tide_now());
    }
    *out = tide_int(id * 100);
    return 0;
}

/* async function* ticks(n) { for (let i = 1; i <= n; i++) { await sleep(5); yield i * i } } */
static int ticks(tide_gen *g, void *arg, tide_val *out) {
    for (long i = 1; i <= (long)arg; i++) {
        tide_val v;
        int rc = tide_await(tide_sleep(5), &v);
        if (rc < 0)
            return *out = v, rc;
        if ((rc = tide_yield(g, tide_int(i * i), out)) != 0)
            return rc;
    }
    *out = tide_undefined();
    return 0;
}

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    printf("main: starting two async functions\n");
    tide_val items[2] = {tide_async(worker, (void *)1L), tide_async(worker, (void *)2L)};
    tide_val all = tide_promise_all(items, 2), results;
    int rc = tide_await(all, &results);
    if (rc < 0)
        return *out = results, rc;
    char buf[64];
    printf("main: all done: [%s]\n", tide_format(results, buf, sizeof buf));
    tide_release(results);
    tide_release(tide_promise_then(tide_promise_resolved(tide_int(7)), log_value, NULL, "then:"));
    printf("main: this prints before the reaction\n");

    tide_val sq;
    tide_for_await (sq, tide_async_gen(ticks, (void *)5L), &rc, out) {
        printf("for await: %lld\n", (long long)tide_get_int(sq));
        if (tide_get_int(sq) == 16)
            break; /* closes the generator */
    }
    return rc;
}

int main(void) { return tide_run(main_async, NULL); }
