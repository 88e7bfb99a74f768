/* task — abort controllers and signals (the web platform's), timeout and
 * any() signals.
 *
 * Aborting wakes the tasks waiting under the signal first — each takes its
 * await back from the promise it waited on and resumes with TIDE_ECANCELED
 * in a later job — and then calls the listeners in the order they were
 * added (timers stop, composite signals abort). Waking the tasks first means
 * a listener that rejects what a task waited on (a sleep's promise) cannot
 * turn the task's TIDE_ECANCELED into an ordinary rejection.
 */
#include "task/signal.h"

#include "val/alloc.h"

struct tide__listener {
    tide__listener *next, *prev;
    tide_abort_fn fn;
    void *data;
};

static void sig_finalize(void *data);
static const tide_class sig_class = {.name = "AbortSignal", .finalize = sig_finalize};

typedef struct controller {
    tide_val signal;
} controller;

static void controller_finalize(void *data) { tide_release(((controller *)data)->signal); }
static const tide_class controller_class = {.name = "AbortController",
                                            .finalize = controller_finalize};

tide__sig *tide__sig_of(tide_val v) {
    return tide_object_class(v) == &sig_class ? tide_object_data(v) : NULL;
}

static tide_val sig_new(void) {
    tide_val v = tide_object_new(&sig_class, sizeof(tide__sig));
    tide__sig *s = tide__sig_of(v);
    if (s) {
        s->reason = tide_undefined();
        s->loop = tide__now.loop;
    }
    return v;
}

/* ---- Listeners --------------------------------------------------------- */

static void unlink_listener(tide__sig *s, tide__listener *l) {
    if (l->prev)
        l->prev->next = l->next;
    else
        s->head = l->next;
    if (l->next)
        l->next->prev = l->prev;
    else
        s->tail = l->prev;
}

int tide_abort_signal_on_abort(tide_val v, tide_abort_fn fn, void *data) {
    tide__sig *s = tide__sig_of(v);
    if (!s || !fn)
        return TIDE_EINVAL;
    if (s->aborted)
        return TIDE_EALREADY;
    tide__listener *l = tide__malloc(sizeof *l);
    if (!l)
        return TIDE_ENOMEM;
    *l = (tide__listener){NULL, s->tail, fn, data};
    if (s->tail)
        s->tail->next = l;
    else
        s->head = l;
    s->tail = l;
    return 0;
}

int tide_abort_signal_off(tide_val v, tide_abort_fn fn, void *data) {
    tide__sig *s = tide__sig_of(v);
    if (!s)
        return TIDE_EINVAL;
    for (tide__listener *l = s->head; l; l = l->next) {
        if (l->fn == fn && l->data == data) {
            unlink_listener(s, l);
            tide__free(l);
            return 0;
        }
    }
    return TIDE_ENOENT;
}

/* ---- Waiting tasks ----------------------------------------------------- */

void tide__sig_wait(tide__sig *s, tide__task *t) {
    t->wsig = s;
    t->wprev = NULL;
    if ((t->wnext = s->waiters))
        s->waiters->wprev = t;
    s->waiters = t;
}

void tide__sig_unwait(tide__task *t) {
    tide__sig *s = t->wsig;
    if (!s)
        return;
    if (t->wprev)
        t->wprev->wnext = t->wnext;
    else
        s->waiters = t->wnext;
    if (t->wnext)
        t->wnext->wprev = t->wprev;
    t->wsig = NULL;
}

int tide__sig_status(const tide__sig *s) {
    return tide_error_code(s->reason) == TIDE_ETIMEDOUT ? TIDE_ETIMEDOUT : TIDE_ECANCELED;
}

/* ---- Aborting ---------------------------------------------------------- */

static void sig_abort(tide__sig *s, tide_val reason) {
    s->aborted = true;
    tide__sole_recheck();
    s->reason = tide_is_undefined(reason) ? tide_error_new(TIDE_ECANCELED, "aborted") : reason;
    int status = tide__sig_status(s);
    /* The waiters, oldest first (the list is newest first). */
    tide__task *last = s->waiters;
    while (last && last->wnext)
        last = last->wnext;
    while (last) {
        tide__task *t = last;
        last = t->wprev;
        tide__sig_unwait(t);
        tide__task_cancel_wait(t, status, tide_retain(s->reason));
    }
    /* Then the listeners, taken off one at a time: one may remove a later
     * one (whose data it frees), which then must not run. None can be added:
     * the signal is already aborted. */
    tide__listener *l;
    while ((l = s->head)) {
        unlink_listener(s, l);
        l->fn(l->data, s->reason);
        tide__free(l);
    }
}

