/* Seed 000: the same object made iterable asynchronously.
 *
 *   const ponyfoo = {
 *     [Symbol.asyncIterator]: () => {
 *       const items = [`p`, `o`, `n`, `y`, `f`, `o`, `o`];
 *       return {
 *         next: () => Promise.resolve({
 *           done: items.length === 0,
 *           value: items.shift()
 *         })
 *       }
 *     }
 *   }
 *   for await (const item of ponyfoo) console.log(item)
 *
 * The two changes the seed describes, in C: the class has `async_iterator`
 * (Symbol.asyncIterator) instead of `iterator`, and the iterator's class has
 * `async_iter` methods whose next() returns a promise of an iterator result
 * (tide_promise_resolved(tide_iter_result(...))). tide_for_await awaits each
 * of those promises. 000_ponyfoo_async.js is the twin.
 */
#include <stdio.h>
#include <tide.h>

typedef struct letters {
    const char *items; /* what is left of the items: items.shift() moves it on */
} letters;

/* next: () => Promise.resolve({ done: items.length === 0, value: items.shift() }) */
static tide_val letters_next(tide_val self, tide_val v) {
    letters *l = tide_object_data(self);
    tide_release(v); /* next's argument, unused */
    bool done = *l->items == '\0';
    tide_val value = done ? tide_undefined() : tide_str_newn(l->items++, 1);
    if (tide_is_error(value))
        return tide_promise_rejected(value);
    return tide_promise_resolved(tide_iter_result(value, done));
}

static const tide_async_iter_methods letters_methods = {.next = letters_next};
static const tide_class letters_class = {.name = "PonyfooAsyncIterator",
                                         .async_iter = &letters_methods};

/* [Symbol.asyncIterator]: () => ({ next }) */
static tide_val ponyfoo_async_iterator(tide_val self) {
    (void)self;
    tide_val it = tide_object_new(&letters_class, sizeof(letters));
    if (!tide_is_error(it))
        ((letters *)tide_object_data(it))->items = "ponyfoo";
    return it;
}

static const tide_class ponyfoo_class = {.name = "Ponyfoo",
                                         .async_iterator = ponyfoo_async_iterator};

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    tide_val ponyfoo = tide_object_new(&ponyfoo_class, 0);
    if (tide_is_error(ponyfoo))
        return *out = ponyfoo, tide_error_code(ponyfoo);

    /* for await (const item of ponyfoo) console.log(item) */
    tide_val item, err;
    int rc;
    tide_for_await (item, ponyfoo, &rc, &err) { /* takes ponyfoo */
        printf("%s\n", tide_str(item));
        tide_release(item);
    }
    if (rc < 0)
        return *out = err, rc;
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
