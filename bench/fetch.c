/* bench fetch — 10,000 GETs of a 1 KiB body from a local nginx, 64 at a
 * time: requests per second.
 *
 *   let left = n
 *   async function w() { let s = 0
 *     while (left > 0) { left--; s += (await (await fetch(url)).arrayBuffer()).byteLength }
 *     return s }
 *   await Promise.all(Array.from({length: 64}, w))
 *
 * 64 async functions share one counter of requests still to start; each
 * takes one, awaits tide_fetch's response, then tide_response_bytes' body,
 * and adds its length. All fetches of the loop share one libcurl multi
 * handle, and so its pool of keep-alive connections: after the first 64
 * requests every one goes over a connection already open. The check: every
 * body is 1,024 bytes, so the lengths sum to n * 1,024.
 *
 * The server is bench/run's: nginx on 127.0.0.1, serving a 1,024-byte file
 * (bench/nginx.py starts it). What is measured is the client's cost and the
 * server's together, on the same CPUs: nginx's share is the same for both
 * sides of the row, so the ratio understates the client's difference.
 *
 *   fetch URL [N [WARMUP]]   N requests timed (default 10,000), after an
 *                            untimed pass of WARMUP (default 1,000)
 *
 * The unit is requests per second: higher is better. Twin: fetch.js.
 */
#include <tide.h>

#include "bench.h"

#define CONCURRENCY 64
#define BODY_LEN 1024

static const char *url;
static long left; /* requests not yet started, shared by the workers */

static int worker(void *arg, tide_val *out) {
    (void)arg;
    int64_t sum = 0;
    while (left > 0) {
        left--;
        tide_val res, body;
        int rc = tide_await(tide_fetch(url, NULL), &res);
        if (rc < 0)
            return *out = res, rc;
        if (tide_response_status(res) != 200) {
            fprintf(stderr, "fetch: %s: status %d\n", url, (int)tide_response_status(res));
            tide_release(res);
            return *out = tide_error_new(TIDE_EIO, "unexpected status"), TIDE_EIO;
        }
        rc = tide_await(tide_response_bytes(res), &body);
        tide_release(res);
        if (rc < 0)
            return *out = body, rc;
        size_t len = tide_bytes_len(body);
        if (len != BODY_LEN) {
            fprintf(stderr, "fetch: body of %zu bytes, expected %d\n", len, BODY_LEN);
            tide_release(body);
            return *out = tide_error_new(TIDE_EIO, "wrong body length"), TIDE_EIO;
        }
        sum += (int64_t)len;
        tide_release(body);
    }
    *out = tide_int(sum);
    return 0;
}

static int run_fetch(long n, int64_t *sum, tide_val *err) {
    tide_val ps[CONCURRENCY];
    left = n;
    for (int i = 0; i < CONCURRENCY; i++)
        ps[i] = tide_async(worker, NULL);
    return bench_sum_all(ps, CONCURRENCY, sum, err);
}

static bench_args args;

static int64_t expect(long n) { return (int64_t)n * BODY_LEN; }

static int main_async(void *arg, tide_val *out) {
    static const bench_work w = {"fetch", run_fetch, expect, 1};
    (void)arg;
    int64_t sum;
    double ns;
    int rc = bench_measure(&w, args, &ns, &sum, out);
    if (rc < 0)
        return rc;
    bench_report("fetch", "req/s", 1e9 / ns, args.n, sum, "\"concurrency\": %d",
                 CONCURRENCY);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2 || strncmp(argv[1], "http", 4) != 0) {
        fprintf(stderr, "usage: %s URL [N [WARMUP]]\n", argv[0]);
        return 2;
    }
    url = argv[1];
    argv[1] = argv[0];
    args = bench_parse(argc - 1, argv + 1, 10000, 1000);
    return tide_run(main_async, NULL);
}
