/* bench gen — a sync generator yielding 0..N-1 to a for-of loop.
 *
 *   function* g(n) { for (let i = 0; i < n; i++) yield i }
 *   for (const x of g(n)) s += x
 *
 * Per item: two coroutine switches (into the generator and back), each done
 * inline in the frame that loops (tide/switch.h says why), and the
 * bookkeeping calls around them. No promise, no loop: a sync generator needs
 * no event loop at all, so this runs straight from main(). Twins: gen.js,
 * gen.py.
 */
#include <tide.h>

#include "bench.h"

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

static int sum_gen(long n, int64_t *sum, tide_val *err) {
    int64_t s = 0;
    int rc = 0;
    tide_val x;
    tide_for_of (x, tide_generator(count, &n), &rc, err) {
        s += tide_get_int(x);
        tide_release(x);
    }
    *sum = s;
    return rc;
}

static int64_t expect(long n) { return bench_triangle(n); }

int main(int argc, char **argv) {
    static const bench_work w = {"gen", sum_gen, expect, 1};
    bench_args args = bench_parse(argc, argv, 10000000, 1000000);
    int64_t sum;
    double ns;
    tide_val err;
    int rc = bench_measure(&w, args, &ns, &sum, &err);
    if (rc < 0)
        return fprintf(stderr, "gen: %s\n", tide_strerror(rc)), 1;
    bench_report("gen", "ns/item", ns, args.n, sum, NULL);
    return 0;
}
