/* Seed 001: `range` again, its Symbol.iterator now a generator method, and
 * spread into an array.
 *
 *   let range = {
 *     from: 1,
 *     to: 5,
 *     *[Symbol.iterator]() {
 *       for (let value = this.from; value <= this.to; value++) {
 *         yield value;
 *       }
 *     }
 *   };
 *   console.log([...range]); // 1,2,3,4,5
 *
 * The class's `iterator` method returns a generator (tide_generator) whose
 * body reads `this` — the range — through its argument. The twin,
 * 001_range_gen.js, prints the array as JSON, and so does this program.
 */
#include <stdio.h>
#include <tide.h>

#include "seed_util.h"

typedef struct range {
    int64_t from, to;
} range;

/* The generator method's body. arg is the range's data, borrowed: main holds
 * the range for as long as anything iterates it. */
static int range_values(tide_gen *g, void *arg, tide_val *out) {
    const range *self = arg;
    for (int64_t value = self->from; value <= self->to; value++) {
        int rc = tide_yield(g, tide_int(value), out);
        if (rc != 0)
            return rc; /* return() or throw() from the consumer */
    }
    *out = tide_undefined();
    return 0;
}

/* *[Symbol.iterator]() */
static tide_val range_iterator(tide_val self) {
    return tide_generator(range_values, tide_object_data(self));
}

static const tide_class range_class = {.name = "Range", .iterator = range_iterator};

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    tide_val range_obj = tide_object_new(&range_class, sizeof(range));
    if (tide_is_error(range_obj))
        return *out = range_obj, tide_error_code(range_obj);
    *(range *)tide_object_data(range_obj) = (range){.from = 1, .to = 5};

    /* console.log([...range]) — tide_iter_to_array takes its argument. */
    tide_val values = tide_iter_to_array(tide_retain(range_obj));
    int rc = 0;
    if (tide_is_error(values)) {
        rc = tide_error_code(values);
        *out = values;
    } else {
        seed_print_json(NULL, values);
        tide_release(values);
    }
    tide_release(range_obj);
    return rc;
}

int main(void) { return tide_run(main_async, NULL); }
