/* coro — stack slots (internal to the coro layer). */
#ifndef TIDE_CORO_STACK_H
#define TIDE_CORO_STACK_H

#include <stddef.h>

typedef struct tide__coro tide__coro;

/* A stack slot with its control block laid out (map, stack, canary and
 * valgrind fields set; the rest is the caller's), guarded while fewer than
 * guard_budget guarded stacks exist in the process. NULL when the kernel
 * refuses memory. */
tide__coro *tide__stack_get(size_t stack_size, size_t guard_budget);

/* Returns a slot to this thread's pool, where it stays until a trim. */
void tide__stack_put(tide__coro *c);

/* Gives back to the kernel, beyond about `keep` free slots, those the pool
 * did not need since the previous trim (its low-water mark): a pool that a
 * workload keeps using stays, what a burst left behind goes at the second
 * trim after it. A slab goes whole or not at all, so slightly fewer than
 * keep may stay. Returns tide__stack_releasable() after it. */
size_t tide__stack_trim(size_t keep);

/* Gives every free slot of this thread back to the kernel. */
void tide__stack_drain(void);

/* Free slots of this thread that a trim could give back: guarded singles,
 * and slabs whose every slot is free. */
size_t tide__stack_releasable(void);

void tide__stack_stats(size_t *pooled, size_t *guarded, size_t *created);

#endif
