/* tide — generators and the iterator protocol.
 *
 *   function* numbers() {            static int numbers(tide_gen *g, void *arg, tide_val *out) {
 *     for (let i = 1; i <= 3; i++)       for (int i = 1; i <= 3; i++) {
 *       yield i;                             int rc = tide_yield(g, tide_int(i), out);
 *   }                                        if (rc != 0) return rc;  // return() or throw()
 *                                        }
 *                                        *out = tide_undefined();
 *                                        return 0;
 *                                    }
 *   for (const n of numbers())       tide_for_of (n, tide_generator(numbers, NULL), &rc, &err) {...}
 *
 * A generator body runs on a coroutine of its own. tide_yield hands a value
 * to the consumer and returns how the generator was resumed:
 *   0             next(v): *in is v;
 *   TIDE_RETURN   return(v): *in is v — clean up and `return TIDE_RETURN`
 *                 with *out = v, or yield again (a `finally` that yields);
 *   < 0           throw(e): *in is e — handle it (a `catch`) or return the
 *                 code with *out = e to let it escape.
 * The body ends by returning 0 (done; *out is the return value), TIDE_RETURN
 * (done because return(v) was asked; *out is v) or a negative code (thrown;
 * *out is the reason, or an error made from the code if *out is left
 * undefined). *out and *in are owned by the body.
 *
 * Generator states follow ECMAScript: suspendedStart (made, nothing run),
 * suspendedYield, executing, completed. A body may not resume its own
 * generator (TIDE_ETYPE: "already running"), and may not await (TIDE_ENOTASK:
 * that needs an async generator, see agen.h).
 *
 * Releasing the last reference to a generator suspended at a yield closes it
 * as return() would: its yield returns TIDE_RETURN so its clean-up runs. (C
 * has no collector to hide a frame that never finishes.) A body that yields
 * again after 64 such requests is abandoned, with a message on stderr: its
 * coroutine and what its frames hold are leaked.
 */
#ifndef TIDE_GEN_H
#define TIDE_GEN_H

#include "switch.h"
#include "task.h"

typedef struct tide_gen tide_gen;

typedef int (*tide_gen_fn)(tide_gen *g, void *arg, tide_val *out);

/* The sync iterator protocol, as a class's `iter` slot. Each method takes
 * self borrowed and its argument taken; it returns 0 with the result in
 * *value (owned) and *done, or a negative code with the reason in *value
 * (JavaScript's throw). return_ and throw_ may be NULL (absent). */
typedef struct tide_iter_methods {
    int (*next)(tide_val self, tide_val v, tide_val *value, bool *done);
    int (*return_)(tide_val self, tide_val v, tide_val *value, bool *done);
    int (*throw_)(tide_val self, tide_val e, tide_val *value, bool *done);
} tide_iter_methods;

/* A new generator (a TIDE_T_ITERATOR, owned) that will run fn(g, arg, out)
 * on its first next(). arg is borrowed. name (static) names its coroutine;
 * the tide_generator macro passes the function's own name. Out of memory:
 * the ENOMEM error value. */
TIDE_EXTERN tide_val tide_generator_named(const char *name, tide_gen_fn fn, void *arg);
#define tide_generator(fn, arg) tide_generator_named(#fn, (fn), (arg))

/* `yield v` from the body of generator g (sync or async). v is taken. In an
 * async generator the operand is awaited first, as `yield` does there: a
 * rejection is thrown into the body here. Returns as described above.
 * Called from anywhere but g's own body: TIDE_EINVAL with an error in *in.
 * (Inline: see tide/switch.h for why.) */
static inline int tide_yield(tide_gen *g, tide_val v, tide_val *in);

/* Private, for the inline steps below and tide/iter.h's: the first fields
 * of a generator (src/gen/gen.h's struct tide_gen, which begins with them,
 * as gen.c asserts) and its states. Nothing here is for direct use. */
enum { TIDE__GEN_START, TIDE__GEN_YIELD, TIDE__GEN_EXEC, TIDE__GEN_RETURN, TIDE__GEN_DONE };
/* fast: which inline steps the library allows (none where its switches need
 * the sanitizer's bookkeeping or there is no inline switch). */
enum { TIDE__GEN_SLOW, TIDE__GEN_FAST_SYNC, TIDE__GEN_FAST_ASYNC };
/* direct: an async generator's direct `for await` step (tide/iter.h): the
 * loop asked for the next value and waits in its switch (ASKED); the body
 * answered into status, value and done (ANSWERED); or the body did
 * something else first and the loop awaits a promise for it (AWAITED).
 * ASKED and AWAITED are a next() request ahead of those in the queue. */
