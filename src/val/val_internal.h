/* val — internal helpers for the layers above. */
#ifndef TIDE_VAL_INTERNAL_H
#define TIDE_VAL_INTERNAL_H

#include "tide/val.h"

/* Frees this thread's pooled values (loop teardown). */
void tide__val_pools_drain(void);

/* tide__take and tide__load are in tide/val.h (the inline steps of the
 * public headers use them too). */

/* An iterator result's value and done flag, r taken: what take of a result
 * does without a reference counted up and down when r's is the last (the
 * common case of a result made for one step). False, r untouched, when r is
 * not an iterator result. */
bool tide__iter_result_take(tide_val r, tide_val *value, bool *done);

/* The shared, immortal TIDE_ENOMEM error (never allocates). */
tide_val tide__error_oom(void);

/* A TIDE_EAGGREGATE error holding `errors` (an array, taken). */
tide_val tide__error_aggregate(tide_val errors, const char *msg);

#endif
