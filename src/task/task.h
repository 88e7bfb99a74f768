/* task — internal interface: the coroutine that runs an async body, and the
 * await that suspends it. Generators (the layers above) run their bodies on
 * tasks too, so that a generator body can await. */
#ifndef TIDE_TASK_INTERNAL_H
#define TIDE_TASK_INTERNAL_H

#include "coro/coro.h"
#include "promise/promise.h"
#include "tide/task.h"

typedef struct tide__task tide__task;
typedef struct tide__listener tide__listener;

/* An abort signal's data (signal.c). */
typedef struct tide__sig {
    bool aborted;
    tide_val reason;
    tide__listener *head, *tail; /* abort listeners, in the order added */
    tide__task *waiters;         /* tasks suspended at an await under it */
    tide_loop *loop;
    tide_timer timer;            /* a timeout signal's */
    tide_val *inputs;            /* an any() signal's, held */
    size_t ninputs;
} tide__sig;

struct tide__task {
    tide__reaction await; /* first: the await reaction; fires the resume */
    tide__coro *coro;
    tide_val awaiting;    /* the promise the task waits on (held), or undefined */
    int status;           /* what the suspension point returns ... */
    tide_val value;       /* ... and its value */
    bool from_drain;      /* resumed by the microtask loop itself */
    bool shielded;        /* waits ignore the signal (tide_task_shield) */
    tide_val signal;      /* the task's abort signal (held), or undefined */
    tide__sig *sig;       /* its data, or NULL */
    tide__sig *wsig;      /* the signal it waits under while suspended, or NULL */
    tide__task *wprev, *wnext; /* in wsig's waiters */
    tide__task *prev, *next;   /* live tasks of the thread */
};

/* The running task, or NULL on the main stack. */
static inline tide__task *tide__task_self(void) {
    tide__coro *c = tide__coro_cur;
    return c ? (tide__task *)c->user : NULL;
}

/* Suspends the running task t: switches to whoever resumed it. Returns when
 * something resumes it; t->status / t->value hold what it was resumed with. */
void tide__task_suspend(tide__task *t);

/* Resumes task t now, synchronously, from the calling context (which becomes
 * its resumer), with status and value (taken). Returns when t suspends again
 * or ends. */
void tide__task_resume(tide__task *t, int status, tide_val value);

/* Runs body(t, ctx) on a new coroutine as a task, synchronously until its
 * first suspension. The task lives on the coroutine's own stack, as long as
 * body runs. ctx is borrowed: body must copy what it needs before it first
 * suspends. Returns 0 or TIDE_ENOMEM (nothing ran). */
int tide__task_start(const char *name, void (*body)(tide__task *t, void *ctx),
                     void *ctx);

/* The same with the new task's signal given (borrowed; undefined: none)
 * rather than inherited from the running task. */
int tide__task_start_signal(const char *name, void (*body)(tide__task *t, void *ctx),
                            void *ctx, tide_val signal);

/* tide_await with the switch out of line, for the library's paths where
 * suspending is the rare case: the caller's frame then keeps its registers
 * (an inline switch clobbers them all; tide/switch.h). out must not be
 * NULL. */
int tide__await_call(tide_val v, tide_val *out);

/* A tide__warm_fn (loop/loop.h) for an immediate whose promise (data) a
 * task awaits: stage by stage the promise, the task its first reaction
 * resumes, that task's coroutine record and the top of its stack. */
void tide__task_warm_awaiter(void *promise, unsigned stage);

/* Whether t's waits are cut short now: its signal aborted, not shielded. */
static inline bool tide__task_cancelled(const tide__task *t) {
    return t->sig && !t->shielded && t->sig->aborted;
}

/* tide__now.sole (loop/loop.h) never names a cancelled task, so that the fast
 * paths that find it equal to the running coroutine need not look at the
 * task's signal (a cancelled task's waits end at once instead): the task
 * layer sets it only for a task that is not, and whatever may cancel one
 * (an abort, a shield lifted) calls this. */
static inline void tide__sole_recheck(void) {
    tide__task *t = tide__now.sole->user; /* NULL in tide__sole_none */
    if (t && tide__task_cancelled(t))
        tide__sole_clear();
}

/* Whether awaiting v can end at once with its value: v is a fulfilled
 * promise of this loop, made for one step (v holds its last reference),
 * awaited by a task whose continuation would be the next job anyway (and
 * so not cancelled). tide__await_call's commonest case, and for await's. */
static inline bool tide__await_fulfilled_last(tide_val v) {
    return tide__await_in_place(v) && v.u.o->rc == 1;
}

/* The await of such a v, status 0: its tick counted, its value returned. */
static inline tide_val tide__await_take_last(tide_val v) {
    tide__now.ticks++;
    return tide__promise_take_last(tide__promise_of(v));
}

#endif
