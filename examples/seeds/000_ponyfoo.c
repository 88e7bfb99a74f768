/* Seed 000: an object made iterable by hand, and three ways to iterate it.
 *
 *   const ponyfoo = {
 *     [Symbol.iterator]: () => {
 *       const items = [`p`, `o`, `n`, `y`, `f`, `o`, `o`];
 *       return {
 *         next: () => ({
 *           done: items.length === 0,
 *           value: items.shift()
 *         })
 *       }
 *     }
 *   }
 *   [...ponyfoo]; Array.from(ponyfoo); for (const item of ponyfoo) ...
 *
 * In C, `ponyfoo` is a user object whose class has an `iterator` method
 * (Symbol.iterator); what it returns is an object whose class has `iter`
 * methods (next). Each call makes a fresh iterator with its own items, so
 * every way of iterating sees all seven letters. 000_ponyfoo.js is the twin.
 */
#include <stdio.h>
#include <tide.h>

#include "seed_util.h"

/* ---- the iterator: { next } ------------------------------------------ */

typedef struct letters {
    const char *items; /* what is left of the items: items.shift() moves it on */
} letters;

/* next: () => ({ done: items.length === 0, value: items.shift() }) */
static int letters_next(tide_val self, tide_val v, tide_val *value, bool *done) {
    letters *l = tide_object_data(self);
    tide_release(v); /* next's argument, unused */
    *done = *l->items == '\0';
    *value = *done ? tide_undefined() : tide_str_newn(l->items++, 1);
    return tide_is_error(*value) ? tide_error_code(*value) : 0;
}

static const tide_iter_methods letters_methods = {.next = letters_next};
static const tide_class letters_class = {.name = "PonyfooIterator", .iter = &letters_methods};

/* ---- the iterable: { [Symbol.iterator]: () => ... } ------------------ */

static tide_val ponyfoo_iterator(tide_val self) {
    (void)self;
    tide_val it = tide_object_new(&letters_class, sizeof(letters));
    if (!tide_is_error(it))
        ((letters *)tide_object_data(it))->items = "ponyfoo";
    return it;
}

static const tide_class ponyfoo_class = {.name = "Ponyfoo", .iterator = ponyfoo_iterator};

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    tide_val ponyfoo = tide_object_new(&ponyfoo_class, 0);
    if (tide_is_error(ponyfoo))
        return *out = ponyfoo, tide_error_code(ponyfoo);

    /* [...ponyfoo] — tide_iter_to_array takes its argument, hence the retain. */
    tide_val spread = tide_iter_to_array(tide_retain(ponyfoo));
    seed_print_json("[...ponyfoo]", spread);
    tide_release(spread);

    /* Array.from(ponyfoo): the same walk over the same protocol. */
    tide_val from = tide_iter_to_array(tide_retain(ponyfoo));
    seed_print_json("Array.from(ponyfoo)", from);
    tide_release(from);

    /* for (const item of ponyfoo) console.log(item) */
    tide_val item, err;
    int rc;
    tide_for_of (item, tide_retain(ponyfoo), &rc, &err) {
        printf("%s\n", tide_str(item));
        tide_release(item);
    }
    tide_release(ponyfoo);
    if (rc < 0)
        return *out = err, rc;
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
