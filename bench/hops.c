/* bench hops — 100,000 async functions, each awaiting 10 immediates
 * (setImmediate as a promise), all awaited together with Promise.all.
 *
 *   const hop = () => new Promise(r => setImmediate(r))
 *   async function w() { for (let k = 0; k < 10; k++) await hop() }
 *   await Promise.all(Array.from({length: 100000}, w))
 *
 * Per hop: an immediate queued and fired by libuv's check phase, a promise
 * settled, the task resumed from the microtask queue (a switch to its stack
 * and back). With 100,000 tasks alive, each one's stack is a different page
 * in a different 64 KiB slot, so every resume touches memory the caches and
 * the TLB lost since the task's last turn. The warm-up pass is as large as
 * the timed one (in both programs), so the timed pass reuses pooled stacks
 * — their pages already faulted in — as a long-running program does; a
 * stack's first use is a page fault. BENCH_POOL_MAX=N in the environment
 * sets pool_max, the floor of the stack pool.
 *
 * N is the number of tasks; the unit is per hop (N * 10 hops). Twin: hops.js.
 */
#include <tide.h>

#include "bench.h"

#define HOPS 10

static int worker(void *arg, tide_val *out) {
    (void)arg;
    int64_t k;
    for (k = 0; k < HOPS; k++) {
        tide_val v;
        int rc = tide_await(tide_immediate(), &v);
        if (rc < 0)
            return *out = v, rc;
    }
    *out = tide_int(k); /* each task fulfils with its hop count: the check */
    return 0;
}

static int run_hops(long tasks, int64_t *sum, tide_val *err) {
    tide_val *ps = malloc((size_t)tasks * sizeof *ps);
    if (!ps)
        return *err = tide_error_new(TIDE_ENOMEM, NULL), TIDE_ENOMEM;
    for (long i = 0; i < tasks; i++)
        ps[i] = tide_async(worker, NULL);
    int rc = bench_sum_all(ps, (size_t)tasks, sum, err);
    free(ps);
    return rc;
}

static bench_args args;

static int64_t expect(long n) { return (int64_t)n * HOPS; }

static int main_async(void *arg, tide_val *out) {
    static const bench_work w = {"hops", run_hops, expect, HOPS};
    (void)arg;
    int64_t sum;
    double ns;
    int rc = bench_measure(&w, args, &ns, &sum, out);
    if (rc < 0)
        return rc;
    tide_coro_config c;
    tide_coro_get_config(&c);
    bench_report("hops", "ns/hop", ns, args.n, sum, "\"pool_max\": %zu", c.pool_max);
    return 0;
}

int main(int argc, char **argv) {
    args = bench_parse(argc, argv, 100000, 100000);
    const char *pool = getenv("BENCH_POOL_MAX");
    if (pool && *pool) {
        tide_coro_config c = {.pool_max = strtoul(pool, NULL, 10)};
        tide_coro_set_config(&c);
    }
    return tide_run(main_async, NULL);
}
