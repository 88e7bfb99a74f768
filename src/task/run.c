/* task — tide_run: a whole program on a loop of its own. */
#include <stdio.h>

#include "task/task.h"

/* main's rejection is an unhandled rejection like any other (the loop stops
 * at once, as Node exits), reported under its own name. */
static void on_unhandled(void *data, tide_val promise, tide_val reason) {
    bool is_main = promise.u.o == ((tide_val *)data)->u.o;
    tide__unhandled_fail(tide__loop(), is_main ? "main failed" : "unhandled promise rejection",
                         reason);
}

int tide_run(tide_async_fn main_fn, void *arg) {
    tide_loop *loop;
    if (tide_loop_new(&loop, NULL) != 0) {
        fprintf(stderr, "tide: cannot make a loop on this thread\n");
        return 2;
    }
    tide_val p = tide_undefined();
    tide_on_unhandled_rejection(on_unhandled, &p);
    p = tide_async_named("main", main_fn, arg);
    tide_loop_run(loop);
    int status = tide__loop_failed(loop) ? 1 : 0;
    if (!status && tide_promise_state(p) == TIDE_REJECTED) {
        /* A hook of the program's own saw it and let the loop go on. */
        tide__unhandled_fail(loop, "main failed", tide_promise_result(p));
        status = 1;
    }
    tide_release(p);
    tide_loop_free(loop);
    return status;
}
