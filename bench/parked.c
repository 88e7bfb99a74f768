/* bench parked — the memory of 100,000 async generators, each parked at a
 * `yield` of a promise that never settles, with its pending next().
 *
 *   async function* g() { yield new Promise(() => {}) }
 *   for (...) { const it = g(); its.push(it); nexts.push(it.next()) }
 *
 * `yield` in an async generator awaits its operand, so each body is
 * suspended in an await, its coroutine's stack holding its frames: what is
 * measured is that stack's touched pages, the generator, the request queue
 * entry and the two promises, plus the page-table pages that map the
 * stacks. Bytes each = (VmRSS + VmPTE after - before) / N. Nothing is timed,
 * so there is no warm-up pass (a pass would only leave pooled stacks behind
 * that the measured one reuses).
 *
 * The first guard_budget stacks (16,384 by default) get a guard page each;
 * the rest come from slabs of canaried slots. The result says how many were
 * guarded. At the end the loop is freed with the generators still parked:
 * each body's await returns TIDE_ECANCELED and the body ends, so the run
 * also exercises that teardown (valgrind over a small N finds no leak).
 * Twin: parked.js.
 */
#include <tide.h>

#include "bench.h"

static int64_t started; /* bodies that reached their yield */

static int parked_body(tide_gen *g, void *arg, tide_val *out) {
    (void)arg;
    started++;
    return tide_yield(g, tide_promise_new(), out); /* never settles */
}

/* A rejection handler that swallows the reason. */
static int ignore(void *data, tide_val reason, tide_val *out) {
    (void)data;
    (void)reason;
    (void)out;
    return 0;
}

static bench_args args;

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    long n = args.n;
    tide_val *its = malloc((size_t)n * sizeof *its);
    tide_val *nexts = malloc((size_t)n * sizeof *nexts);
    if (!its || !nexts)
        return *out = tide_error_new(TIDE_ENOMEM, NULL), TIDE_ENOMEM;
    /* Touch the arrays first: they are the harness's, not the generators'
     * (the Node twin fills its arrays before its first reading too). */
    memset(its, 0, (size_t)n * sizeof *its);
    memset(nexts, 0, (size_t)n * sizeof *nexts);

    long before = bench_mem_bytes(), pte_before = bench_status_kb("VmPTE");
    for (long i = 0; i < n; i++) {
        its[i] = tide_async_gen(parked_body, NULL);
        nexts[i] = tide_async_iter_next(its[i], tide_undefined());
    }
    long after = bench_mem_bytes(), pte_after = bench_status_kb("VmPTE");

    tide_coro_stats st;
    tide_coro_get_stats(&st);
    int64_t pending = 0;
    for (long i = 0; i < n; i++)
        pending += tide_promise_state(nexts[i]) == TIDE_PENDING;
    bench_check("parked", "started bodies", started, n);
    bench_check("parked", "pending next() promises", pending, n);

    /* The next() promises reject with TIDE_ECANCELED when the loop is freed
     * (see above); a handler on each says that is expected. */
    for (long i = 0; i < n; i++)
        tide_release(tide_promise_catch(nexts[i], ignore, NULL));
    free(nexts);
    for (long i = 0; i < n; i++)
        tide_release(its[i]);
    free(its);

    bench_report("parked", "bytes each", (double)(after - before) / (double)n, n, pending,
                 "\"guarded\": %zu, \"live\": %zu, \"pte_each\": %.4g", st.guarded, st.live,
                 (double)(pte_after - pte_before) * 1024.0 / (double)n);
    return 0;
}

int main(int argc, char **argv) {
    args = bench_parse(argc, argv, 100000, 0);
    return tide_run(main_async, NULL);
}
