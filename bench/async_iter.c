/* bench async_iter — `for await` over a hand-written async iterator whose
 * next() returns Promise.resolve({value, done}).
 *
 *   const it = { i: 0, n, [Symbol.asyncIterator]() { return this },
 *                next() { return Promise.resolve(this.i < this.n
 *                           ? {value: this.i++, done: false} : {value: undefined, done: true}) } }
 *   for await (const x of it) s += x
 *
 * Per item: a call through the class's async_iter vtable, an iterator result
 * (of an int: carried in the value itself, no object) and a settled promise
 * made and freed (from a per-thread pool), and the await of that promise. No coroutine switch: the consumer awaits a
 * settled promise with nothing else queued, which tide finishes without
 * suspending (the order is the same as a suspension would give). Twin:
 * async_iter.js.
 */
#include <tide.h>

#include "bench.h"

typedef struct counter {
    long i, n;
} counter;

/* next(v): v taken (and unused), self borrowed; returns a settled promise. */
static tide_val counter_next(tide_val self, tide_val v) {
    tide_release(v);
    counter *c = tide_object_data(self);
    tide_val r = c->i < c->n ? tide_iter_result(tide_int(c->i++), false)
                             : tide_iter_result(tide_undefined(), true);
    return tide_promise_resolved(r);
}

static const tide_async_iter_methods counter_methods = {.next = counter_next};
/* An object with async_iter and no async_iterator is its own async iterator
 * (the `[Symbol.asyncIterator]() { return this }` of the JavaScript). */
static const tide_class counter_class = {.name = "Counter", .async_iter = &counter_methods};

static int sum_iter(long n, int64_t *sum, tide_val *err) {
    tide_val it = tide_object_new(&counter_class, sizeof(counter));
    if (tide_is_error(it))
        return *err = it, tide_error_code(it);
    *(counter *)tide_object_data(it) = (counter){0, n};
    return bench_sum_for_await(it, sum, err);
}

static int64_t expect(long n) { return bench_triangle(n); }

int main(int argc, char **argv) {
    static const bench_work w = {"async_iter", sum_iter, expect, 1};
    return bench_run_async(&w, "ns/item", bench_parse(argc, argv, 5000000, 1000000));
}
