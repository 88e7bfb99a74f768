/* Seed 001: `range`, an async iterable whose next() waits a second before
 * each number.
 *
 *   let range = {
 *     from: 1,
 *     to: 5,
 *     [Symbol.asyncIterator]() {
 *       return {
 *         current: this.from,
 *         last: this.to,
 *         async next() {
 *           await new Promise(resolve => setTimeout(resolve, 1000));
 *           if (this.current <= this.last) {
 *             return {done: false, value: this.current++};
 *           } else {
 *             return {done: true};
 *           }
 *         }
 *       };
 *     }
 *   };
 *   (async () => { for await (let value of range) console.log(value); })()
 *
 * `async next()` is an async function: in C, next() starts one with
 * tide_async and returns its promise. `await new Promise(resolve =>
 * setTimeout(resolve, 1000))` is tide_await(tide_sleep(1000)) — scaled by
 * TIDE_TIME_SCALE, see seed_util.h. The twin is 001_range_async.js.
 */
#include <stdio.h>
#include <tide.h>

#include "seed_util.h"

typedef struct range {
    int64_t from, to;
} range;

typedef struct range_iter {
    int64_t current, last;
} range_iter;

/* The body of `async next()`. arg points at the iterator (a reference the
 * body owns, taken before its first await): like `this` in a closure, it
 * keeps the iterator alive while next() is under way. */
static int range_next_body(void *arg, tide_val *out) {
    tide_val self = *(tide_val *)arg;
    range_iter *it = tide_object_data(self);
    tide_val v;
    int rc = tide_await(tide_sleep(seed_ms(1000)), &v);
    if (rc >= 0) {
        if (it->current <= it->last)
            v = tide_iter_result(tide_int(it->current++), false);
        else
            v = tide_iter_result(tide_undefined(), true);
        rc = tide_is_error(v) ? tide_error_code(v) : 0;
    }
    tide_release(self);
    *out = v;
    return rc;
}

static tide_val range_next(tide_val self, tide_val v) {
    tide_release(v);
    tide_val me = tide_retain(self);
    return tide_async_named("next", range_next_body, &me);
}

static const tide_async_iter_methods range_iter_methods = {.next = range_next};
static const tide_class range_iter_class = {.name = "RangeAsyncIterator",
                                            .async_iter = &range_iter_methods};

/* [Symbol.asyncIterator]() { return { current: this.from, last: this.to, next } } */
static tide_val range_async_iterator(tide_val self) {
    range *r = tide_object_data(self);
    tide_val it = tide_object_new(&range_iter_class, sizeof(range_iter));
    if (!tide_is_error(it))
        *(range_iter *)tide_object_data(it) = (range_iter){r->from, r->to};
    return it;
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
    tide_for_await (value, range_obj, &rc, &err) { /* takes range_obj */
        char buf[32];
        printf("%s\n", tide_format(value, buf, sizeof buf));
        tide_release(value);
    }
    if (rc < 0)
        return *out = err, rc;
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
