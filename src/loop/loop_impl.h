/* loop — the loop structure, private to src/loop/ (it is what includes uv.h). */
#ifndef TIDE_LOOP_IMPL_H
#define TIDE_LOOP_IMPL_H

#include <uv.h>

#include "loop/loop.h"

typedef struct tide__timer tide__timer;
/* What the immediate phase reads comes first, in one cache line; the libuv
 * handle (unused by immediates) last. */
struct tide__timer {
    tide__timer *next; /* free list, or the immediate queue */
    tide_timer_cb cb;  /* NULL once stopped */
    void *data;
    tide__warm_fn warm; /* an immediate's, or NULL (tide__immediate_start) */
    uint64_t gen;      /* bumped each time the record is reused or stopped */
    tide_loop *loop;
    tide_timer_cb drop; /* called instead of cb if the loop is freed first */
    bool immediate;
    bool unref;        /* does not keep the loop alive */
    tide__timer *all;  /* every record, for teardown */
    uv_timer_t h;      /* initialised once, restarted on reuse */
};

struct tide_loop {
    uv_loop_t *uv;
    uv_loop_t own;     /* used when tide made the libuv loop */
    uv_idle_t idle;    /* active while work is queued: stops uv_run blocking */
    uv_check_t check;  /* the immediate phase */
    uv_timer_t trim;   /* unreferenced: trims the stack pool while it is over pool_max */
    bool idle_on, running, stopped, failed, freeing, in_uv, trim_on;
    unsigned long thread_key;
    tide__timer *free_timers, *all_timers;
    tide__timer *imm_head, *imm_tail;
    size_t imm_pending;
    size_t closing; /* handles whose close callback has not run yet */
    size_t budget;  /* microtasks per checkpoint before macrotasks get a turn */
};

void tide__timers_free(tide_loop *l);
/* Runs the immediates queued before this check phase (Node's order). */
void tide__immediates_run(tide_loop *l);
void tide__loop_idle_update(tide_loop *l);

#endif
