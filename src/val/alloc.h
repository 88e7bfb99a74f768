/* val — the allocator every part of tide goes through (internal). */
#ifndef TIDE_VAL_ALLOC_H
#define TIDE_VAL_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

void *tide__malloc(size_t n);
void *tide__calloc(size_t n, size_t size);
void *tide__realloc(void *p, size_t n);
void tide__free(void *p);
/* A copy of s (of its first n bytes, NUL-terminated, for strndup), freed
 * with tide__free; NULL on ENOMEM. */
char *tide__strdup(const char *s);
char *tide__strndup(const char *s, size_t n);

/* libuv's allocator (loop.c hands these to uv_replace_allocator). libuv
 * aborts the process on some allocation failures (uv__io_start growing its
 * watcher array) instead of reporting them, so its allocations bypass fault
 * injection, except inside tide__uv_fallible(true) ... (false): brackets
 * around a libuv call that reports its allocation failures (UV_ENOMEM), such
 * as uv_getaddrinfo. Thread-local; brackets nest. */
void *tide__uv_malloc(size_t n);
void *tide__uv_calloc(size_t n, size_t size);
void *tide__uv_realloc(void *p, size_t n);
void tide__uv_fallible(bool on);

/* Counts one allocation for fault injection: true when it must fail. For
 * resources that are not malloc'd (coroutine stacks, pooled objects) so
 * that injection reaches them too. Inline: pools ask on every reuse. */
extern TIDE__TLS long tide__fail_after; /* < 0: no injection */
bool tide__alloc_should_fail_slow(void);
static inline bool tide__alloc_should_fail(void) {
    return __builtin_expect(tide__fail_after >= 0, 0) && tide__alloc_should_fail_slow();
}

#endif
