/* Seed 001: `range` with an async generator method as Symbol.asyncIterator,
 * waiting a second between values.
 *
 *   let range = {
 *     from: 1,
 *     to: 5,
 *     async *[Symbol.asyncIterator]() {
 *       for (let value = this.from; value <= this.to; value++) {
 *         await new Promise(resolve => setTimeout(resolve, 1000));
 *         yield value;
 *       }
 *     }
 *   };
 *   (async () => {
 *     for await (let value of range) console.log(value); // 1,2,3,4,5
 *   })()
 *
 * The seed defines that async IIFE but never calls it (the trailing `()` is
 * missing), so it would print nothing: here it is called. The class's
 * `async_iterator` method returns an async generator (tide_async_gen) whose
 * body reads the range through its argument. The twin is
 * 001_range_async_gen.js.
 */
#include <stdio.h>
#include <tide.h>

#include "seed_util.h"

typedef struct range {
    int64_t from, to;
} range;

/* The async generator method's body. arg is the range's data, borrowed: the
 * range outlives the loop (main holds it; see main_async). */
static int range_values(tide_gen *g, void *arg, tide_val *out) {
    const range *self = arg;
    for (int64_t value = self->from; value <= self->to; value++) {
        tide_val v;
        int rc = tide_await(tide_sleep(seed_ms(1000)), &v); /* the pause between values */
        if (rc < 0)
            return *out = v, rc;
        if ((rc = tide_yield(g, tide_int(value), out)) != 0)
            return rc;
    }
    *out = tide_undefined();
    return 0;
}

/* async *[Symbol.asyncIterator]() */
static tide_val range_async_iterator(tide_val self) {
    return tide_async_gen(range_values, tide_object_data(self));
}

static const tide_class range_class = {.name = "Range", .async_iterator = range_async_iterator};

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    tide_val range_obj = tide_object_new(&range_class, sizeof(range));
    if (tide_is_error(range_obj))
        return *out = range_obj, tide_error_code(range_obj);
    *(range *)tide_object_data(range_obj) = (range){.from = 1, .to = 5};

    tide_val value, err;
    int rc;
    /* tide_for_await takes the iterable: keep a reference of our own, since
     * the generator reads the range's data while it runs. */
    tide_for_await (value, tide_retain(range_obj), &rc, &err) {
        char buf[32];
        printf("%s\n", tide_format(value, buf, sizeof buf));
        tide_release(value);
    }
    tide_release(range_obj);
    if (rc < 0)
        return *out = err, rc;
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
