/* bench — what every C benchmark program shares: the clock, the command
 * line, memory readings, and the one-line JSON result that bench/run parses.
 *
 * Every program follows the same protocol, whatever the language:
 *
 *   prog [N [WARMUP]]      N items in the timed pass (0 or absent: the
 *                          workload's default), WARMUP items in the untimed
 *                          pass before it (absent: the default; 0: none —
 *                          bench/run --callgrind uses that to count only N)
 *
 * and prints, as its last line on stdout, one JSON object:
 *
 *   {"name": "agen", "unit": "ns/item", "value": 12.3, "n": 5000000, "sum": ...}
 *
 * The program checks its own result (a sum it can compute in closed form)
 * and exits non-zero when it is wrong, so that neither the compiler nor a
 * bug can make a loop do less than it says.
 *
 * Header-only on purpose: each benchmark is one file plus this, which keeps
 * a workload readable in one sitting next to its Node and Python twins.
 */
#ifndef TIDE_BENCH_H
#define TIDE_BENCH_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tide.h>

/* CLOCK_MONOTONIC: wall time that never jumps. Not CPU time: a benchmark
 * that waits (the loop idling in epoll) must be charged for the wait. */
static inline uint64_t bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

typedef struct bench_args {
    long n;      /* items in the timed pass */
    long warmup; /* items in the untimed pass before it (0: none) */
} bench_args;

/* Reads `prog [N [WARMUP]]`. A bad number is a usage error (exit 2): a
 * benchmark that silently ran its default size would report the wrong row. */
static inline bench_args bench_parse(int argc, char **argv, long n_default, long warmup_default) {
    bench_args a = {n_default, warmup_default};
    for (int i = 1; i < argc && i <= 2; i++) {
        char *end;
        long v = strtol(argv[i], &end, 10);
        if (*argv[i] == '\0' || *end != '\0' || v < 0) {
            fprintf(stderr, "usage: %s [N [WARMUP]]\n", argv[0]);
            exit(2);
        }
        if (i == 1)
            a.n = v > 0 ? v : n_default;
        else
            a.warmup = v;
    }
    return a;
}

/* A field of /proc/self/status in kB (VmRSS, VmPTE, ...), or -1. */
static inline long bench_status_kb(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    size_t len = strlen(field);
    long kb = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, field, len) == 0 && line[len] == ':') {
            kb = strtol(line + len + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb;
}

/* What a process costs the machine: resident pages plus the page tables
 * that map them. Page tables matter here: a parked coroutine's stack page
 * sits in its own 64 KiB slot, so each one needs page-table entries that a
 * densely packed heap would share. */
static inline long bench_mem_bytes(void) {
    return (bench_status_kb("VmRSS") + bench_status_kb("VmPTE")) * 1024;
}

/* Prints the result line. extra_fmt (may be NULL) adds fields: a printf
 * format for `, "key": value, ...` text, without the leading comma. */
static inline void bench_report(const char *name, const char *unit, double value, long n,
                                int64_t sum, const char *extra_fmt, ...) {
    printf("{\"name\": \"%s\", \"unit\": \"%s\", \"value\": %.4g, \"n\": %ld, \"sum\": %" PRId64,
           name, unit, value, n, sum);
    if (extra_fmt) {
        va_list ap;
        va_start(ap, extra_fmt);
        printf(", ");
        vprintf(extra_fmt, ap);
        va_end(ap);
    }
    printf("}\n");
    fflush(stdout);
}

/* Checks a sum; on a mismatch says so and exits 1 (the runner reports the
 * row as failed). */
static inline void bench_check(const char *name, const char *what, int64_t got, int64_t want) {
    if (got != want) {
        fprintf(stderr, "%s: wrong %s: got %" PRId64 ", expected %" PRId64 "\n", name, what, got,
                want);
        exit(1);
    }
}

/* 0 + 1 + ... + (n - 1). */
static inline int64_t bench_triangle(long n) { return (int64_t)n * (n - 1) / 2; }

/* for await (x of src) sum += x, over int items; src taken. Returns the
 * loop's code with the reason in *err. */
static inline int bench_sum_for_await(tide_val src, int64_t *sum, tide_val *err) {
    int64_t s = 0;
    int rc;
    tide_val x;
    tide_for_await (x, src, &rc, err) {
        s += tide_get_int(x);
        tide_release(x);
    }
    *sum = s;
    return rc;
}

/* await Promise.all(ps) and sum its int results; the n promises are taken.
 * Returns 0, or the rejection's code with the reason in *err. */
static inline int bench_sum_all(tide_val *ps, size_t n, int64_t *sum, tide_val *err) {
    tide_val all;
    int rc = tide_await(tide_promise_all(ps, n), &all);
    if (rc < 0)
        return *err = all, rc;
    int64_t s = 0;
    for (size_t i = 0; i < tide_array_len(all); i++)
        s += tide_get_int(tide_array_get(all, i));
    tide_release(all);
    *sum = s;
    return 0;
}

/* A workload: run(n, &sum, &err) does it n times and sums what it saw;
 * expect(n) is the right sum; each of the n counts `units` of the row's unit
 * (a task's 10 hops). */
typedef struct bench_work {
    const char *name;
    int (*run)(long n, int64_t *sum, tide_val *err);
    int64_t (*expect)(long n);
    long units;
} bench_work;

/* The untimed warm-up pass, then the timed pass, each checked. Returns 0
 * with the time per unit in *ns and the sum, or the workload's error code
 * with the reason in *err. */
static inline int bench_measure(const bench_work *w, bench_args a, double *ns, int64_t *sum,
                                tide_val *err) {
    int rc;
    if (a.warmup > 0) {
        if ((rc = w->run(a.warmup, sum, err)) < 0)
            return rc;
        bench_check(w->name, "warm-up sum", *sum, w->expect(a.warmup));
    }
    uint64_t t0 = bench_now_ns();
    rc = w->run(a.n, sum, err);
    uint64_t t1 = bench_now_ns();
    if (rc < 0)
        return rc;
    bench_check(w->name, "sum", *sum, w->expect(a.n));
    *ns = (double)(t1 - t0) / ((double)a.n * (double)w->units);
    return 0;
}

/* The usual program: measure w inside tide_run (an async workload needs the
 * loop running) and report it in `unit`. Returns the process's exit status. */
static const bench_work *bench_w;
static const char *bench_unit;
static bench_args bench_a;

__attribute__((unused)) static int bench_async_main(void *arg, tide_val *out) {
    int64_t sum;
    double ns;
    (void)arg;
    int rc = bench_measure(bench_w, bench_a, &ns, &sum, out);
    if (rc < 0)
        return rc;
    bench_report(bench_w->name, bench_unit, ns, bench_a.n, sum, NULL);
    return 0;
}

static inline int bench_run_async(const bench_work *w, const char *unit, bench_args a) {
    bench_w = w;
    bench_unit = unit;
    bench_a = a;
    return tide_run(bench_async_main, NULL);
}

#endif
