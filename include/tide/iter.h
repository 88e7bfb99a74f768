/* tide — `for await`, async-from-sync iteration, and collecting.
 *
 *   for await (const page of pages(urls)) {     tide_val page, err;
 *     console.log(page);                        int rc;
 *   }                                           tide_for_await (page, tide_async_gen(pages, urls), &rc, &err) {
 *                                                   printf("%s\n", tide_str(page));
 *                                                   tide_release(page);
 *                                               }
 *                                               if (rc < 0) ... err is why ...
 *
 * tide_for_await works over async iterables (async generators, objects whose
 * class has `async_iterator` or `async_iter`) and over sync iterables
 * (generators, arrays — of values or promises — and classes with `iterator`
 * or `iter`), which it adapts as ECMAScript's CreateAsyncFromSyncIterator
 * does: promises among the values are awaited. Each step awaits next(), so
 * the loop must run inside an async function (else *rcp is TIDE_ENOTASK and
 * the body never runs).
 *
 * Leaving the body early — break, return, goto — calls the iterator's
 * return() and awaits it before the code after the loop runs; an error from
 * closing is stored in *rcp / *outp. To leave the body with an error of your
 * own (JavaScript's throw inside the loop) use tide_for_await_throw(rc,
 * reason): the iterator is closed, errors from closing are ignored, and rc /
 * reason are stored. An error from next() itself ends the loop with the
 * error stored and the iterator left alone. After `return` out of the loop,
 * the function's return value is already decided: check *rcp if closing can
 * fail.
 */
#ifndef TIDE_ITER_H
#define TIDE_ITER_H

#include "agen.h"
#include "signal.h"

/* GetIterator(iterable, async). iterable borrowed. Returns an async
 * iterator (owned) or a TIDE_ETYPE error value. */
TIDE_EXTERN tide_val tide_async_iter_get(tide_val iterable);

/* CreateAsyncFromSyncIterator: an async iterator over sync iterator `it`
 * (taken) whose values, when promises, are awaited. */
TIDE_EXTERN tide_val tide_async_from_sync(tide_val it);

/* A promise of an array of everything the (async or sync) iterable yields;
 * rejects as the iteration does. iterable taken. */
TIDE_EXTERN tide_val tide_async_iter_to_array(tide_val iterable);

/* A step with a deadline: next(v) on it (borrowed; v taken), rejected with
 * a TIDE_ETIMEDOUT error if it has not settled after ms (tide_timeout). */
TIDE_EXTERN tide_val tide_async_iter_next_timeout(tide_val it, tide_val v, uint64_t ms);

/* Promise.all / allSettled / race / any over any sync iterable (taken). */
TIDE_EXTERN tide_val tide_promise_all_iter(tide_val iterable);
TIDE_EXTERN tide_val tide_promise_all_settled_iter(tide_val iterable);
TIDE_EXTERN tide_val tide_promise_race_iter(tide_val iterable);
TIDE_EXTERN tide_val tide_promise_any_iter(tide_val iterable);

/* `yield* iterable` from the body of an async generator: delegates to an
 * async iterable (or a sync one, through async-from-sync), forwarding next,
 * return and throw requests. iterable is taken. Returns 0 with the
 * delegate's return value in *out; TIDE_RETURN if a return request finished
 * the delegate (pass it on: `return rc`); or a negative code with the reason
 * (a throw, or a TIDE_ETYPE protocol error). */
TIDE_EXTERN int tide_yield_star(tide_gen *g, tide_val iterable, tide_val *out);

typedef struct tide__for_await {
    tide_val it;
    int *rcp;
    tide_val *outp;
    int state; /* 0 body, 1 ended, 2 thrown */
    tide_val (*next)(tide_val self, tide_val v); /* it's, read once, as GetIterator does */
    tide__gen_pub *agen; /* it, an async generator whose steps may be inlined; else NULL */
} tide__for_await;

TIDE_EXTERN tide__for_await tide__for_await_begin(tide_val iterable, int *rcp, tide_val *outp);
TIDE_EXTERN bool tide__for_await_finish(tide__for_await *f, tide_val *var);
TIDE_EXTERN bool tide__for_await_next_slow(tide__for_await *f, tide_val *var);

/* The loop's step over an async generator suspended at a yield, when
 * nothing could tell it from the full protocol's: the loop's coroutine is
 * the only thing that could run next (tide__now.sole), and the fairness budget
 * has room for the two ticks the step stands for. The loop asks (direct
 * ASKED) and switches straight into the body; a yield of a plain value
 * answers the same way back (tide__yield_direct in tide/gen.h), creating no
 * promise; anything else the body does leaves the rest to
 * tide__for_await_finish. (f->agen is set only while the loop is in its
 * body, state 0: tide__for_await_throw clears it, and no step is asked for
 * after the others that leave the body.) */
static inline __attribute__((always_inline)) bool tide__for_await_direct(tide__for_await *f) {
    tide__gen_pub *g = f->agen;
    if (!g) /* apart, so that a loop over any other iterator reads no more */
        return false;
    struct tide__coro *c = tide__coro_cur;
    if (g->state != TIDE__GEN_YIELD || c != tide__now.sole ||
        tide__now.ticks + 2 >= tide__now.tick_limit)
        return false;
    tide__coro_pub *self = tide__coro_pub_of(c);
    if (!tide__coro_pub_intact(self))
        return false;
    tide__now.ticks += 2; /* the yield's await and the result's reaction */
    g->direct = TIDE__DIRECT_ASKED;
    g->state = TIDE__GEN_EXEC;
    g->hdr.rc++; /* the body's, while it executes */
    tide__coro_pub *body = tide__coro_pub_of(g->coro);
    body->resumer = c;
    tide__coro_cur = g->coro;
    tide__switch(&self->ctx, &body->ctx);
    return true;
}

static inline bool tide__for_await_next(tide__for_await *f, tide_val *var) {
    if (__builtin_expect(tide__for_await_direct(f), 1)) {
        tide__gen_pub *g = f->agen;
        if (__builtin_expect(g->direct == TIDE__DIRECT_ANSWERED && !g->done, 1)) {
            *var = tide__take(&g->value);
            return true;
        }
        return tide__for_await_finish(f, var);
    }
    return tide__for_await_next_slow(f, var);
}
TIDE_EXTERN void tide__for_await_end(tide__for_await *f);
TIDE_EXTERN void tide__for_await_throw(tide__for_await *f, int rc, tide_val reason);

/* The iterable expression is taken; var receives each value (owned). */
#define tide_for_await(var, iterable, rcp, outp)                                       \
    for (tide__for_await tide__fa __attribute__((cleanup(tide__for_await_end))) =      \
             tide__for_await_begin((iterable), (rcp), (outp));                         \
         tide__for_await_next(&tide__fa, &(var));)

/* Leaves the innermost tide_for_await body with an error (a `throw`). A statement
 * expression (GNU C) that ends in `break`, so it is one statement anywhere;
 * inside a loop or switch nested in the body that `break` leaves only the
 * nested one: the rest of the body still runs, and the loop ends at its next
 * step. */
#define tide_for_await_throw(rc, reason) ({ tide__for_await_throw(&tide__fa, (rc), (reason)); break; })

#endif
