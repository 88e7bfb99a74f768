/* task — tide_run: a whole program on a loop of its own. */
#include <stdio.h>

#include "task/task.h"

int tide_run(tide_async_fn main_fn, void *arg) {
    tide_loop *loop;
    if (tide_loop_new(&loop, NULL) != 0) {
        fprintf(stderr, "tide: cannot make a loop on this thread\n");
        return 2;
    }
    tide_val p = tide_async_named("main", main_fn, arg);
    tide_loop_run(loop);
    int status = tide__loop_failed(loop) ? 1 : 0;
    if (!status && tide_promise_state(p) == TIDE_REJECTED) {
        char buf[512];
        fprintf(stderr, "tide: main failed: %s\n",
                tide_format(tide_promise_result(p), buf, sizeof buf));
        status = 1;
    }
    tide_release(p);
    tide_loop_free(loop);
    return status;
}
