/* tide — async functions, await, and running a program.
 *
 * An async function is a C function run on its own coroutine:
 *
 *   static int work(void *arg, tide_val *out) {
 *       tide_val v;
 *       if (tide_await(tide_sleep(10), &v) < 0)
 *           return *out = v, -1;      // rethrow: the task's promise rejects
 *       *out = tide_int(42);          // the task's promise fulfils with 42
 *       return 0;
 *   }
 *   tide_val p = tide_async(work, NULL);
 *
 * As in JavaScript, tide_async runs the body synchronously up to its first
 * await and returns a promise for its result; tide_await suspends the
 * coroutine, the rest of the program goes on, and the body resumes in a later
 * microtask once the awaited promise settles.
 *
 * A body returns 0 (or any value >= 0) to fulfil its promise with *out, or a
 * negative code to reject it with *out (an error made from the code if *out
 * is undefined). *out starts as undefined and is taken.
 *
 * Nothing longjmps: every suspension point returns a status, and the C code
 * decides what to do with it.
 */
#ifndef TIDE_TASK_H
#define TIDE_TASK_H

#include "promise.h"
#include "switch.h"

typedef int (*tide_async_fn)(void *arg, tide_val *out);

/* Starts fn(arg) as an async function and returns its promise (owned). name
 * (a static string) names the coroutine in messages such as a stack-overflow
 * report; the tide_async macro passes the function's own name. arg is
 * borrowed. Never fails synchronously: without memory for a coroutine the
 * promise is rejected with TIDE_ENOMEM; without a loop, with TIDE_ENOLOOP; fn
 * NULL, with TIDE_EINVAL. */
TIDE_EXTERN tide_val tide_async_named(const char *name, tide_async_fn fn, void *arg);
#define tide_async(fn, arg) tide_async_named(#fn, (fn), (arg))

/* JavaScript's `await v`. v is taken (to await the same promise twice,
 * tide_retain it first). Suspends the calling async function until v settles
 * and returns 0 with the fulfilment value in *out, or a negative code with
 * the reason in *out: the reason's error code if it is an error, else
 * TIDE_EREJECTED. *out is owned by the caller. Like JavaScript, awaiting a
 * settled promise or a plain value still yields to the microtask queue once,
 * and a thenable takes one tick more (its `then` is called in a job of its
 * own).
 * Outside an async function: returns TIDE_ENOTASK at once with an error in
 * *out (v is released). out NULL: the value is released. */
static inline int tide_await(tide_val v, tide_val *out);

/* Private: tide_await's parts. The await of a fulfilled promise that can end
 * in place (tide__await_in_place) ends inline, or in last when v holds the
 * promise's last reference (its value then moves out). Otherwise begin ends
 * the await when it can without a switch and returns its status, or
 * registers it and returns TIDE__AWAIT_SUSPEND; prep gives the pair for the
 * switch (the same record twice when the task's own continuation is the
 * next job: then it does not switch), and finish returns the status once
 * the task is resumed. The
 * switch is tide__switch_keep (tide/switch.h): with every register
 * clobbered, the caller would keep its variables in memory on the common
 * path too. */
#define TIDE__AWAIT_SUSPEND 1
typedef struct tide__ctx_pair {
    tide__ctx_rec *save, *load;
} tide__ctx_pair;
TIDE_EXTERN int tide__await_begin(tide_val v, tide_val *out);
TIDE_EXTERN int tide__await_last(tide_val v, tide_val *out);
TIDE_EXTERN tide__ctx_pair tide__await_prep(void);
TIDE_EXTERN int tide__await_finish(tide_val *out);

/* Private: whether `await v` may end in place, with no tick queued and no
 * switch: v is a fulfilled promise of this thread's loop, awaited by the
 * coroutine whose continuation would be the loop's very next job anyway
 * (tide__now.sole, never a cancelled task), with the fairness budget not
 * spent. The order is the same as a suspension would give. */
static inline bool tide__await_in_place(tide_val v) {
    if (v.tag != TIDE_T_PROMISE || tide__coro_cur != tide__now.sole ||
        tide__now.ticks >= tide__now.tick_limit)
        return false;
    const struct tide__promise *p = (const struct tide__promise *)(const void *)v.u.o;
    return p->state == TIDE_FULFILLED && p->loop == tide__now.loop &&
           !(p->hdr.flags & TIDE__OBJ_IMMORTAL);
}

static inline int tide_await(tide_val v, tide_val *out) {
    if (out && tide__await_in_place(v)) {
        if (v.u.o->rc == 1)
            return tide__await_last(v, out);
        /* The commonest settled case: the caller keeps a reference too. */
        struct tide__promise *p = (struct tide__promise *)(void *)v.u.o;
        tide__now.ticks++;
        p->handled = true;
        *out = tide_retain(tide__load(&p->result));
        p->hdr.rc--; /* the awaited reference */
        return 0;
    }
    int rc = tide__await_begin(v, out);
    if (__builtin_expect(rc == TIDE__AWAIT_SUSPEND, 0)) {
        tide__ctx_pair sw = tide__await_prep();
        if (sw.save != sw.load) /* else the task's own continuation was next */
            tide__switch_keep(sw.save, sw.load);
        rc = tide__await_finish(out);
    }
    return rc;
}

/* setTimeout as a promise: fulfils with undefined after ms (0 means 1).
 * Inside a task it is cut short by the task's signal (see signal.h). */
TIDE_EXTERN tide_val tide_sleep(uint64_t ms);
/* setImmediate as a promise: fulfils in the loop's next check phase. */
TIDE_EXTERN tide_val tide_immediate(void);

/* True when called from inside an async function (or generator body). */
TIDE_EXTERN bool tide_in_task(void);

/* The status code tide_await gives for a rejection reason: the error code,
 * or TIDE_EREJECTED for a reason that is not an error. */
TIDE_EXTERN int tide_reason_code(tide_val reason);

/* Runs a whole program: makes a loop on this thread, runs main_fn(arg) as an
 * async function, runs the loop until nothing is pending, frees the loop.
 * Returns the exit status: 0; 1 if main's promise rejected (its reason is
 * printed to stderr as "tide: main failed: ...") or a rejection went
 * unhandled; 2 if the loop could not be made (the thread already has one, or
 * no memory). */
TIDE_EXTERN int tide_run(tide_async_fn main_fn, void *arg);

#endif
