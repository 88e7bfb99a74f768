/* promise — all, allSettled, race, any, and finally.
 *
 * The four combinators share one driver: each element gets a callback
 * reaction (a microtask when it settles, as `.then` would in JavaScript) and
 * the kind decides what a settlement means. The shared state counts its
 * references: the builder holds one, every element reaction another.
 */
#include <string.h>

#include "promise/promise.h"
#include "val/alloc.h"
#include "val/val_internal.h"

typedef enum { ALL, ALL_SETTLED, RACE, ANY } kind;

typedef struct combo {
    kind kind;
    size_t refs;
    size_t remaining; /* ECMAScript's remainingElementsCount */
    tide_val result;  /* the promise returned */
    tide_val values;  /* array of values, settled records or reasons */
} combo;

static void combo_unref(combo *c) {
    if (--c->refs == 0) {
        tide_release(c->result);
        tide_release(c->values);
        tide__free(c);
    }
}

static void finish(combo *c) {
    if (c->kind == ANY)
        tide_promise_reject(c->result, tide__error_aggregate(
            tide_retain(c->values), "all promises were rejected"));
    else
        tide_promise_resolve(c->result, tide_retain(c->values));
}

static void on_element(void *ctx, size_t i, tide_state st, tide_val v) {
    combo *c = ctx;
    bool rejected = st == TIDE_REJECTED;
    if (st == TIDE_PENDING) {
        combo_unref(c);
        return;
    }
    switch (c->kind) {
    case ALL:
    case ANY:
        if (rejected == (c->kind == ALL)) {
            /* The deciding outcome: the first rejection for all, the first
             * fulfilment for any. Later ones find the promise resolved. */
            if (rejected)
                tide_promise_reject(c->result, tide_retain(v));
            else
                tide_promise_resolve(c->result, tide_retain(v));
            break;
        }
        tide_array_set(c->values, i, tide_retain(v));
        if (--c->remaining == 0)
            finish(c);
        break;
    case ALL_SETTLED: {
        tide_val rec = tide_settled_new(rejected, tide_retain(v));
        if (!tide_is_error(rec)) {
            tide_array_set(c->values, i, rec);
            if (--c->remaining == 0)
                finish(c);
        } else {
            tide_promise_reject(c->result, rec); /* out of memory */
        }
        break;
    }
    case RACE:
        if (rejected)
            tide_promise_reject(c->result, tide_retain(v));
        else
            tide_promise_resolve(c->result, tide_retain(v));
        break;
    }
    combo_unref(c);
}

static void release_items(const tide_val *items, size_t from, size_t n, bool borrowed) {
    if (!borrowed)
        for (size_t i = from; i < n; i++)
            tide_release(items[i]);
}

static combo *combo_new(kind k, size_t n, tide_val result) {
    combo *c = tide__calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->kind = k;
    c->refs = 1;
    c->remaining = 1;
    c->values = tide_undefined();
    if (k != RACE) {
        c->values = tide_array_new(n);
        if (!tide_is_array(c->values)) {
            tide__free(c);
            return NULL;
        }
        for (size_t j = 0; j < n; j++)
            tide_array_push(c->values, tide_undefined()); /* cannot fail: cap n */
    }
    c->result = tide_retain(result);
    return c;
}

static tide_val combine(kind k, const tide_val *items, size_t n, bool borrowed) {
    tide_val result = tide_promise_new();
    combo *c = NULL;
    if ((tide__promise_of(result)->hdr.flags & TIDE__OBJ_IMMORTAL) ||
        !(c = combo_new(k, n, result))) {
        tide_release(result);
        release_items(items, 0, n, borrowed);
        return tide__promise_oom();
    }
    for (size_t i = 0; i < n; i++) {
        c->refs++;
        c->remaining++;
        tide_val item = borrowed ? tide_retain(items[i]) : items[i];
        int rc = tide__promise_on_settle(item, on_element, c, i);
        if (rc != 0) {
            c->refs--;
            tide_promise_reject(result, tide_error_new(rc, "element %zu: %s", i, tide_strerror(rc)));
            release_items(items, i + 1, n, borrowed);
            combo_unref(c);
            return result;
        }
    }
    if (--c->remaining == 0 && k != RACE)
        finish(c);
    combo_unref(c);
    return result;
}

static tide_val combine_items(kind k, const tide_val *items, size_t n) {
    if (!items && n)
        return tide_promise_rejected(tide_error_new(TIDE_EINVAL, "NULL items with n > 0"));
    return combine(k, items, n, false);
}

