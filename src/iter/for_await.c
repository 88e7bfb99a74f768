/* iter — `for await` (ECMA-262 ForIn/OfBodyEvaluation with an async
 * iterator) and AsyncIteratorClose, collecting into an array, and the promise
 * combinators over iterables. */
#include "iter/iter.h"

#include "val/val_internal.h"

enum { IN_BODY, ENDED, THROWN };

static void set_error(tide__for_await *f, int rc, tide_val reason) {
    *f->rcp = rc;
    tide_release(*f->outp);
    *f->outp = reason;
}

tide__for_await tide__for_await_begin(tide_val iterable, int *rcp, tide_val *outp) {
    tide__for_await f = {tide_undefined(), rcp, outp, ENDED, NULL, NULL};
    *rcp = 0;
    *outp = tide_undefined();
    if (!tide_in_task()) {
        tide_release(iterable);
        set_error(&f, TIDE_ENOTASK, tide_error_new(TIDE_ENOTASK, "for await outside an async function"));
        return f;
    }
    f.it = tide_async_iter_get(iterable);
    tide_release(iterable);
    if (tide_is_error(f.it)) {
        set_error(&f, tide_error_code(f.it), f.it);
        f.it = tide_undefined();
        return f;
    }
    /* tide_async_iter_get checked the class. Without a next method, the
     * generic call gives each step its TypeError. */
    f.next = f.it.u.o->cls->async_iter->next;
    if (!f.next)
        f.next = tide_async_iter_next;
    f.agen = (tide__gen_pub *)(void *)tide__agen_inlinable(f.it);
    f.state = IN_BODY;
    return f;
}

/* An awaited next() that failed: its error, or a result that is not an
 * iterator result, ends the loop without closing the iterator (out of line,
 * so that take_result saves no registers for it). */
static __attribute__((noinline)) bool take_failure(tide__for_await *f, int rc, tide_val r) {
    if (rc < 0) {
        /* The task was cancelled: leave as a throw would, closing the
         * iterator so that its clean-up runs. */
        tide__task *t = tide__task_self();
        f->state = t && tide__task_cancelled(t) ? THROWN : ENDED;
        set_error(f, rc, r);
        return false;
    }
    f->state = ENDED;
    tide_release(r);
    set_error(f, TIDE_ETYPE, tide_error_new(TIDE_ETYPE, "next() result is not an iterator result"));
    return false;
}

/* An awaited next() result: the loop goes on with its value, moved into
 * *var, or ends. */
static inline __attribute__((always_inline)) bool take_result(tide__for_await *f, int rc, tide_val r,
                                                              tide_val *var) {
    bool done;
    if (__builtin_expect(rc < 0 || !tide__iter_result_take(r, var, &done), 0))
        return take_failure(f, rc, r);
    if (done) {
        f->state = ENDED;
        tide_clear(var);
        return false;
    }
    return true;
}

/* The await of next()'s promise p and the step's end, in general. */
static __attribute__((noinline)) bool await_step(tide__for_await *f, tide_val p, tide_val *var) {
    tide_val r;
    int rc = tide__await_call(tide_promise_resolved(p), &r); /* a promise stays as it is */
    return take_result(f, rc, r, var);
}

bool tide__for_await_next_slow(tide__for_await *f, tide_val *var) {
    if (f->state != IN_BODY)
        return false;
    /* As tide_async_iter_next does, with the method read at the start. */
    tide_val p = f->next(f->it, tide_undefined());
    /* The commonest case, a fulfilled promise made for this step, is taken
     * here; await_step does the rest. */
    if (__builtin_expect(!tide__await_fulfilled_last(p), 0))
        return await_step(f, p, var);
    return take_result(f, 0, tide__await_take_last(p), var);
}

/* A direct step (tide/iter.h) whose body did not answer with a value: it
 * ended, threw, or did something else first, and the step goes on as the
 * full protocol's. */
bool tide__for_await_finish(tide__for_await *f, tide_val *var) {
    tide_val r;
    int k = tide__agen_direct_rest((tide_gen *)f->it.u.o, &r);
    if (k == 0) {
        int rc = tide__await_call(r, &r);
        return take_result(f, rc, r, var);
    }
    if (k < 0)
        return take_result(f, k, r, var);
    f->state = ENDED;
    tide_release(r);
    return false;
}

void tide__for_await_throw(tide__for_await *f, int rc, tide_val reason) {
    f->state = THROWN;
    /* Its `break` may leave only a loop nested in the body: the next step
     * must see the state, which the direct one does not read. */
    f->agen = NULL;
    set_error(f, rc, reason);
}

/* AsyncIteratorClose: return() read once, called with no argument, its
 * result awaited. After a throw, whatever closing does is ignored. */
static void close_iterator(tide__for_await *f) {
    const tide_async_iter_methods *m = f->it.u.o->cls->async_iter;
    if (!m->return_)
        return;
    tide_val r;
    /* The close is clean-up: shielded from a cancellation it may be part of. */
    bool shield = tide_task_shield(true);
    int rc = tide_await(tide_async_iter_return(f->it, tide_undefined()), &r);
    tide_task_shield(shield);
    if (f->state == THROWN) {
        tide_release(r);
    } else if (rc < 0) {
        set_error(f, rc, r);
    } else if (!tide_is_iter_result(r)) {
        tide_release(r);
        set_error(f, TIDE_ETYPE, tide_error_new(TIDE_ETYPE, "return() result is not an iterator result"));
    } else {
        tide_release(r);
    }
}

void tide__for_await_end(tide__for_await *f) {
    if (f->state != ENDED)
        close_iterator(f);
    tide_release(f->it);
}

/* ---- Collecting -------------------------------------------------------- */

typedef struct collect_args {
    tide_val iterable;
} collect_args;

static int collect_body(void *arg, tide_val *out) {
    collect_args *a = arg;
    tide_val iterable = a->iterable; /* taken before the first await */
    tide_val arr = tide_array_new(0), v;
    int rc;
    tide_for_await (v, iterable, &rc, out) {
        if (tide_array_push(arr, v) != 0)
            tide_for_await_throw(TIDE_ENOMEM, tide_error_new(TIDE_ENOMEM, NULL));
    }
    if (rc < 0) {
        tide_release(arr);
        return rc;
    }
    *out = arr;
    return 0;
}

tide_val tide_async_iter_to_array(tide_val iterable) {
    collect_args a = {iterable};
    return tide_async_named("to_array", collect_body, &a);
}

/* ---- Combinators over iterables --------------------------------------- */

static tide_val over(tide_val (*combine)(tide_val), tide_val iterable) {
    tide_val arr = tide_iter_to_array(iterable);
    if (tide_is_error(arr))
        return tide_promise_rejected(arr);
    tide_val p = combine(arr);
    tide_release(arr);
    return p;
}

tide_val tide_async_iter_next_timeout(tide_val it, tide_val v, uint64_t ms) {
    return tide_timeout(tide_async_iter_next(it, v), ms);
}

tide_val tide_promise_all_iter(tide_val it) { return over(tide_promise_all_array, it); }
tide_val tide_promise_all_settled_iter(tide_val it) { return over(tide_promise_all_settled_array, it); }
tide_val tide_promise_race_iter(tide_val it) { return over(tide_promise_race_array, it); }
tide_val tide_promise_any_iter(tide_val it) { return over(tide_promise_any_array, it); }
