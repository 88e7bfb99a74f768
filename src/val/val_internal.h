/* val — internal helpers for the layers above. */
#ifndef TIDE_VAL_INTERNAL_H
#define TIDE_VAL_INTERNAL_H

#include "common.h"
#include "val/alloc.h"
#include "val/pool.h"
#include "tide/val.h"

/* Frees this thread's pooled values (loop teardown). */
void tide__val_pools_drain(void);
/* Gives back what the val layer's free lists kept unused (val/pool.h). */
void tide__val_pools_trim(void);

/* tide__take and tide__load are in tide/val.h (the inline steps of the
 * public headers use them too). */

/* An iterator result or a settled record (TIDE_T_ITER_RESULT /
 * TIDE_T_SETTLED): a value and a flag (done / rejected). Made and dropped
 * once per step of every loop, so a per-thread free list keeps steady
 * iteration off malloc. */
typedef struct tide__pair {
    tide_obj hdr;
    bool flag;
    tide_val value;
} tide__pair;

extern TIDE__TLS tide__pool tide__pairs;

static inline void tide__pair_free(tide__pair *r) {
    if (!tide__pool_put(&tide__pairs, tide__pair, r))
        tide__free(r);
}

/* The value and done flag of an iterator result carried inline (tide/val.h). */
static inline tide_val tide__result_value(tide_val r) {
    r.tag = (r.tag - TIDE__T_RESULT) >> 1;
    return r;
}

static inline bool tide__result_done(tide_val r) { return (r.tag - TIDE__T_RESULT) & 1; }

/* An iterator result's value and done flag, r taken: what take of a result
 * does without a reference counted up and down when r's is the last (the
 * common case of a result made for one step). False, r untouched, when r is
 * not an iterator result. */
static inline bool tide__iter_result_take(tide_val r, tide_val *value, bool *done) {
    if (tide__result_inline(r)) {
        *value = tide__result_value(r);
        *done = tide__result_done(r);
        return true;
    }
    if (r.tag != TIDE_T_ITER_RESULT)
        return false;
    tide__pair *p = (tide__pair *)r.u.o;
    *done = p->flag;
    if (p->hdr.rc == 1) { /* the last reference: the value moves out */
        *value = tide__load(&p->value); /* p is not read again */
        tide__pair_free(p);
    } else {
        *value = tide_retain(p->value);
        tide_release(r);
    }
    return true;
}

/* The shared, immortal TIDE_ENOMEM error (never allocates). */
tide_val tide__error_oom(void);

/* A TIDE_EAGGREGATE error holding `errors` (an array, taken). */
tide_val tide__error_aggregate(tide_val errors, const char *msg);

#endif
