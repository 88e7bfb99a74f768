/* tide — cancellation: abort signals, cancellable tasks, deadlines.
 *
 *   const ac = new AbortController();          tide_val ac = tide_abort_controller_new();
 *   work(ac.signal);                            tide_val p = tide_async_signal(work, NULL,
 *                                                                tide_abort_controller_signal(ac));
 *   ac.abort(reason);                           tide_abort_controller_abort(ac, reason);
 *
 * JavaScript cannot cancel an async function from outside; tide can. Every
 * task (async function, async generator body) carries an abort signal: the
 * one it was started with (tide_async_signal), or else its parent's — so
 * cancelling a task cancels the tasks it started, their timers and their
 * waits (structured cancellation). When a task's signal aborts:
 *   - the await it is suspended at returns TIDE_ECANCELED (TIDE_ETIMEDOUT for
 *     a timeout signal) with the reason in *out, and so does every later await
 *     of that task, so its clean-up runs and finishes;
 *   - its timers (tide_sleep) stop and free what they hold;
 *   - a tide_for_await loop in it closes its iterator (an async generator
 *     gets return() and its clean-up runs) before the error reaches the body's
 *     caller; the close itself is shielded from the cancellation.
 * A clean-up that must still wait shields itself with tide_task_shield.
 * Cancelling a settled task does nothing; aborting twice keeps the first
 * reason (TIDE_EALREADY).
 */
#ifndef TIDE_SIGNAL_H
#define TIDE_SIGNAL_H

#include "task.h"

/* An AbortController: a new one (owned), or the ENOMEM error value. */
TIDE_EXTERN tide_val tide_abort_controller_new(void);

/* Its signal (owned: a new reference). TIDE_ETYPE error value if c is not a
 * controller. */
TIDE_EXTERN tide_val tide_abort_controller_signal(tide_val c);

/* abort(reason): aborts the signal with reason (taken; undefined gives a
 * TIDE_ECANCELED error "aborted"), waking the tasks that wait under it (each
 * resumes in a later job), then calling its listeners in the order they
 * were added; a listener removed by an earlier one is not called. Returns 0,
 * TIDE_EALREADY (already aborted: the first reason stays, reason is
 * released), TIDE_EINVAL (not a controller), TIDE_ETHREAD. */
TIDE_EXTERN int tide_abort_controller_abort(tide_val c, tide_val reason);

/* signal.aborted / signal.reason (borrowed; undefined while not aborted).
 * Not a signal: false / undefined. */
TIDE_EXTERN bool tide_abort_signal_aborted(tide_val s);
TIDE_EXTERN tide_val tide_abort_signal_reason(tide_val s);

/* The status a wait cut short by signal s returns: TIDE_ETIMEDOUT when the
 * reason is a timeout error, else TIDE_ECANCELED. */
TIDE_EXTERN int tide_abort_signal_status(tide_val s);

typedef void (*tide_abort_fn)(void *data, tide_val reason);

/* addEventListener('abort'): fn(data, reason) runs once, when s aborts
 * (data borrowed; reason borrowed). Returns 0, TIDE_EALREADY (s is already
 * aborted: fn is not called), TIDE_EINVAL, TIDE_ENOMEM. */
TIDE_EXTERN int tide_abort_signal_on_abort(tide_val s, tide_abort_fn fn, void *data);
/* removeEventListener: 0, or TIDE_ENOENT. */
TIDE_EXTERN int tide_abort_signal_off(tide_val s, tide_abort_fn fn, void *data);

/* AbortSignal.timeout(ms): a signal (owned) that aborts with a
 * TIDE_ETIMEDOUT error after ms. Its timer does not keep the loop alive. */
TIDE_EXTERN tide_val tide_abort_signal_timeout(uint64_t ms);

/* AbortSignal.any(signals): a signal (owned) that aborts, with the same
 * reason, when the first of the n signals (borrowed) does. */
TIDE_EXTERN tide_val tide_abort_signal_any(const tide_val *signals, size_t n);

/* ---- Tasks ------------------------------------------------------------ */

/* tide_async with an explicit signal (borrowed; undefined: none, so the task
 * is not cancelled with its parent). */
TIDE_EXTERN tide_val tide_async_signal_named(const char *name, tide_async_fn fn, void *arg,
                                             tide_val signal);
#define tide_async_signal(fn, arg, signal) tide_async_signal_named(#fn, (fn), (arg), (signal))

/* The running task's signal (borrowed), or undefined — also while the task
 * is shielded, so that waits started by a shielded clean-up are not cut
 * short. */
TIDE_EXTERN tide_val tide_task_signal(void);

/* Shields the running task's waits from its signal while on is true, for a
 * clean-up that must finish; returns the previous setting. */
TIDE_EXTERN bool tide_task_shield(bool on);

/* ---- Deadlines -------------------------------------------------------- */

/* setTimeout as a promise, cut short by signal (borrowed; undefined: the
 * running task's signal, as tide_sleep does): the timer stops and the promise
 * rejects with the signal's reason. */
TIDE_EXTERN tide_val tide_sleep_signal(uint64_t ms, tide_val signal);

/* A promise that settles like p (taken), or rejects with a TIDE_ETIMEDOUT
 * error after ms, whichever comes first; the timer stops when p settles. */
TIDE_EXTERN tide_val tide_timeout(tide_val p, uint64_t ms);

#endif
