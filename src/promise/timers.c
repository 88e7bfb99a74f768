/* promise — setTimeout and setImmediate as promises. */
#include "promise/promise.h"

static void fire(void *data) {
    tide_val p = {.u.p = data, .tag = TIDE_T_PROMISE};
    tide_promise_resolve(p, tide_undefined());
    tide_release(p);
}

static void drop(void *data) {
    tide_val p = {.u.p = data, .tag = TIDE_T_PROMISE};
    tide_release(p);
}

static tide_val start(bool immediate, uint64_t ms) {
    tide_val p = tide_promise_new();
    if (tide__promise_of(p)->hdr.flags & TIDE__OBJ_IMMORTAL)
        return p;
    if (tide__timer_start(NULL, immediate, ms, 0, fire, drop, p.u.p) != 0) {
        tide_release(p);
        return tide__promise_oom();
    }
    tide_retain(p); /* the timer's reference */
    return p;
}

tide_val tide_sleep(uint64_t ms) { return start(false, ms); }

tide_val tide_immediate(void) { return start(true, 0); }
