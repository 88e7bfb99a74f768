/* bench agen — `for await` over an async generator yielding 0..N-1.
 *
 *   async function* g(n) { for (let i = 0; i < n; i++) yield i }
 *   for await (const x of g(n)) s += x
 *
 * Per item: the body's yield, the consumer's next(), the switch to the
 * generator's coroutine and back. tide hands the value straight from the
 * body to the loop when nothing else is queued (the full protocol's two
 * promise ticks cannot be observed then), so this measures the fast path of
 * tide_for_await, not promise machinery. Twins: agen.js, agen.py.
 */
#include <tide.h>

#include "bench.h"

static int count(tide_gen *g, void *arg, tide_val *out) {
    long n = *(const long *)arg;
    for (long i = 0; i < n; i++) {
        int rc = tide_yield(g, tide_int(i), out);
        if (rc != 0)
            return rc; /* return() or throw() from the consumer: pass it on */
    }
    *out = tide_undefined();
    return 0;
}

/* One pass; 0, or the loop's error code with the reason in *err. n is read
 * by the generator while it runs: it lives in this frame, which outlives
 * the loop. */
static int sum_agen(long n, int64_t *sum, tide_val *err) {
    return bench_sum_for_await(tide_async_gen(count, &n), sum, err);
}

static int64_t expect(long n) { return bench_triangle(n); }

int main(int argc, char **argv) {
    static const bench_work w = {"agen", sum_agen, expect, 1};
    return bench_run_async(&w, "ns/item", bench_parse(argc, argv, 5000000, 1000000));
}
