/* iter — %AsyncFromSyncIteratorPrototype% (ECMA-262 §27.1.4): a sync
 * iterator seen as an async one. Each result's value goes through
 * PromiseResolve and a reaction, so a promise among the values is awaited
 * and the step costs the ticks it costs in JavaScript. A rejected value with
 * done: false closes the sync iterator (closeOnRejection, ES2023+). */
#include "iter/iter.h"

#include "promise/promise.h"
#include "val/alloc.h"

typedef struct afs {
    tide_val sync;
} afs;

typedef struct cont {
    tide_val promise; /* what next/return/throw returned */
    tide_val sync;    /* to close on rejection, or undefined */
    bool done;
} cont;

static void cont_settled(void *ctx, size_t i, tide_state st, tide_val v) {
    cont *c = ctx;
    (void)i;
    if (st == TIDE_FULFILLED) {
        tide_val r = tide_iter_result(tide_retain(v), c->done);
        if (tide_is_error(r))
            tide_promise_reject(c->promise, r);
        else
            tide_promise_resolve(c->promise, r);
    } else if (st == TIDE_REJECTED) {
        if (tide_is_obj(c->sync))
            tide_iter_close(c->sync, NULL); /* IteratorClose with a throw: its errors lose */
        tide_promise_reject(c->promise, tide_retain(v));
    }
    tide_release(c->promise);
    tide_release(c->sync);
    tide__free(c);
}

/* AsyncFromSyncIteratorContinuation. value taken. */
static tide_val continuation(tide_val sync, tide_val value, bool done, bool close_on_rejection) {
    tide_val p = tide_promise_new();
    cont *c = tide__malloc(sizeof *c);
    if (!c || (tide__promise_of(p)->hdr.flags & TIDE__OBJ_IMMORTAL)) {
        tide__free(c);
        tide_release(value);
        tide_release(p);
        return tide__promise_oom();
    }
    c->promise = tide_retain(p);
    c->done = done;
    c->sync = close_on_rejection && !done ? tide_retain(sync) : tide_undefined();
    int rc = tide__promise_on_settle(tide_promise_resolved(value), cont_settled, c, 0);
    if (rc != 0) {
        tide_release(c->promise);
        tide_release(c->sync);
        tide__free(c);
        tide_promise_reject(p, tide_error_new(rc, NULL));
    }
    return p;
}

static tide_val step(tide_val sync, int rc, tide_val value, bool done, bool close_on_rejection) {
    if (rc < 0)
        return tide_promise_rejected(value);
    return continuation(sync, value, done, close_on_rejection);
}

static tide_val afs_next(tide_val self, tide_val v) {
    afs *a = tide_object_data(self);
    tide_val value;
    bool done;
    int rc = tide_iter_next(a->sync, v, &value, &done);
    return step(a->sync, rc, value, done, true);
}

static tide_val afs_return(tide_val self, tide_val v) {
    afs *a = tide_object_data(self);
    const tide_iter_methods *m = a->sync.u.o->cls->iter;
    tide_val value;
    bool done;
    if (!m->return_)
        return tide_promise_resolved(tide_iter_result(v, true));
    int rc = m->return_(a->sync, v, &value, &done);
    return step(a->sync, rc, value, done, false);
}

static tide_val afs_throw(tide_val self, tide_val e) {
    afs *a = tide_object_data(self);
    const tide_iter_methods *m = a->sync.u.o->cls->iter;
    tide_val value;
    bool done;
    if (!m->throw_) {
        /* Close the iterator, then a new TypeError (not e). */
        tide_release(e);
        tide_val err;
        if (tide_iter_close(a->sync, &err) < 0)
            return tide_promise_rejected(err);
        return tide_promise_rejected(
            tide_error_new(TIDE_ETYPE, "the sync iterator does not have a throw method"));
    }
    int rc = m->throw_(a->sync, e, &value, &done);
    return step(a->sync, rc, value, done, true);
}

static void afs_finalize(void *data) { tide_release(((afs *)data)->sync); }

static const tide_async_iter_methods afs_methods = {afs_next, afs_return, afs_throw};
static const tide_class afs_class = {
    .name = "Async-from-Sync Iterator",
    .finalize = afs_finalize,
    .async_iterator = tide_iter_self,
    .async_iter = &afs_methods,
};

tide_val tide_async_from_sync(tide_val it) {
    if (!tide_is_obj(it) || !it.u.o->cls || !it.u.o->cls->iter) {
        tide_release(it);
        return tide_error_new(TIDE_ETYPE, "not a sync iterator");
    }
    tide_val o = tide_object_new(&afs_class, sizeof(afs));
    if (tide_is_error(o)) {
        tide_release(it);
        return o;
    }
    ((afs *)tide_object_data(o))->sync = it;
    return o;
}

tide_val tide_async_iter_get(tide_val iterable) {
    const tide_class *cls = tide_is_obj(iterable) ? iterable.u.o->cls : NULL;
    if (cls && cls->async_iterator) {
        tide_val it = cls->async_iterator(iterable);
        if (tide_is_error(it) || (tide_is_obj(it) && it.u.o->cls && it.u.o->cls->async_iter))
            return it;
        tide_release(it);
        return tide_error_new(TIDE_ETYPE, "async_iterator() did not return an async iterator");
    }
    if (cls && cls->async_iter)
        return tide_retain(iterable);
    tide_val sync = tide_iter_get(iterable);
    if (tide_is_error(sync))
        return sync;
    return tide_async_from_sync(sync);
}