static tide_val combine_array(kind k, tide_val a) {
    if (!tide_is_array(a))
        return tide_promise_rejected(tide_error_new(TIDE_ETYPE, "not an array"));
    size_t n = tide_array_len(a);
    tide_val *items = tide__malloc((n ? n : 1) * sizeof *items);
    if (!items)
        return tide__promise_oom();
    for (size_t i = 0; i < n; i++)
        items[i] = tide_array_get(a, i);
    tide_val r = combine(k, items, n, true);
    tide__free(items);
    return r;
}

tide_val tide_promise_all(const tide_val *items, size_t n) { return combine_items(ALL, items, n); }
tide_val tide_promise_all_settled(const tide_val *items, size_t n) { return combine_items(ALL_SETTLED, items, n); }
tide_val tide_promise_race(const tide_val *items, size_t n) { return combine_items(RACE, items, n); }
tide_val tide_promise_any(const tide_val *items, size_t n) { return combine_items(ANY, items, n); }
tide_val tide_promise_all_array(tide_val a) { return combine_array(ALL, a); }
tide_val tide_promise_all_settled_array(tide_val a) { return combine_array(ALL_SETTLED, a); }
tide_val tide_promise_race_array(tide_val a) { return combine_array(RACE, a); }
tide_val tide_promise_any_array(tide_val a) { return combine_array(ANY, a); }

/* ---- finally ------------------------------------------------------------
 * Spelled out as ECMA-262 does: p.then(thenFinally, catchFinally), where
 * thenFinally(v) returns PromiseResolve(onFinally()).then(() => v). Doing the
 * same steps gives the same ticks. */

typedef struct fin {
    tide_finally_fn fn;
    void *data;
    tide_val derived; /* the promise finally() returned */
    tide_val outcome; /* v or the reason, for the thunk */
    tide_val thunk_out;
    bool rejected;
} fin;

static void fin_free(fin *f) {
    tide_release(f->derived);
    tide_release(f->outcome);
    tide_release(f->thunk_out);
    tide__free(f);
}

/* () => v, or () => { throw reason }. */
static void fin_thunk(void *ctx, size_t i, tide_state st, tide_val v) {
    fin *f = ctx;
    (void)i;
    if (st == TIDE_REJECTED)
        tide_promise_reject(f->thunk_out, tide_retain(v));
    else if (st == TIDE_FULFILLED)
        tide__promise_settle(tide__promise_of(f->thunk_out), f->rejected,
                             tide_retain(f->outcome));
    fin_free(f);
}

static void fin_settled(void *ctx, size_t i, tide_state st, tide_val v) {
    fin *f = ctx;
    (void)i;
    if (st == TIDE_PENDING) {
        fin_free(f);
        return;
    }
    bool failed = false;
    tide_val r = f->fn(f->data, &failed);
    if (failed) {
        tide_promise_reject(f->derived, r);
        fin_free(f);
        return;
    }
    f->rejected = st == TIDE_REJECTED;
    f->outcome = tide_retain(v);
    f->thunk_out = tide_promise_new();
    tide_val then_result = tide_retain(f->thunk_out);
    tide_val derived = tide_retain(f->derived);
    int rc = tide__promise_on_settle(tide_promise_resolved(r), fin_thunk, f, 0);
    if (rc != 0) {
        fin_free(f);
        tide_release(then_result);
        tide_promise_reject(derived, tide_error_new(rc, NULL));
    } else {
        tide_promise_resolve(derived, then_result);
    }
    tide_release(derived);
}

tide_val tide_promise_finally(tide_val p, tide_finally_fn fn, void *data) {
    if (!fn)
        return tide_promise_then(p, NULL, NULL, NULL);
    fin *f = tide__calloc(1, sizeof *f);
    tide_val derived = tide_promise_new();
    if (!f || (tide__promise_of(derived)->hdr.flags & TIDE__OBJ_IMMORTAL)) {
        tide__free(f);
        tide_release(p);
        tide_release(derived);
        return tide__promise_oom();
    }
    f->fn = fn;
    f->data = data;
    f->derived = tide_retain(derived);
    int rc = tide__promise_on_settle(p, fin_settled, f, 0);
    if (rc != 0) {
        fin_free(f);
        tide_release(derived);
        return tide_promise_rejected(tide_error_new(rc, "tide_promise_finally: %s", tide_strerror(rc)));
    }
    return derived;
}
