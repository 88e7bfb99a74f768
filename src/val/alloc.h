/* val — the allocator every part of tide goes through (internal). */
#ifndef TIDE_VAL_ALLOC_H
#define TIDE_VAL_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

void *tide__malloc(size_t n);
void *tide__calloc(size_t n, size_t size);
void *tide__realloc(void *p, size_t n);
void tide__free(void *p);

/* The hooks alone, without fault injection: for libuv, which aborts the
 * process on some allocation failures (uv__io_start growing its watcher
 * array) instead of reporting them. */
void *tide__malloc_raw(size_t n);
void *tide__calloc_raw(size_t n, size_t size);
void *tide__realloc_raw(void *p, size_t n);

/* Counts one allocation for fault injection: true when it must fail. For
 * resources that are not malloc'd (coroutine stacks) so that injection
 * reaches them too. */
bool tide__alloc_should_fail(void);

#endif
