/* tide — promises.
 *
 * ECMAScript's promises (ECMA-262 §27.2) in C: pending, then fulfilled with a
 * value or rejected with a reason, exactly once. Reactions registered with
 * tide_promise_then run as microtasks in registration order; resolving a
 * promise with another promise or a thenable adopts its state with the same
 * number of microtask ticks as JavaScript, so the order of everything that
 * runs matches Node's.
 *
 * A promise is a tide_val of type TIDE_T_PROMISE (refcounted like any object).
 * Functions that return a promise never fail synchronously: when memory runs
 * out they return a promise already rejected with TIDE_ENOMEM, and when the
 * thread has no loop one rejected with TIDE_ENOLOOP.
 *
 * Unhandled rejections behave like Node 20's default: a promise rejected with
 * no handler by the end of a microtask checkpoint gets its reason printed to
 * stderr ("tide: unhandled promise rejection: ..."), the loop stops at once
 * (pending timers do not run) and tide_run returns 1. A handler installed with
 * tide_on_unhandled_rejection replaces that.
 *
 *   JavaScript                        C
 *   new Promise(...)                  tide_promise_new() + tide_promise_resolve/reject
 *   Promise.resolve(v)                tide_promise_resolved(v)
 *   p.then(f, g)                      tide_promise_then(p, f, g, data)
 *   Promise.all([a, b])               tide_promise_all((tide_val[]){a, b}, 2)
 */
#ifndef TIDE_PROMISE_H
#define TIDE_PROMISE_H

#include "loop.h"
#include "val.h"

typedef enum tide_state {
    TIDE_PENDING = 0,
    TIDE_FULFILLED,
    TIDE_REJECTED
} tide_state;

/* A reaction handler. `value` is the fulfilment value or the rejection
 * reason (borrowed). The handler sets *out (which starts as undefined) to an
 * owned value and returns 0 to fulfil the derived promise with it — a promise
 * or thenable in *out is adopted — or a negative code to reject the derived
 * promise with *out (with an error made from the code if *out is left
 * undefined). `data` is what was given to tide_promise_then, borrowed. */
typedef int (*tide_then_fn)(void *data, tide_val value, tide_val *out);

/* A finally handler: runs when the promise settles, either way. It returns a
 * value (owned) that is awaited before the original outcome passes through:
 * undefined to go on at once, a promise to wait for it, a rejected promise or
 * an error returned with *failed set to true to replace the outcome with that
 * rejection (JavaScript's `throw` inside finally). */
typedef tide_val (*tide_finally_fn)(void *data, bool *failed);

/* A new pending promise, owned by the caller. On allocation failure, a
 * rejected one (TIDE_ENOMEM). */
TIDE_EXTERN tide_val tide_promise_new(void);

/* Resolves p (borrowed) with v (taken), as the resolve function given to
 * JavaScript's Promise executor: v a promise or thenable → p follows it; p
 * itself → p rejects with a TIDE_ETYPE error; anything else → p fulfils with
 * v. Returns 0; TIDE_EALREADY if p was already resolved (v is released; p is
 * unchanged, as in ECMAScript); TIDE_EINVAL if p is not a promise;
 * TIDE_ETHREAD if p belongs to another thread's loop. */
TIDE_EXTERN int tide_promise_resolve(tide_val p, tide_val v);

/* Rejects p (borrowed) with reason (taken). Same returns as resolve. */
TIDE_EXTERN int tide_promise_reject(tide_val p, tide_val reason);

/* Promise.resolve(v): v itself if v is a promise, else a new promise
 * resolved with v (a thenable is adopted). v is taken. */
TIDE_EXTERN tide_val tide_promise_resolved(tide_val v);

/* Promise.reject(reason): a new promise rejected with reason (taken). */
TIDE_EXTERN tide_val tide_promise_rejected(tide_val reason);

/* p.then(on_ok, on_err): registers reactions on p (taken) and returns the
 * derived promise (owned). A NULL handler passes the outcome through. `data`
 * is borrowed: it must stay valid until a handler has run (or forever if p
 * never settles). p not a promise: treated as tide_promise_resolved(p). */
TIDE_EXTERN tide_val tide_promise_then(tide_val p, tide_then_fn on_ok,
                                       tide_then_fn on_err, void *data);

/* p.catch(on_err) = then(p, NULL, on_err, data). */
TIDE_EXTERN tide_val tide_promise_catch(tide_val p, tide_then_fn on_err, void *data);

/* p.finally(fn): fn runs once p settles; the returned promise then settles
 * like p, after awaiting what fn returned (see tide_finally_fn). p taken. */
TIDE_EXTERN tide_val tide_promise_finally(tide_val p, tide_finally_fn fn, void *data);

/* State and result of p (borrowed). The result is borrowed: undefined while
 * pending. A non-promise reads as TIDE_FULFILLED with itself as the result. */
TIDE_EXTERN tide_state tide_promise_state(tide_val p);
TIDE_EXTERN tide_val tide_promise_result(tide_val p);

/* ---- Combinators ------------------------------------------------------
 * Each takes the n values in items (promises, thenables or plain values; all
 * taken, items itself borrowed) and returns a new promise. items may be NULL
 * when n is 0. Over iterables: see the iterator layer. */

/* Promise.all: fulfils with an array of the values in order once all fulfil;
 * rejects with the first rejection. */
TIDE_EXTERN tide_val tide_promise_all(const tide_val *items, size_t n);
/* Promise.allSettled: fulfils with an array of settled records
 * (tide_settled_rejected / tide_settled_value), in order. */
TIDE_EXTERN tide_val tide_promise_all_settled(const tide_val *items, size_t n);
/* Promise.race: settles like the first to settle (pending forever if n = 0). */
TIDE_EXTERN tide_val tide_promise_race(const tide_val *items, size_t n);
/* Promise.any: fulfils with the first fulfilment; if all reject, rejects with
 * a TIDE_EAGGREGATE error whose tide_error_errors() holds the reasons in
 * order (n = 0 rejects at once). */
TIDE_EXTERN tide_val tide_promise_any(const tide_val *items, size_t n);

/* The same four over an array value (borrowed). */
TIDE_EXTERN tide_val tide_promise_all_array(tide_val array);
TIDE_EXTERN tide_val tide_promise_all_settled_array(tide_val array);
TIDE_EXTERN tide_val tide_promise_race_array(tide_val array);
TIDE_EXTERN tide_val tide_promise_any_array(tide_val array);

/* ---- Unhandled rejections ---------------------------------------------- */

/* Called at the end of a checkpoint for each promise rejected with no
 * handler; both values borrowed. */
typedef void (*tide_unhandled_fn)(void *data, tide_val promise, tide_val reason);

/* Replaces the default (print, stop the loop, exit status 1) for the current
 * thread's loop; fn NULL restores it. data borrowed. */
TIDE_EXTERN void tide_on_unhandled_rejection(tide_unhandled_fn fn, void *data);

/* Private: a promise's layout, read by tide_await's inline step (tide/task.h)
 * and laid out for the library in src/promise/promise.h. */
struct tide__reaction;
struct tide__promise {
    tide_obj hdr;
    uint8_t state;    /* tide_state */
    bool locked;      /* its resolve functions were used (alreadyResolved) */
    bool handled;     /* [[PromiseIsHandled]] */
    bool tracked;     /* in the unhandled-rejection list */
    bool forwarding;  /* a thenable's resolver: result holds the promise it settles */
    tide_val result;
    struct tide__reaction *head, *tail;
    tide_loop *loop;
};

#endif