enum { TIDE__DIRECT_NONE, TIDE__DIRECT_ASKED, TIDE__DIRECT_ANSWERED, TIDE__DIRECT_AWAITED };
typedef struct __attribute__((may_alias)) tide__gen_pub {
    tide_obj hdr;
    uint8_t state;
    bool async;
    bool done;
    uint8_t fast;
    uint8_t direct;
    uint8_t private_;
    int status;
    tide_val value;
    struct tide__coro *coro; /* the body's, while the body exists */
    void *queue;             /* async: the first queued request, or NULL */
} tide__gen_pub;

TIDE_EXTERN int tide__yield_slow(tide_gen *g, tide_val v, tide_val *in);
/* An async generator's body resumed at a yield by anything but a direct
 * step: the request at the head of its queue, as tide_yield returns it. */
TIDE_EXTERN int tide__yield_resumed(tide_gen *g, tide_val *in);

/* A sync generator's yield from its own body, switching straight back to
 * whoever resumed it; false (nothing touched) when anything else applies,
 * including a canary found overwritten, which the slow path reports. */
static inline __attribute__((always_inline)) bool tide__yield_sync(tide__gen_pub *g, tide_val v,
                                                                   tide_val *in, int *rc) {
    if (g->fast != TIDE__GEN_FAST_SYNC || !g->coro || g->coro != tide__coro_cur)
        return false;
    tide__coro_pub *self = tide__coro_pub_of(g->coro);
    if (!tide__coro_pub_intact(self))
        return false;
    struct tide__coro *to = self->resumer;
    tide__coro_cur = to;
    g->status = 0;
    g->value = v;
    g->done = false;
    g->state = TIDE__GEN_YIELD;
    tide__switch(&self->ctx, &tide__coro_pub_of(to)->ctx);
    *in = tide__take(&g->value);
    *rc = g->status;
    return true;
}

/* An async generator's yield answering the loop's direct step (ASKED, no
 * other request queued) from its own body: v, not a thenable, goes to the
 * loop, which is still the only thing that could run next (tide__now.sole is
 * its coroutine); the await of the operand and the result's reaction would
 * be ticks in which nothing else runs. false (nothing touched) otherwise. */
static inline __attribute__((always_inline)) bool tide__yield_direct(tide__gen_pub *g, tide_val v,
                                                                     tide_val *in, int *rc) {
    if (g->fast != TIDE__GEN_FAST_ASYNC || g->direct != TIDE__DIRECT_ASKED || g->queue ||
        !g->coro || g->coro != tide__coro_cur)
        return false;
    tide__coro_pub *self = tide__coro_pub_of(g->coro);
    struct tide__coro *to = self->resumer;
    if (to != tide__now.sole || tide__val_thenable(v) || g->hdr.rc <= 1 ||
        !tide__coro_pub_intact(self))
        return false;
    tide__coro_cur = to;
    g->status = 0;
    g->value = v;
    g->done = false;
    g->direct = TIDE__DIRECT_ANSWERED;
    g->state = TIDE__GEN_YIELD;
    g->hdr.rc--; /* the body's reference, held while it executes */
    tide__switch(&self->ctx, &tide__coro_pub_of(to)->ctx);
    if (__builtin_expect(g->direct == TIDE__DIRECT_ASKED, 1)) {
        *in = tide_undefined(); /* the direct step's next() has no argument */
        *rc = 0;
    } else {
        *rc = tide__yield_resumed((tide_gen *)(void *)g, in);
    }
    return true;
}

static inline int tide_yield(tide_gen *g, tide_val v, tide_val *in) {
    tide__gen_pub *p = (tide__gen_pub *)(void *)g;
    int rc;
    if (__builtin_expect(p != NULL, 1) &&
        (tide__yield_sync(p, v, in, &rc) || tide__yield_direct(p, v, in, &rc)))
        return rc;
    return tide__yield_slow(g, v, in);
}

/* next / return / throw on any sync iterator (it borrowed, v or e taken):
 * 0 with *value / *done, or < 0 with the reason in *value. An iterator
 * without return() gives {v, done}; without throw(), a TIDE_ETYPE error
 * (after closing it, as yield* does). Not an iterator: TIDE_ETYPE. */
TIDE_EXTERN int tide_iter_next(tide_val it, tide_val v, tide_val *value, bool *done);
TIDE_EXTERN int tide_iter_return(tide_val it, tide_val v, tide_val *value, bool *done);
TIDE_EXTERN int tide_iter_throw(tide_val it, tide_val e, tide_val *value, bool *done);

