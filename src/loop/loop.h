/* loop — internal interface of the event loop and the microtask queue.
 *
 * This is the only place above `coro` that knows libuv; the promise and task
 * layers talk to the loop through the functions below and never include uv.h.
 */
#ifndef TIDE_LOOP_INTERNAL_H
#define TIDE_LOOP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "tide/loop.h"

#include "common.h"

/* A microtask. Jobs are intrusive: the structure that needs to run (a
 * promise reaction, a task's continuation) embeds a tide__job, so queueing
 * one never allocates and can never fail. The queue is FIFO.
 * discard(j) is what a loop being freed does instead of run(j): release what
 * the job holds without running user callbacks (a task is resumed with
 * TIDE_ECANCELED so that its own clean-up runs). */
typedef struct tide__job tide__job;
struct tide__job {
    tide__job *next;
    void (*run)(tide__job *j);
    void (*discard)(tide__job *j);
};

typedef struct tide__jobq {
    tide__job *head, *tail;
} tide__jobq;

/* tide__now (tide/loop.h) holds the thread's loop, the fairness budget and
 * the sole coroutine described below. */
extern TIDE__TLS tide__jobq tide__jobs;
extern TIDE__TLS bool tide__draining;
extern TIDE__TLS bool tide__stopped; /* the loop of this thread was stopped */

/* The fairness budget (tide__now.ticks, .tick_limit): microtasks run in the
 * current checkpoint, and how many may run before macrotasks get a turn
 * (SIZE_MAX: no limit). Fast paths that skip a queued job count the ticks
 * they stand for, and stand down once the budget is spent, so that the loop
 * can take its turn. */

static inline bool tide__budget_left(void) { return tide__now.ticks < tide__now.tick_limit; }

static inline bool tide__jobs_empty(void) { return tide__jobs.head == NULL; }

/* tide__now.sole: the coroutine whose continuation would be the microtask
 * loop's very next job: a task the loop itself resumed while no other job was queued, with
 * nothing queued since and the loop not stopped, and not cancelled;
 * otherwise &tide__sole_none, a record that is never a running coroutine
 * (so that a fast path's comparison with the running coroutine, which is
 * NULL on a thread's own stack, needs no test for NULL). The task layer
 * sets it when it resumes a task from a job and clears it when that task
 * suspends, ends or is cancelled; every push and every stop clear it. A
 * fast path that finds it equal to the running coroutine may finish in
 * place a step that would otherwise queue a job and suspend: nothing could
 * run in between (the fairness budget is checked apart). */

extern struct tide__coro tide__sole_none;

static inline void tide__sole_clear(void) { tide__now.sole = &tide__sole_none; }

void tide__loop_wake(tide_loop *loop);

static inline void tide__job_push(tide__job *j) {
    tide__jobq *q = &tide__jobs;
    tide__sole_clear();
    j->next = NULL;
    if (q->tail) {
        q->tail->next = j;
    } else {
        q->head = j;
        if (!tide__draining)
            tide__loop_wake(tide__now.loop);
    }
    q->tail = j;
}

static inline tide__job *tide__job_pop(void) {
    tide__jobq *q = &tide__jobs;
    tide__job *j = q->head;
    if (j && !(q->head = j->next))
        q->tail = NULL;
    return j;
}

/* The job at the head of the queue, without taking it; NULL when empty. */
static inline tide__job *tide__job_peek(void) { return tide__jobs.head; }

/* Hooks the layers above register (from constructors): what to do at the
 * end of a checkpoint (the promise layer reports unhandled rejections),
 * and at loop teardown (the task layer cancels parked coroutines; pools are
 * emptied). */
typedef struct tide__loop_hooks {
    void (*checkpoint_end)(tide_loop *loop);
    /* Called while the loop can still run callbacks; returns true if it
     * queued work and the loop should run again. */
    bool (*before_free)(tide_loop *loop);
    void (*after_free)(void);
    /* Called by the loop's trim timer: give back what the layer's free
     * lists (val/pool.h) kept unused since the last call. */
    void (*trim)(void);
} tide__loop_hooks;

void tide__loop_add_hooks(const tide__loop_hooks *h);

/* Raised by a layer that has work for the end of the checkpoint (a
 * rejection to report): the checkpoint_end hooks run only then, so that a
 * checkpoint with nothing to report, the common case, skips them. */
extern TIDE__TLS bool tide__checkpoint_due;

/* The loop of this thread or NULL. */
static inline tide_loop *tide__loop(void) { return tide__now.loop; }


/* tide_timer_start / tide_immediate_start with a `drop` called (instead of
 * cb) if the loop is freed while the timer is pending, so that what data
 * holds can be released. */
int tide__timer_start(tide_timer *out, bool immediate, uint64_t ms,
                      uint64_t repeat, tide_timer_cb cb, tide_timer_cb drop,
                      void *data);

/* An immediate, as tide__timer_start(NULL, true, ...), whose warm(data,
 * stage) the check phase calls ahead of cb, for stages 0 to
 * TIDE__WARM_STAGES - 1 as the immediate comes closer, a few callbacks
 * apart, the last stage a little before its own. Each stage may read what
 * the one before prefetched and prefetches the next link of what cb will
 * touch: with many immediates queued, each resuming a task of its own whose
 * memory the caches lost since its last turn, the misses then overlap the
 * callbacks before instead of stalling the task's own (the hops benchmark:
 * docs/performance.md). warm must only read memory that stays valid while
 * the immediate is queued, and must change nothing. Such an immediate has
 * no handle: it cannot be stopped, only dropped with its loop. */
typedef void (*tide__warm_fn)(void *data, unsigned stage);
#define TIDE__WARM_STAGES 4
int tide__immediate_start(tide_timer_cb cb, tide_timer_cb drop, tide__warm_fn warm, void *data);

/* A timer that does not keep the loop alive (AbortSignal.timeout's). */
void tide__timer_unref(tide_timer t);

/* Exit status bookkeeping used by tide_run: set by the unhandled-rejection
 * default handler. */
void tide__loop_set_failed(tide_loop *loop);
bool tide__loop_failed(tide_loop *loop);


#endif
