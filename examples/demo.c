/* The main job for now: promises, async functions and timers working. */
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
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