tide_val tide_abort_controller_new(void) {
    tide_val sig = sig_new();
    if (tide_is_error(sig))
        return sig;
    tide_val c = tide_object_new(&controller_class, sizeof(controller));
    if (tide_is_error(c)) {
        tide_release(sig);
        return c;
    }
    ((controller *)tide_object_data(c))->signal = sig;
    return c;
}

tide_val tide_abort_controller_signal(tide_val c) {
    if (tide_object_class(c) != &controller_class)
        return tide_error_new(TIDE_ETYPE, "not an AbortController");
    return tide_retain(((controller *)tide_object_data(c))->signal);
}

int tide_abort_controller_abort(tide_val c, tide_val reason) {
    if (tide_object_class(c) != &controller_class) {
        tide_release(reason);
        return TIDE_EINVAL;
    }
    tide__sig *s = tide__sig_of(((controller *)tide_object_data(c))->signal);
    if (s->loop != tide__now.loop) {
        tide_release(reason);
        return TIDE_ETHREAD;
    }
    if (s->aborted) {
        tide_release(reason);
        return TIDE_EALREADY;
    }
    sig_abort(s, reason);
    return 0;
}

bool tide_abort_signal_aborted(tide_val v) {
    tide__sig *s = tide__sig_of(v);
    return s && s->aborted;
}

tide_val tide_abort_signal_reason(tide_val v) {
    tide__sig *s = tide__sig_of(v);
    return s && s->aborted ? s->reason : tide_undefined();
}

int tide_abort_signal_status(tide_val v) {
    tide__sig *s = tide__sig_of(v);
    return s ? tide__sig_status(s) : TIDE_ECANCELED;
}

/* ---- timeout() and any() ----------------------------------------------- */

static void timeout_drop(void *data) { ((tide__sig *)data)->timer.rec = NULL; }

static void timeout_fire(void *data) {
    tide__sig *s = data;
    s->timer.rec = NULL;
    if (!s->aborted)
        sig_abort(s, tide_error_new(TIDE_ETIMEDOUT, "signal timed out"));
}

tide_val tide_abort_signal_timeout(uint64_t ms) {
    tide_val v = sig_new();
    tide__sig *s = tide__sig_of(v);
    if (!s)
        return v;
    if (tide__timer_start(&s->timer, false, ms, 0, timeout_fire, timeout_drop, s) != 0) {
        tide_release(v);
        return tide_error_new(TIDE_ENOMEM, NULL);
    }
    tide__timer_unref(s->timer);
    return v;
}

static void any_fire(void *data, tide_val reason) {
    tide__sig *s = data;
    if (!s->aborted)
        sig_abort(s, tide_retain(reason));
}

tide_val tide_abort_signal_any(const tide_val *signals, size_t n) {
    tide_val v = sig_new();
    tide__sig *s = tide__sig_of(v);
    if (!s)
        return v;
    if (n && !(s->inputs = tide__calloc(n, sizeof *s->inputs))) {
        tide_release(v);
        return tide_error_new(TIDE_ENOMEM, NULL);
    }
    for (size_t i = 0; i < n && !s->aborted; i++) {
        tide__sig *in = tide__sig_of(signals[i]);
        if (!in)
            continue;
        if (in->aborted) {
            sig_abort(s, tide_retain(in->reason));
        } else if (tide_abort_signal_on_abort(signals[i], any_fire, s) == 0) {
            s->inputs[s->ninputs++] = tide_retain(signals[i]);
        }
    }
    return v;
}

static void sig_finalize(void *data) {
    tide__sig *s = data;
    if (s->timer.rec)
        tide_timer_stop(s->timer);
    for (size_t i = 0; i < s->ninputs; i++) {
        tide_abort_signal_off(s->inputs[i], any_fire, s);
        tide_release(s->inputs[i]);
    }
    tide__free(s->inputs);
    while (s->head) {
        tide__listener *l = s->head;
        s->head = l->next;
        tide__free(l);
    }
    tide_release(s->reason);
}
