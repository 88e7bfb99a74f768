/* tide — coroutine stacks: configuration and statistics.
 *
 * Async functions and generators run on stackful coroutines. Their stacks are
 * reserved with mmap (MAP_NORESERVE: address space, not memory; a parked
 * coroutine costs only the pages its frames touched) and reused from a pool.
 *
 * Guard pages: the first `guard_budget` live stacks of the process get a
 * PROT_NONE page below them; an overflow there prints
 * "tide: stack overflow in coroutine NAME" and aborts. A guarded stack costs
 * two kernel memory mappings (the kernel allows 65,530 by default), so stacks
 * beyond the budget are unguarded and carry a canary that is checked at every
 * switch away from the coroutine: an overflow is reported the same way, at
 * the latest when the coroutine next suspends.
 *
 * Coroutines of one thread share its floating-point control state (MXCSR,
 * x87 control word): a coroutine that changes the rounding mode changes it for
 * the others too.
 */
#ifndef TIDE_CORO_PUBLIC_H
#define TIDE_CORO_PUBLIC_H

#include <stddef.h>

#ifndef TIDE_EXTERN
#define TIDE_EXTERN __attribute__((visibility("default")))
#endif

typedef struct tide_coro_config {
    size_t stack_size;   /* usable bytes per stack; default 64 KiB (256 KiB
                            under AddressSanitizer); env TIDE_STACK_SIZE */
    size_t guard_budget; /* live guarded stacks per process; default 16,384 */
    size_t pool_max;     /* free stacks a thread keeps however long they go
                            unused; default 1,024. Beyond it, freed stacks
                            stay pooled while the program keeps needing
                            them, and go back to the kernel one to two
                            seconds after it stops (a loop's idle timer, or
                            the next frees, notice) */
} tide_coro_config;

/* Reads the current configuration into *c. */
TIDE_EXTERN void tide_coro_get_config(tide_coro_config *c);

/* Sets the configuration for stacks made from now on (0 keeps a field as it
 * is). Returns 0, or TIDE_EINVAL when stack_size is below 16 KiB or c is NULL.
 * Not thread-safe: call it before starting loops on other threads. */
TIDE_EXTERN int tide_coro_set_config(const tide_coro_config *c);

typedef struct tide_coro_stats {
    size_t live;    /* coroutines of this thread that exist now */
    size_t pooled;  /* free stacks kept by this thread */
    size_t guarded; /* guarded stacks in the process */
    size_t created; /* stacks mapped by this thread since it started */
} tide_coro_stats;

/* Fills *s for the calling thread. */
TIDE_EXTERN void tide_coro_get_stats(tide_coro_stats *s);

#endif
