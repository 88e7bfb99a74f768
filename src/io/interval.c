/* io — tide_interval: a repeating timer as an async iterator. */
#include <stdlib.h>

#include <tide.h>
#include <tide/io.h>

typedef struct interval {
    tide_timer timer;
    bool running;
    long ticks;      /* ticks so far */
    long unclaimed;  /* ticks no next() has taken yet */
    tide_val queue;  /* pending next()s' promises (an array), oldest at head */
    size_t head;
    tide_val signal; /* held while listening, or undefined */
} interval;

static bool waiting(const interval *iv) { return iv->head < tide_array_len(iv->queue); }

/* The oldest pending next()'s promise, taken off the queue. */
static tide_val take_waiting(interval *iv) {
    tide_val p = tide_retain(tide_array_get(iv->queue, iv->head));
    tide_array_set(iv->queue, iv->head++, tide_undefined());
    if (!waiting(iv)) {
        tide_release(iv->queue);
        iv->queue = tide_array_new(0);
        iv->head = 0;
    }
    return p;
}

static void on_abort(void *data, tide_val reason);

/* Stops the timer; pending next()s end done, or reject with reason. */
static void stop(interval *iv, tide_val reason) {
    if (iv->running)
        tide_timer_stop(iv->timer);
    iv->running = false;
    if (tide_is_obj(iv->signal)) {
        tide_abort_signal_off(iv->signal, on_abort, iv);
        tide_clear(&iv->signal);
    }
    while (waiting(iv)) {
        tide_val p = take_waiting(iv);
        if (tide_is_undefined(reason))
            tide_promise_resolve(p, tide_iter_result(tide_undefined(), true));
        else
            tide_promise_reject(p, tide_retain(reason));
        tide_release(p);
    }
}

static void on_tick(void *data) {
    interval *iv = data;
    iv->ticks++;
    if (waiting(iv)) {
        tide_val p = take_waiting(iv);
        tide_promise_resolve(p, tide_iter_result(tide_int(iv->ticks), false));
        tide_release(p);
    } else {
        iv->unclaimed++;
    }
}

static void on_abort(void *data, tide_val reason) {
    interval *iv = data;
    tide_clear(&iv->signal); /* the listener is gone already */
    stop(iv, reason);
}

static tide_val iv_next(tide_val self, tide_val v) {
    interval *iv = tide_object_data(self);
    tide_release(v);
    if (iv->unclaimed > 0) {
        long n = iv->ticks - --iv->unclaimed;
        return tide_promise_resolved(tide_iter_result(tide_int(n), false));
    }
    if (!iv->running)
        return tide_promise_resolved(tide_iter_result(tide_undefined(), true));
    tide_val p = tide_promise_new();
    if (tide_array_push(iv->queue, tide_retain(p)) != 0) {
        tide_release(p);
        return tide_promise_rejected(tide_error_new(TIDE_ENOMEM, NULL));
    }
    return p;
}

static tide_val iv_return(tide_val self, tide_val v) {
    interval *iv = tide_object_data(self);
    stop(iv, tide_undefined());
    iv->unclaimed = 0;
    return tide_promise_resolved(tide_iter_result(v, true));
}

static void iv_finalize(void *data) {
    interval *iv = data;
    stop(iv, tide_undefined());
    tide_release(iv->queue);
}

static const tide_async_iter_methods iv_methods = {iv_next, iv_return, NULL};
static const tide_class iv_class = {
    .name = "Interval",
    .finalize = iv_finalize,
    .async_iterator = tide_iter_self,
    .async_iter = &iv_methods,
};

tide_val tide_interval(uint64_t ms) {
    tide_val it = tide_object_new(&iv_class, sizeof(interval));
    interval *iv = tide_object_data(it);
    if (!iv)
        return it;
    iv->signal = tide_undefined();
    iv->queue = tide_array_new(0);
    if (!tide_is_array(iv->queue)) {
        tide_val e = iv->queue;
        iv->queue = tide_undefined();
        tide_release(it);
        return e;
    }
    int rc = tide_timer_start(&iv->timer, ms, ms ? ms : 1, on_tick, iv);
    if (rc != 0) {
        tide_release(it);
        return tide_error_new(rc, "tide_interval: %s", tide_strerror(rc));
    }
    iv->running = true;
    tide_val sig = tide_task_signal();
    if (tide_is_obj(sig) && tide_abort_signal_on_abort(sig, on_abort, iv) == 0)
        iv->signal = tide_retain(sig);
    return it;
}
