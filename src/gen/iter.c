/* gen — the sync iterator protocol: next/return/throw on any iterator,
 * GetIterator (arrays included), IteratorClose, spread, and for-of. */
#include "gen/gen.h"

#include "val/alloc.h"

static const tide_iter_methods *methods(tide_val it) {
    if (!tide_is_obj(it) || !it.u.o->cls || !it.u.o->cls->iter || !it.u.o->cls->iter->next)
        return NULL;
    return it.u.o->cls->iter;
}

static int not_iterator(tide_val *value, bool *done) {
    *value = tide_error_new(TIDE_ETYPE, "not an iterator");
    *done = false;
    return TIDE_ETYPE;
}

int tide_iter_next(tide_val it, tide_val v, tide_val *value, bool *done) {
    const tide_iter_methods *m = methods(it);
    if (!m) {
        tide_release(v);
        return not_iterator(value, done);
    }
    return m->next(it, v, value, done);
}

int tide_iter_return(tide_val it, tide_val v, tide_val *value, bool *done) {
    const tide_iter_methods *m = methods(it);
    if (!m) {
        tide_release(v);
        return not_iterator(value, done);
    }
    if (!m->return_) {
        *value = v;
        *done = true;
        return 0;
    }
    return m->return_(it, v, value, done);
}

int tide_iter_throw(tide_val it, tide_val e, tide_val *value, bool *done) {
    const tide_iter_methods *m = methods(it);
    if (!m) {
        tide_release(e);
        return not_iterator(value, done);
    }
    if (m->throw_)
        return m->throw_(it, e, value, done);
    /* No throw(): close the iterator, then a TypeError (as yield* does). */
    tide_release(e);
    tide_val err;
    int rc = tide_iter_close(it, &err);
    *done = false;
    if (rc < 0) {
        *value = err;
        return rc;
    }
    *value = tide_error_new(TIDE_ETYPE, "the iterator does not have a throw method");
    return TIDE_ETYPE;
}

int tide_iter_close(tide_val it, tide_val *err) {
    const tide_iter_methods *m = methods(it);
    tide_val value;
    bool done;
    if (err)
        *err = tide_undefined();
    if (!m || !m->return_)
        return 0;
    int rc = m->return_(it, tide_undefined(), &value, &done);
    if (rc < 0 && err)
        *err = value;
    else
        tide_release(value);
    return rc < 0 ? rc : 0;
}

/* ---- Arrays ---------------------------------------------------------- */

typedef struct array_iter {
    tide_val array;
    size_t i;
} array_iter;

static int array_next(tide_val self, tide_val v, tide_val *value, bool *done) {
    array_iter *a = tide_object_data(self);
    tide_release(v);
    if (a->i < tide_array_len(a->array)) {
        *value = tide_retain(tide_array_get(a->array, a->i++));
        *done = false;
    } else {
        a->i = (size_t)-1 / 2; /* stays done even if the array grows */
        *value = tide_undefined();
        *done = true;
    }
    return 0;
}

static void array_iter_finalize(void *data) { tide_release(((array_iter *)data)->array); }

static const tide_iter_methods array_methods = {array_next, NULL, NULL};
static const tide_class array_iter_class = {
    .name = "Array Iterator",
    .finalize = array_iter_finalize,
    .iterator = tide_iter_self,
    .iter = &array_methods,
};

tide_val tide_iter_get(tide_val iterable) {
    if (tide_is_array(iterable)) {
        tide_val it = tide_object_new(&array_iter_class, sizeof(array_iter));
        if (!tide_is_error(it))
            ((array_iter *)tide_object_data(it))->array = tide_retain(iterable);
        return it;
    }
    const tide_class *cls = tide_is_obj(iterable) ? iterable.u.o->cls : NULL;
    if (cls && cls->iterator) {
        tide_val it = cls->iterator(iterable);
        if (tide_is_error(it) || methods(it))
            return it;
        tide_release(it);
        return tide_error_new(TIDE_ETYPE, "iterator() did not return an iterator");
    }
    if (methods(iterable))
        return tide_retain(iterable);
    char buf[64];
    return tide_error_new(TIDE_ETYPE, "%s is not iterable", tide_format(iterable, buf, sizeof buf));
}

tide_val tide_iter_to_array(tide_val iterable) {
    tide_val it = tide_iter_get(iterable);
    tide_release(iterable);
    if (tide_is_error(it))
        return it;
    tide_val arr = tide_array_new(0);
    for (;;) {
        tide_val v;
        bool done;
        if (tide_iter_next(it, tide_undefined(), &v, &done) < 0) {
            tide_release(arr);
            arr = tide_is_error(v) ? v : tide_error_with_cause(TIDE_EREJECTED, v, "iterator threw");
            break;
        }
        if (done) {
            tide_release(v);
            break;
        }
        if (tide_array_push(arr, v) != 0) {
            tide_release(arr);
            tide_iter_close(it, NULL);
            arr = tide_error_new(TIDE_ENOMEM, NULL);
            break;
        }
    }
    tide_release(it);
    return arr;
}

/* ---- for-of ---------------------------------------------------------- */

tide__for_of tide__for_of_begin(tide_val iterable, int *rcp, tide_val *outp) {
    tide__for_of f = {tide_iter_get(iterable), rcp, outp, TIDE__FOR_OF_BODY, NULL, NULL};
    tide_release(iterable);
    *rcp = 0;
    *outp = tide_undefined();
    if (tide_is_error(f.it)) {
        *rcp = tide_error_code(f.it);
        *outp = f.it;
        f.it = tide_undefined();
        f.state = TIDE__FOR_OF_ENDED;
    } else if ((f.gen = tide__gen_inlinable(f.it))) {
        f.self = tide__coro_self(); /* a loop runs on one stack throughout */
    }
    return f;
}

/* One step's outcome: the value, or the end of the loop. */
bool tide__for_of_step(tide__for_of *f, int rc, tide_val v, bool done, tide_val *var) {
    if (rc < 0 || done) {
        f->state = TIDE__FOR_OF_ENDED; /* an error from next() does not close the iterator */
        if (rc < 0) {
            *f->rcp = rc;
            *f->outp = v;
        } else {
            tide_release(v);
        }
        return false;
    }
    *var = v;
    return true;
}

bool tide__for_of_next_slow(tide__for_of *f, tide_val *var) {
    tide_val v;
    bool done;
    if (f->state != TIDE__FOR_OF_BODY)
        return false;
    int rc = tide_iter_next(f->it, tide_undefined(), &v, &done);
    return tide__for_of_step(f, rc, v, done, var);
}

void tide__for_of_throw(tide__for_of *f, int rc, tide_val reason) {
    f->state = TIDE__FOR_OF_THROWN;
    *f->rcp = rc;
    tide_release(*f->outp);
    *f->outp = reason;
}

/* Scope exit. Left early by break, return or goto: close, and report what
 * closing threw. Left by a throw: close, but the body's error wins. */
void tide__for_of_end(tide__for_of *f) {
    if (f->state != TIDE__FOR_OF_ENDED) {
        tide_val err;
        int rc = tide_iter_close(f->it, &err);
        if (rc < 0 && f->state == TIDE__FOR_OF_BODY) {
            *f->rcp = rc;
            *f->outp = err;
        } else {
            tide_release(err);
        }
    }
    tide_release(f->it);
}
