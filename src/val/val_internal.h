/* val — internal helpers for the layers above. */
#ifndef TIDE_VAL_INTERNAL_H
#define TIDE_VAL_INTERNAL_H

#include "tide/val.h"

/* Moves the value out of *p, leaving undefined. Field by field on purpose:
 * a value handed to another coroutine was stored as two words, and one
 * 16-byte load of two fresh 8-byte stores cannot be forwarded from the store
 * buffer — it stalls until they reach the cache, on every switch. */
static inline tide_val tide__take(tide_val *p) {
    tide_val v;
    v.u.i = p->u.i;
    v.tag = p->tag;
    p->tag = TIDE_T_UNDEFINED;
    return v;
}

/* Frees this thread's pooled values (loop teardown). */
void tide__val_pools_drain(void);

/* Reads *p field by field, for the same reason (a value just stored by
 * another path, such as a promise's result written when it settled). */
static inline tide_val tide__load(const tide_val *p) {
    tide_val v;
    v.u.i = p->u.i;
    v.tag = p->tag;
    return v;
}

/* The shared, immortal TIDE_ENOMEM error (never allocates). */
tide_val tide__error_oom(void);

/* A TIDE_EAGGREGATE error holding `errors` (an array, taken). */
tide_val tide__error_aggregate(tide_val errors, const char *msg);

#endif
