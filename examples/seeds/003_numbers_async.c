/* Seed 003: numbers again, now getting each next number from magic(index),
 * an outside service that answers asynchronously — so the generator becomes
 * an async generator and is consumed with for await.
 *
 *   async function* numbers() {
 *     let index = 1;
 *     while (true) {
 *       yield index;
 *       index = await magic(index);
 *       if (index > 10) {
 *         break;
 *       }
 *     }
 *   }
 *   async function main() {
 *     for await (const num of numbers()) console.log(num);
 *   }
 *   main();
 *
 * The seed imports magic from './server' without showing it: here it is an
 * async function that answers index + 1 after a short delay (100 ms, scaled
 * by TIDE_TIME_SCALE). The seed's Symbol.asyncIterator polyfill is for old
 * TypeScript targets; neither Node nor tide needs it. The twin is
 * 003_numbers_async.js.
 */
#include <stdio.h>
#include <tide.h>

#include "seed_util.h"

/* async function magic(index): arg is the index itself. */
static int magic_body(void *arg, tide_val *out) {
    int64_t index = (int64_t)(intptr_t)arg;
    tide_val v;
    int rc = tide_await(tide_sleep(seed_ms(100)), &v); /* the round trip */
    if (rc < 0)
        return *out = v, rc;
    *out = tide_int(index + 1);
    return 0;
}

/* magic(index): a promise (owned) of index + 1. */
static tide_val magic(int64_t index) {
    return tide_async_named("magic", magic_body, (void *)(intptr_t)index);
}

static int numbers(tide_gen *g, void *arg, tide_val *out) {
    (void)arg;
    int64_t index = 1;
    while (true) {
        int rc = tide_yield(g, tide_int(index), out);
        if (rc != 0)
            return rc; /* return() or throw() from the consumer */
        tide_val next;
        if ((rc = tide_await(magic(index), &next)) < 0)
            return *out = next, rc;
        index = tide_get_int(next);
        if (index > 10)
            break;
    }
    *out = tide_undefined();
    return 0;
}

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    tide_val num, err;
    int rc;
    tide_for_await (num, tide_async_gen(numbers, NULL), &rc, &err) {
        char buf[32];
        printf("%s\n", tide_format(num, buf, sizeof buf));
        tide_release(num);
    }
    if (rc < 0)
        return *out = err, rc;
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
