/* Seed 001: generateSequence(start, end), an async generator that waits a
 * second before yielding each number.
 *
 *   async function* generateSequence(start, end) {
 *     for (let i = start; i <= end; i++) {
 *       await new Promise(resolve => setTimeout(resolve, 1000));
 *       yield i;
 *     }
 *   }
 *   (async () => {
 *     let generator = generateSequence(1, 5);
 *     for await (let value of generator) console.log(value);
 *   })()
 *
 * The seed forgot `async` before `function*` (an `await` in a plain
 * generator is a SyntaxError), though its text says to add it: this is the
 * evident intent. In C an async generator is tide_async_gen; its body may
 * both tide_await and tide_yield. The twin is 001_generate_sequence.js.
 */
#include <stdio.h>
#include <tide.h>

#include "seed_util.h"

typedef struct bounds {
    int64_t start, end;
} bounds;

static int generate_sequence(tide_gen *g, void *arg, tide_val *out) {
    const bounds *b = arg;
    for (int64_t i = b->start; i <= b->end; i++) {
        tide_val v;
        int rc = tide_await(tide_sleep(seed_ms(1000)), &v);
        if (rc < 0)
            return *out = v, rc;
        if ((rc = tide_yield(g, tide_int(i), out)) != 0)
            return rc;
    }
    *out = tide_undefined();
    return 0;
}

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    bounds b = {1, 5}; /* generateSequence(1, 5); lives as long as the loop */
    tide_val generator = tide_async_gen(generate_sequence, &b);

    tide_val value, err;
    int rc;
    tide_for_await (value, generator, &rc, &err) {
        char buf[32];
        printf("%s\n", tide_format(value, buf, sizeof buf));
        tide_release(value);
    }
    if (rc < 0)
        return *out = err, rc;
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
