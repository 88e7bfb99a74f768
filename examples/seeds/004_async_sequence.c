/* Seed 004: asyncSequence(start, end), an async generator that yields
 * promises, each resolved by a timer a second later, consumed with for await.
 *
 *   async function* asyncSequence(start, end) {
 *     for (let i = start; i <= end; i++) {
 *       yield new Promise((resolve, reject) => {
 *         setTimeout(() => {
 *           resolve(i);
 *         }, 1000);
 *       });
 *     }
 *   }
 *   (async () => {
 *     let seq = asyncSequence(1, 5);
 *     for await (const num of seq) console.log(num);
 *   })();
 *
 * `yield` in an async generator awaits its operand, so the consumer gets the
 * numbers, not the promises. The promise is made the way the seed makes it:
 * a pending promise (tide_promise_new) that a timer callback resolves
 * (tide_timer_start is setTimeout). The second is scaled by TIDE_TIME_SCALE.
 * The twin is 004_async_sequence.js.
 */
#include <stdio.h>
#include <stdlib.h>
#include <tide.h>

#include "seed_util.h"

/* What the timer callback needs: the promise to resolve and the value. */
typedef struct later {
    tide_val promise;
    int64_t value;
} later;

/* () => { resolve(i); } */
static void resolve_later(void *data) {
    later *l = data;
    tide_promise_resolve(l->promise, tide_int(l->value));
    tide_release(l->promise);
    free(l);
}

/* new Promise(resolve => setTimeout(() => resolve(value), ms)): owned. */
static tide_val resolve_after(int64_t value, uint64_t ms) {
    tide_val promise = tide_promise_new();
    later *l = malloc(sizeof *l);
    if (!l) {
        tide_release(promise);
        return tide_promise_rejected(tide_error_new(TIDE_ENOMEM, NULL));
    }
    *l = (later){tide_retain(promise), value};
    int rc = tide_timer_start(NULL, ms, 0, resolve_later, l);
    if (rc != 0) { /* as if the executor threw: the promise rejects */
        tide_promise_reject(promise, tide_error_new(rc, "setTimeout failed"));
        tide_release(l->promise);
        free(l);
    }
    return promise;
}

typedef struct bounds {
    int64_t start, end;
} bounds;

static int async_sequence(tide_gen *g, void *arg, tide_val *out) {
    const bounds *b = arg;
    for (int64_t i = b->start; i <= b->end; i++) {
        int rc = tide_yield(g, resolve_after(i, seed_ms(1000)), out);
        if (rc != 0)
            return rc; /* a rejection, or return() / throw() from the consumer */
    }
    *out = tide_undefined();
    return 0;
}

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    bounds b = {1, 5}; /* asyncSequence(1, 5); lives as long as the loop */
    tide_val seq = tide_async_gen(async_sequence, &b);

    tide_val num, err;
    int rc;
    tide_for_await (num, seq, &rc, &err) {
        char buf[32];
        printf("%s\n", tide_format(num, buf, sizeof buf));
        tide_release(num);
    }
    if (rc < 0)
        return *out = err, rc;
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
