/* Seed 004: sequence(start, end), a generator of the numbers from start to
 * end, consumed with for-of.
 *
 *   function* sequence(start, end) {
 *     for (let i = start; i <= end; i++) {
 *       yield i;
 *     }
 *   }
 *   let seq = sequence(1, 5);
 *   for (const num of seq) console.log(num);
 *
 * The twin is 004_sequence.js.
 */
#include <stdio.h>
#include <tide.h>

typedef struct bounds {
    int64_t start, end;
} bounds;

static int sequence(tide_gen *g, void *arg, tide_val *out) {
    const bounds *b = arg;
    for (int64_t i = b->start; i <= b->end; i++) {
        int rc = tide_yield(g, tide_int(i), out);
        if (rc != 0)
            return rc; /* return() or throw() from the consumer */
    }
    *out = tide_undefined();
    return 0;
}

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    bounds b = {1, 5}; /* sequence(1, 5); lives as long as the loop */
    tide_val seq = tide_generator(sequence, &b);

    tide_val num, err;
    int rc;
    tide_for_of (num, seq, &rc, &err) {
        char buf[32];
        printf("%s\n", tide_format(num, buf, sizeof buf));
        tide_release(num);
    }
    if (rc < 0)
        return *out = err, rc;
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
