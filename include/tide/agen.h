/* tide — async generators and the async-iterator protocol.
 *
 *   async function* pages(urls) {        static int pages(tide_gen *g, void *arg, tide_val *out) {
 *     for (const url of urls) {              for (...) {
 *       const r = await fetch(url);              tide_val r;
 *       yield r;                                 int rc = tide_await(fetch(url), &r);
 *     }                                          if (rc < 0) return *out = r, rc;
 *   }                                            if ((rc = tide_yield(g, r, out)) != 0)
 *                                                    return rc;
 *                                            }
 *                                            *out = tide_undefined();
 *                                            return 0;
 *                                        }
 *
 * An async generator body runs as an async function that can also yield: it
 * may tide_await, and tide_yield first awaits its operand. Calling
 * tide_async_gen runs nothing; the first next() runs the body, synchronously,
 * up to its first await or yield. next / return / throw return promises of
 * iterator results (tide_iter_result) and are queued as ECMAScript's request
 * queue says: any number may be issued before earlier ones settle, and they
 * settle in the order they were made.
 *
 * The body ends as a generator's does (gen.h): 0 with the return value in
 * *out — awaited first, as `return expr` is, unless it is undefined (falling
 * off the end) — TIDE_RETURN with an already awaited value (tide_yield
 * returned TIDE_RETURN, or tide_gen_return), or a negative code (thrown).
 *
 * Releasing the last reference to an async generator suspended at a yield
 * closes it as return() would: its clean-up runs (and may await).
 */
#ifndef TIDE_AGEN_H
#define TIDE_AGEN_H

#include "gen.h"

/* The async iterator protocol, as a class's `async_iter` slot: each method
 * takes self borrowed and its argument taken, and returns (owned) a promise
 * of an iterator result — or the result itself, which is treated as a
 * promise fulfilled with it. return_ and throw_ may be NULL (absent). */
typedef struct tide_async_iter_methods {
    tide_val (*next)(tide_val self, tide_val v);
    tide_val (*return_)(tide_val self, tide_val v);
    tide_val (*throw_)(tide_val self, tide_val e);
} tide_async_iter_methods;

/* A new async generator (a TIDE_T_ASYNC_ITERATOR, owned) with body fn and
 * argument arg (borrowed). name (static) names its coroutine; the
 * tide_async_gen macro passes the function's own name. Out of memory: the
 * ENOMEM error value. */
TIDE_EXTERN tide_val tide_async_gen_named(const char *name, tide_gen_fn fn, void *arg);
#define tide_async_gen(fn, arg) tide_async_gen_named(#fn, (fn), (arg))

/* next(v) / return(v) / throw(e) on any async iterator (it borrowed, the
 * argument taken). Always a new promise (owned); never fails synchronously:
 * `it` not an async iterator, or a missing method, gives a promise rejected
 * with TIDE_ETYPE — except return() without a return method, which
 * fulfils with {v, done: true}. */
TIDE_EXTERN tide_val tide_async_iter_next(tide_val it, tide_val v);
TIDE_EXTERN tide_val tide_async_iter_return(tide_val it, tide_val v);
TIDE_EXTERN tide_val tide_async_iter_throw(tide_val it, tide_val e);

/* `return expr` for an async generator body that needs JavaScript's exact
 * ticks: awaits v (taken), then returns TIDE_RETURN with the value in *out,
 * or the rejection's code with the reason. Use as `return tide_gen_return(g,
 * v, out);`. */
TIDE_EXTERN int tide_gen_return(tide_gen *g, tide_val v, tide_val *out);

#endif