/* GetIterator(iterable, sync): iterable borrowed. An array gives an iterator
 * over its elements; an object whose class has `iterator` gives what that
 * returns; an iterator without `iterator` is its own. Returns the iterator
 * (owned) or a TIDE_ETYPE error value. */
TIDE_EXTERN tide_val tide_iter_get(tide_val iterable);

/* IteratorClose: calls it's return() if it has one (it borrowed). 0, or the
 * negative code return() threw with the reason in *err (err may be NULL). */
TIDE_EXTERN int tide_iter_close(tide_val it, tide_val *err);

/* [...iterable]: an array of every value (owned), or an error value if the
 * iterator threw (the error is the reason). iterable is taken. */
TIDE_EXTERN tide_val tide_iter_to_array(tide_val iterable);

/* ---- for (var of iterable) -------------------------------------------
 *
 *   int rc = 0;
 *   tide_val err, v;
 *   tide_for_of (v, tide_iter_get(arr), &rc, &err) {
 *       ... use v (owned: release it) ...
 *   }
 *   if (rc < 0) ... err is why ...
 *
 * The iterable expression is taken. Leaving the body early (break, return,
 * goto) closes the iterator with return(). An error from next() ends the loop
 * with *rcp < 0 and the reason in *outp, without closing. To leave the body
 * with an error of your own, use tide_for_of_throw(rc, reason): the iterator
 * is closed, errors from closing are ignored, and rc / reason are stored. */
typedef struct tide__for_of {
    tide_val it;
    int *rcp;
    tide_val *outp;
    int state;               /* 0 body, 1 ended, 2 thrown */
    tide_gen *gen;           /* it, when its steps may be inlined; else NULL */
    struct tide__coro *self; /* the coroutine the loop runs on, with gen */
} tide__for_of;

TIDE_EXTERN tide__for_of tide__for_of_begin(tide_val iterable, int *rcp, tide_val *outp);
TIDE_EXTERN bool tide__for_of_ended(tide__for_of *f, tide_val *var);
TIDE_EXTERN bool tide__for_of_next_slow(tide__for_of *f, tide_val *var);

/* next() on a sync generator suspended at a yield, switching straight into
 * its body; false (nothing touched) when anything else applies. */
static inline __attribute__((always_inline)) bool tide__for_of_gen(tide__for_of *f, tide_val *var,
                                                                   bool *more) {
    tide__gen_pub *g = (tide__gen_pub *)(void *)f->gen;
    if (!g || g->state != TIDE__GEN_YIELD || f->state != 0)
        return false;
    tide__coro_pub *self = tide__coro_pub_of(f->self);
    if (!tide__coro_pub_intact(self))
        return false;
    tide__coro_cur = g->coro;
    g->status = 0;
    g->value = tide_undefined();
    g->state = TIDE__GEN_EXEC;
    tide__coro_pub *body = tide__coro_pub_of(g->coro);
    body->resumer = f->self;
    tide__switch(&self->ctx, &body->ctx);
    if (__builtin_expect(!g->done, 1)) { /* it yielded: status is 0 */
        *var = tide__take(&g->value);
        *more = true;
    } else {
        *more = tide__for_of_ended(f, var);
    }
    return true;
}

static inline bool tide__for_of_next(tide__for_of *f, tide_val *var) {
    bool more;
    if (__builtin_expect(tide__for_of_gen(f, var, &more), 1))
        return more;
    return tide__for_of_next_slow(f, var);
}
TIDE_EXTERN void tide__for_of_end(tide__for_of *f);
TIDE_EXTERN void tide__for_of_throw(tide__for_of *f, int rc, tide_val reason);

/* The loop's state has one fixed name, so an inner loop's shadows an outer
 * one's and tide_for_of_throw always means the innermost loop. */
#define tide_for_of(var, iterable, rcp, outp)                                          \
    for (tide__for_of tide__for __attribute__((cleanup(tide__for_of_end))) =           \
             tide__for_of_begin((iterable), (rcp), (outp));                            \
         tide__for_of_next(&tide__for, &(var));)

/* Leaves the innermost tide_for_of body with an error (a `throw`). A statement
 * expression (GNU C) that ends in `break`, so it is one statement anywhere;
 * inside a loop or switch nested in the body that `break` leaves only the
 * nested one: the rest of the body still runs, and the loop ends at its next
 * step. */
#define tide_for_of_throw(rc, reason) ({ tide__for_of_throw(&tide__for, (rc), (reason)); break; })

#endif
