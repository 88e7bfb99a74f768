/* task — internal interface: the coroutine that runs an async body, and the
 * await that suspends it. Generators (the layers above) run their bodies on
 * tasks too, so that a generator body can await. */
#ifndef TIDE_TASK_INTERNAL_H
#define TIDE_TASK_INTERNAL_H

#include "coro/coro.h"
#include "promise/promise.h"
#include "tide/task.h"

typedef struct tide__task tide__task;
struct tide__task {
    tide__reaction await; /* first: the await reaction; fires the resume */
    tide__coro *coro;
    tide_val awaiting;    /* the promise the task waits on (held), or undefined */
    int status;           /* what the suspension point returns ... */
    tide_val value;       /* ... and its value */
    bool from_drain;      /* resumed by the microtask loop itself */
    tide__task *prev, *next; /* live tasks of the thread */
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

#endif
