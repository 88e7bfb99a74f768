/* bench million — 1,000,000 async functions parked at once, each awaiting a
 * promise of its own; does it fit, and in how much memory?
 *
 * No JavaScript twin: the row asks whether tide's model — a real stack per
 * async function — scales to a million waiting tasks on this machine. Each
 * stack is 64 KiB of address space (MAP_NORESERVE: reserved, not committed),
 * 61 GiB for a million, of which only the touched pages become memory.
 * Beyond the guard budget (16,384 guarded stacks, two kernel mappings each),
 * stacks come from slabs of 64 slots with one guard page per slab (two
 * mappings a slab), which keeps the process under the kernel's 65,530
 * mappings — barely: a million parked tasks hold about 63,500.
 *
 * Reported: RSS in GiB (the row's value; VmRSS of the whole process with a
 * million tasks parked), bytes per task ((VmRSS + VmPTE) delta / N), and how
 * long parking them took. Then every promise is resolved with 1 and the
 * tasks, resumed, fulfil with what they got: the sum of their results must be
 * N. No warm-up pass: nothing in the row is a per-item time.
 */
#include <tide.h>

#include "bench.h"

/* arg points at this task's promise (borrowed: the array outlives the
 * task). Fulfils with the awaited value. */
static int parked_fn(void *arg, tide_val *out) {
    tide_val v;
    int rc = tide_await(tide_retain(*(tide_val *)arg), &v);
    *out = v;
    return rc;
}

static bench_args args;

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    long n = args.n;
    tide_val *gates = calloc((size_t)n, sizeof *gates); /* what each task awaits */
    tide_val *tasks = calloc((size_t)n, sizeof *tasks); /* each task's promise */
    if (!gates || !tasks)
        return *out = tide_error_new(TIDE_ENOMEM, NULL), TIDE_ENOMEM;
    memset(gates, 0, (size_t)n * sizeof *gates); /* touched: the harness's own */
    memset(tasks, 0, (size_t)n * sizeof *tasks);

    long before = bench_mem_bytes();
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < n; i++) {
        gates[i] = tide_promise_new();
        tasks[i] = tide_async(parked_fn, &gates[i]);
        if (tide_promise_state(tasks[i]) == TIDE_REJECTED) { /* no stack: does not fit */
            fprintf(stderr, "million: task %ld could not start: %s\n", i,
                    tide_error_message(tide_promise_result(tasks[i])));
            exit(1);
        }
    }
    uint64_t t1 = bench_now_ns();
    long after = bench_mem_bytes();
    long rss_kb = bench_status_kb("VmRSS");
    tide_coro_stats st;
    tide_coro_get_stats(&st);

    /* Wake them all, and collect. */
    for (long i = 0; i < n; i++) {
        tide_promise_resolve(gates[i], tide_int(1));
        tide_release(gates[i]);
    }
    free(gates);
    int64_t sum;
    int rc = bench_sum_all(tasks, (size_t)n, &sum, out);
    free(tasks);
    if (rc < 0)
        return rc;
    bench_check("million", "sum of results", sum, n);

    bench_report("million", "GiB RSS", (double)rss_kb / (1024.0 * 1024.0), n, sum,
                 "\"bytes_each\": %.4g, \"park_ms\": %.4g, \"guarded\": %zu, \"live\": %zu",
                 (double)(after - before) / (double)n, (double)(t1 - t0) / 1e6, st.guarded,
                 st.live);
    return 0;
}

int main(int argc, char **argv) {
    args = bench_parse(argc, argv, 1000000, 0);
    return tide_run(main_async, NULL);
}
