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

/* Returns a slot to its pool, keeping about pool_max free slots per thread
 * and giving the rest back to the kernel. */
void tide__stack_put(tide__coro *c, size_t pool_max);

/* Gives every free slot of this thread back to the kernel. */
void tide__stack_drain(void);

void tide__stack_stats(size_t *pooled, size_t *guarded, size_t *created);

#endif
