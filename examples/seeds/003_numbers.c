/* Seed 003: numbers, a generator of the whole numbers 1 to 10, consumed
 * with for-of.
 *
 *   function* numbers() {
 *     let index = 1;
 *     while (true) {
 *       yield index;
 *       index = index + 1;
 *       if (index > 10) {
 *         break;
 *       }
 *     }
 *   }
 *   function main() {
 *     for (const num of numbers()) console.log(num);
 *   }
 *   main();
 *
 * A sync generator is tide_generator; tide_for_of walks it. (Like every
 * seed example, main runs under tide_run, though nothing here waits.) The
 * twin is 003_numbers.js.
 */
#include <stdio.h>
#include <tide.h>

static int numbers(tide_gen *g, void *arg, tide_val *out) {
    (void)arg;
    int64_t index = 1;
    while (true) {
        int rc = tide_yield(g, tide_int(index), out);
        if (rc != 0)
            return rc; /* return() or throw() from the consumer */
        index = index + 1;
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
    tide_for_of (num, tide_generator(numbers, NULL), &rc, &err) {
        char buf[32];
        printf("%s\n", tide_format(num, buf, sizeof buf));
        tide_release(num);
    }
    if (rc < 0)
        return *out = err, rc;
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
