/* iter — `yield*` in an async generator (ECMA-262 YieldExpression:
 * yield* AssignmentExpression, generatorKind async), step by step: the
 * delegate's results are awaited, its values are handed on without being
 * awaited, and the outer generator's next/return/throw requests are
 * forwarded to the delegate's next/return/throw. */
#include "iter/iter.h"

static int type_error(tide_val *out, const char *msg) {
    *out = tide_error_new(TIDE_ETYPE, "yield*: %s", msg);
    return TIDE_ETYPE;
}

/* Awaits what a delegate method returned and checks it is a result. */
static int await_result(tide_val call, tide_val *inner) {
    int rc = tide_await(call, inner);
    if (rc < 0)
        return rc;
    if (!tide_is_iter_result(*inner)) {
        tide_release(*inner);
        return type_error(inner, "the delegate's result is not an iterator result");
    }
    return 0;
}

/* No throw(): give the delegate a chance to clean up (AsyncIteratorClose),
 * then a TypeError for the protocol violation. */
static int throw_without_method(tide_val it, const tide_async_iter_methods *m, tide_val *out) {
    if (m->return_) {
        tide_val r;
        int rc = await_result(m->return_(it, tide_undefined()), &r);
        if (rc < 0) {
            *out = r;
            return rc;
        }
        tide_release(r);
    }
    return type_error(out, "the delegate does not have a throw method");
}

/* A return request reached yield*: ends the outer generator with a return
 * completion, after the delegate's return() if it has one. */
static int forward_return(tide_val it, const tide_async_iter_methods *m, tide_val received,
                          tide_val *inner, tide_val *out) {
    if (!m->return_) {
        int rc = tide_await(received, out);
        return rc < 0 ? rc : TIDE_RETURN;
    }
    int rc = await_result(m->return_(it, received), inner);
    if (rc < 0) {
        *out = *inner;
        return rc;
    }
    if (!tide_iter_result_done(*inner))
        return 0; /* the delegate goes on: yield its value */
    /* Done: the value ends the outer generator as is, not awaited again
     * (only the no-return-method branch above awaits). */
    *out = tide_retain(tide_iter_result_value(*inner));
    tide_release(*inner);
    return TIDE_RETURN;
}

static int delegate(tide_gen *g, tide_val it, const tide_async_iter_methods *m, tide_val *out) {
    int kind = 0; /* what the last yield was resumed with: 0, TIDE_RETURN, < 0 */
    tide_val received = tide_undefined(), inner;
    for (;;) {
        int rc;
        if (kind == 0) {
            rc = await_result(m->next(it, received), &inner);
        } else if (kind < 0) {
            if (!m->throw_) {
                tide_release(received);
                return throw_without_method(it, m, out);
            }
            rc = await_result(m->throw_(it, received), &inner);
        } else {
            rc = forward_return(it, m, received, &inner, out);
            if (rc != 0)
                return rc;
        }
        if (rc < 0) {
            *out = inner;
            return rc;
        }
        if (kind != TIDE_RETURN && tide_iter_result_done(inner)) {
            *out = tide_retain(tide_iter_result_value(inner));
            tide_release(inner);
            return 0;
        }
        tide_val v = tide_retain(tide_iter_result_value(inner));
        tide_release(inner);
        kind = tide__agen_yield_raw(g, v, &received);
    }
}

int tide_yield_star(tide_gen *g, tide_val iterable, tide_val *out) {
    if (!g || !g->async || !g->coro || g->coro != tide__coro_cur) {
        tide_release(iterable);
        *out = tide_error_new(TIDE_EINVAL, "tide_yield_star outside an async generator's body");
        return TIDE_EINVAL;
    }
    tide_val it = tide_async_iter_get(iterable);
    tide_release(iterable);
    if (tide_is_error(it)) {
        *out = it;
        return tide_error_code(it);
    }
    const tide_async_iter_methods *m = it.u.o->cls->async_iter; /* read once */
    int rc = m->next ? delegate(g, it, m, out)
                     : type_error(out, "the delegate's next is not callable");
    tide_release(it);
    return rc;
}
