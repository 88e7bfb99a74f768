/* bench await — `await` of an already-resolved promise, in a loop.
 *
 *   const p = Promise.resolve(1)
 *   for (let i = 0; i < n; i++) s += await p
 *
 * tide_await takes its promise, so each await gets a reference of its own
 * (tide_retain: an increment). Once the task runs as a microtask with an
 * empty queue, awaiting a settled promise is finished in place: its
 * continuation would be the very next job anyway. So this is the cost of
 * tide_await's settled-promise path: a call, the checks, a reference count.
 * Twins: await.js, await.py.
 */
#include <tide.h>

#include "bench.h"

static int sum_await(long n, int64_t *sum, tide_val *err) {
    tide_val p = tide_promise_resolved(tide_int(1));
    int64_t s = 0;
    for (long i = 0; i < n; i++) {
        tide_val v;
        int rc = tide_await(tide_retain(p), &v);
        if (rc < 0) {
            tide_release(p);
            return *err = v, rc;
        }
        s += tide_get_int(v);
    }
    tide_release(p);
    *sum = s;
    return 0;
}

static int64_t expect(long n) { return n; }

int main(int argc, char **argv) {
    static const bench_work w = {"await", sum_await, expect, 1};
    return bench_run_async(&w, "ns/await", bench_parse(argc, argv, 10000000, 1000000));
}
