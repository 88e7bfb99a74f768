/* Fair scheduling, counted rather than timed: a chain of 10,000,000 promise
 * reactions started together with a 1 ms timer. Node drains the whole chain
 * before the timer can run; with tide's budget on (the default) the timer
 * runs before the chain ends, and with it off (0) after, as in Node. A
 * standalone program: ten million reactions are too slow for valgrind. */
#include <stdio.h>

#include <tide.h>

#define CHAIN 10000000L

static long reactions, at_timer;

static int step(void *data, tide_val v, tide_val *out) {
    (void)v;
    (void)out;
    if (++reactions < CHAIN)
        tide_release(tide_promise_then(tide_promise_resolved(tide_undefined()), step, NULL, data));
    return 0;
}

static void timer(void *data) {
    (void)data;
    at_timer = reactions;
}

static long run(size_t budget) {
    tide_loop *loop;
    reactions = 0;
    at_timer = -1;
    if (tide_loop_new(&loop, NULL) != 0)
        return -2;
    tide_loop_set_budget(loop, budget);
    tide_timer_start(NULL, 1, 0, timer, NULL);
    tide_release(tide_promise_then(tide_promise_resolved(tide_undefined()), step, NULL, NULL));
    tide_loop_run(loop);
    tide_loop_free(loop);
    return at_timer;
}

int main(void) {
    int failed = 0;
    long on = run(TIDE_DEFAULT_BUDGET);
    printf("budget %d: the timer ran after %ld of %ld reactions\n", TIDE_DEFAULT_BUDGET, on, CHAIN);
    if (!(on >= 0 && on < CHAIN) || reactions != CHAIN) {
        printf("FAIL budget on: expected the timer before the chain ended\n");
        failed++;
    }
    long off = run(0);
    printf("budget off: the timer ran after %ld of %ld reactions\n", off, CHAIN);
    if (off != CHAIN) {
        printf("FAIL budget off: expected the timer after the chain, as in Node\n");
        failed++;
    }
    printf("%d passed, %d failed\n", 2 - failed, failed);
    return failed != 0;
}
