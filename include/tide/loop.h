/* tide — the event loop, microtasks, timers and immediates.
 *
 * One loop per thread, on libuv. Like Node, tide runs macrotasks (timers, I/O
 * callbacks, immediates) one at a time and drains the whole microtask queue
 * after each of them, in FIFO order. Promise reactions and await
 * continuations are microtasks.
 *
 * Most programs never touch a tide_loop: tide_run() (see task.h) makes one,
 * runs an async main function on it and frees it. Programs that already have
 * a libuv loop embed tide with tide_loop_new(their_uv_loop).
 *
 * Timers follow Node: a timer due at the same time as another runs after it
 * if it was started later; a delay of 0 means 1 ms. Immediates run in libuv's
 * check phase, after I/O; one started by an immediate runs in the next
 * iteration.
 */
#ifndef TIDE_LOOP_H
#define TIDE_LOOP_H

#include <stdint.h>

#include "val.h"

struct uv_loop_s;
typedef struct tide_loop tide_loop;

/* Makes the loop of the calling thread. With uv NULL tide makes and owns a
 * libuv loop; otherwise it runs on `uv` (borrowed: it must outlive the tide
 * loop), and the program keeps calling uv_run itself — every tide callback
 * drains the microtask queue before returning to libuv.
 * Returns 0 and sets *out, or TIDE_EINVAL (out NULL), TIDE_EBUSY (this thread
 * already has a loop), TIDE_ENOMEM, TIDE_EIO (libuv failed to start). */
TIDE_EXTERN int tide_loop_new(tide_loop **out, struct uv_loop_s *uv);

/* The calling thread's loop, or NULL. */
TIDE_EXTERN tide_loop *tide_loop_current(void);

/* The libuv loop under `loop` (borrowed), so that code built on tide can use
 * libuv directly. NULL if loop is NULL. */
TIDE_EXTERN struct uv_loop_s *tide_loop_uv(tide_loop *loop);

/* Runs the loop until nothing is pending (no active handle, no microtask, no
 * immediate) or until it is stopped. Returns 0, TIDE_EINVAL (NULL loop),
 * TIDE_ETHREAD (loop of another thread) or TIDE_EBUSY (already running). */
TIDE_EXTERN int tide_loop_run(tide_loop *loop);

/* Stops the loop at once: no further tide callback runs (timers due in the
 * same tick included) and tide_loop_run returns. Used by the default
 * unhandled-rejection handler, as Node exits on one. */
TIDE_EXTERN void tide_loop_stop(tide_loop *loop);

/* True once tide_loop_stop was called. */
TIDE_EXTERN int tide_loop_stopped(tide_loop *loop);

/* Frees the loop: stops its timers, closes its libuv handles and, if tide
 * made the libuv loop, closes that too. No user callback runs: queued
 * microtasks are dropped (their references released), and async functions
 * still waiting at an await are resumed with TIDE_ECANCELED so that their
 * clean-up runs (see task.h); every await they make from then on returns
 * TIDE_ECANCELED too. On an embedded loop this runs non-blocking iterations
 * of the program's libuv loop until tide's handles are closed. Returns 0 or
 * TIDE_EINVAL / TIDE_ETHREAD / TIDE_EBUSY (called while it runs). */
TIDE_EXTERN int tide_loop_free(tide_loop *loop);

/* Drains the microtask queue now (a "checkpoint"). Call it at the end of any
 * libuv callback of your own that settles tide promises, as tide's own
 * callbacks do. No-op if a drain is already under way on this thread. */
TIDE_EXTERN void tide_loop_checkpoint(tide_loop *loop);

/* Queues fn(data) as a microtask on the current thread's loop (JavaScript's
 * queueMicrotask). data is borrowed. Returns 0, TIDE_EINVAL (fn NULL),
 * TIDE_ENOLOOP or TIDE_ENOMEM (fn will not run). */
TIDE_EXTERN int tide_queue_microtask(void (*fn)(void *data), void *data);

/* The loop's cached time in milliseconds (libuv's uv_now). */
TIDE_EXTERN uint64_t tide_now(void);

/* ---- Fair scheduling --------------------------------------------------
 * Node drains the whole microtask queue before any timer or I/O callback
 * runs, so a long chain of promise reactions starves them. tide runs at most
 * `budget` microtasks per checkpoint; then timers and I/O get a turn and the
 * queue goes on, in the same order, after them. Programs that stay under the
 * budget see exactly Node's order. */

/* The default: 100,000 microtasks — a few milliseconds of reactions (20 to
 * 100 ns each), far more than ordinary programs queue in one checkpoint, and
 * short enough that a due timer waits at most that long. */
#define TIDE_DEFAULT_BUDGET 100000

/* Sets the budget of `loop` (0: no limit, as in Node). */
TIDE_EXTERN void tide_loop_set_budget(tide_loop *loop, size_t n);
TIDE_EXTERN size_t tide_loop_get_budget(tide_loop *loop);

/* ---- Timers and immediates (callback forms) -------------------------- */

typedef void (*tide_timer_cb)(void *data);

/* A handle to a timer or an immediate. Stale handles are harmless: stopping
 * one whose callback already ran (or that was stopped) returns TIDE_ENOENT. */
typedef struct tide_timer {
    void *rec;
    uint64_t gen;
} tide_timer;

/* setTimeout / setInterval: runs cb(data) after `ms` (0 means 1, as in Node)
 * and, if repeat_ms > 0, every repeat_ms after that. data is borrowed.
 * Returns 0 and sets *out (out may be NULL), or TIDE_EINVAL (cb NULL),
 * TIDE_ENOLOOP, TIDE_ENOMEM. An active timer keeps the loop alive. */
TIDE_EXTERN int tide_timer_start(tide_timer *out, uint64_t ms, uint64_t repeat_ms,
                                 tide_timer_cb cb, void *data);

/* setImmediate: runs cb(data) in the loop's check phase. Same contract as
 * tide_timer_start. */
TIDE_EXTERN int tide_immediate_start(tide_timer *out, tide_timer_cb cb, void *data);

/* clearTimeout / clearInterval / clearImmediate. Returns 0, or TIDE_ENOENT if
 * the handle is stale, or TIDE_ENOLOOP. */
TIDE_EXTERN int tide_timer_stop(tide_timer t);

/* Private, for the inline steps of tide/gen.h and tide/iter.h and the
 * library's own fast paths; nothing here is for direct use. What is current
 * on the calling thread, together, so that a fast path reaches all of it
 * from one thread-pointer offset: the coroutine whose continuation is the
 * microtask loop's next job (if none, a record that is never the running
 * coroutine, nor NULL), the microtasks run in this checkpoint and the
 * fairness budget, and the thread's loop. src/loop/loop.h says more. */
struct tide__coro;
typedef struct __attribute__((aligned(32))) tide__now_state {
    struct tide__coro *sole;
    size_t ticks, tick_limit;
    tide_loop *loop;
} tide__now_state;
TIDE_EXTERN extern __thread tide__now_state tide__now __attribute__((tls_model("initial-exec")));

#endif
