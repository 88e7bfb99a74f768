/* task — setTimeout and setImmediate as promises; a sleep is cut short by
 * an abort signal (the running task's unless one is given), and
 * tide_timeout races a promise against a timer. */
#include "task/signal.h"

#include "val/alloc.h"

typedef struct sleep {
    tide_val promise;
    tide_val signal; /* held while listening, or undefined */
    tide_timer timer;
} sleep_t;

static void sleep_abort(void *data, tide_val reason);

static void sleep_done(sleep_t *s) {
    if (tide_is_obj(s->signal))
        tide_abort_signal_off(s->signal, sleep_abort, s);
    tide_clear(&s->signal);
    tide_release(s->promise);
    tide__free(s);
}

/* Fulfils a timer's promise: tide_promise_resolve(p, undefined), less the
 * checks that cannot fail for a promise the timer made on its own loop (the
 * program may have resolved it first: then nothing happens). */
static void fulfil(tide__promise *p) {
    if (!p->locked)
        tide__promise_settle(p, false, tide_undefined());
}

static void sleep_fire(void *data) {
    sleep_t *s = data;
    fulfil(tide__promise_of(s->promise));
    sleep_done(s);
}

static void sleep_drop(void *data) { sleep_done(data); }

/* The signal aborted: the timer stops, the promise rejects with the reason
 * (its awaiting task has already been woken with TIDE_ECANCELED). */
static void sleep_abort(void *data, tide_val reason) {
    sleep_t *s = data;
    tide_timer_stop(s->timer);
    tide_clear(&s->signal); /* the listener is gone already */
    tide_promise_reject(s->promise, tide_retain(reason));
    sleep_done(s);
}

tide_val tide_sleep_signal(uint64_t ms, tide_val signal) {
    if (tide_is_undefined(signal))
        signal = tide_task_signal(); /* undefined while shielded */
    if (tide_abort_signal_aborted(signal))
        return tide_promise_rejected(tide_retain(tide_abort_signal_reason(signal)));
    tide_val p = tide_promise_new();
    if (tide__promise_of(p)->hdr.flags & TIDE__OBJ_IMMORTAL)
        return p;
    sleep_t *s = tide__malloc(sizeof *s);
    if (!s || tide__timer_start(&s->timer, false, ms, 0, sleep_fire, sleep_drop, s) != 0) {
        tide__free(s);
        tide_release(p);
        return tide__promise_oom();
    }
    s->promise = tide_retain(p);
    s->signal = tide_undefined();
    if (tide__sig_of(signal)) {
        if (tide_abort_signal_on_abort(signal, sleep_abort, s) == 0)
            s->signal = tide_retain(signal);
    }
    return p;
}

tide_val tide_sleep(uint64_t ms) { return tide_sleep_signal(ms, tide_undefined()); }

/* ---- Immediates ------------------------------------------------------- */

static void immediate_fire(void *data) {
    tide_val p = {.u.p = data, .tag = TIDE_T_PROMISE};
    fulfil(data);
    tide_release(p);
}

static void immediate_drop(void *data) {
    tide_val p = {.u.p = data, .tag = TIDE_T_PROMISE};
    tide_release(p);
}

tide_val tide_immediate(void) {
    tide_val p = tide_promise_new();
    if (tide__promise_of(p)->hdr.flags & TIDE__OBJ_IMMORTAL)
        return p;
    if (tide__immediate_start(immediate_fire, immediate_drop, tide__task_warm_awaiter, p.u.p) != 0) {
        tide_release(p);
        return tide__promise_oom();
    }
    tide_retain(p); /* the immediate's reference */
    return p;
}

/* ---- tide_timeout ------------------------------------------------------ */

typedef struct race {
    tide_val promise; /* the one returned */
    tide_timer timer;
    int refs;         /* the timer's and the reaction's */
} race;

static void race_unref(race *r) {
    if (--r->refs == 0) {
        tide_release(r->promise);
        tide__free(r);
    }
}

static void race_timeout(void *data) {
    race *r = data;
    r->timer.rec = NULL;
    tide_promise_reject(r->promise, tide_error_new(TIDE_ETIMEDOUT, "timed out"));
    race_unref(r);
}

static void race_drop(void *data) {
    race *r = data;
    r->timer.rec = NULL;
    race_unref(r);
}

static void race_settled(void *ctx, size_t i, tide_state st, tide_val v) {
    race *r = ctx;
    (void)i;
    if (st != TIDE_PENDING) {
        if (st == TIDE_REJECTED)
            tide_promise_reject(r->promise, tide_retain(v));
        else
            tide_promise_resolve(r->promise, tide_retain(v));
        if (r->timer.rec && tide_timer_stop(r->timer) == 0) {
            r->timer.rec = NULL;
            race_unref(r); /* the timer's */
        }
    }
    race_unref(r);
}

tide_val tide_timeout(tide_val p, uint64_t ms) {
    tide_val q = tide_promise_new();
    race *r = tide__malloc(sizeof *r);
    if (!r || (tide__promise_of(q)->hdr.flags & TIDE__OBJ_IMMORTAL)) {
        tide__free(r);
        tide_release(p);
        tide_release(q);
        return tide__promise_oom();
    }
    r->promise = tide_retain(q);
    r->refs = 2;
    if (tide__timer_start(&r->timer, false, ms, 0, race_timeout, race_drop, r) != 0) {
        r->timer.rec = NULL;
        r->refs--;
    }
    int rc = tide__promise_on_settle(p, race_settled, r, 0);
    if (rc != 0) {
        tide_promise_reject(q, tide_error_new(rc, NULL));
        race_unref(r);
    }
    return q;
}
