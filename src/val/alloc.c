/* val — allocation hooks, fault injection, and the free lists' trims.
 *
 * Fault injection counts allocations down from n and fails every one after
 * it, so a test can run a program with n = 0, 1, 2, ... and reach every
 * allocation site in turn. Thread-local: a test thread does not disturb
 * another. */
#include "val/alloc.h"
#include "val/pool.h"

#include "common.h"

#include <stdlib.h>
#include <string.h>

#include "tide/val.h"

static tide_allocator hooks = {malloc, realloc, free};
TIDE__TLS long tide__fail_after = -1;
static TIDE__TLS long failures;

void tide_set_allocator(const tide_allocator *a) {
    hooks.malloc = a && a->malloc ? a->malloc : malloc;
    hooks.realloc = a && a->realloc ? a->realloc : realloc;
    hooks.free = a && a->free ? a->free : free;
}

void tide_alloc_fail_after(long n) {
    tide__fail_after = n;
    failures = 0;
}

long tide_alloc_failures(void) { return failures; }

bool tide__alloc_should_fail_slow(void) {
    if (tide__fail_after > 0) {
        tide__fail_after--;
        return false;
    }
    failures++;
    return true;
}

void *tide__malloc(size_t n) {
    if (tide__alloc_should_fail())
        return NULL;
    return hooks.malloc(n ? n : 1);
}

void *tide__calloc(size_t n, size_t size) {
    if (size && n > (size_t)-1 / size)
        return NULL;
    void *p = tide__malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *tide__realloc(void *p, size_t n) {
    if (tide__alloc_should_fail())
        return NULL;
    return hooks.realloc(p, n ? n : 1);
}

void tide__free(void *p) { hooks.free(p); }

char *tide__strndup(const char *s, size_t n) {
    char *d = tide__malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *tide__strdup(const char *s) { return tide__strndup(s, strlen(s)); }

static TIDE__TLS int uv_fallible;

void tide__uv_fallible(bool on) { uv_fallible += on ? 1 : -1; }

void *tide__uv_malloc(size_t n) {
    return uv_fallible ? tide__malloc(n) : hooks.malloc(n ? n : 1);
}

void *tide__uv_calloc(size_t n, size_t size) {
    if (uv_fallible)
        return tide__calloc(n, size);
    if (size && n > (size_t)-1 / size)
        return NULL;
    size_t total = n * size;
    void *p = hooks.malloc(total ? total : 1);
    if (p)
        memset(p, 0, total);
    return p;
}

void *tide__uv_realloc(void *p, size_t n) {
    return uv_fallible ? tide__realloc(p, n) : hooks.realloc(p, n ? n : 1);
}

/* ---- Free lists (val/pool.h) ---------------------------------------------- */

TIDE__TLS bool tide__pools_keep;
TIDE__TLS bool tide__pools_over;

void tide__pool_trim(tide__pool *p) {
    /* The fewest the list held since the last trim stayed unused all along. */
    for (size_t k = p->low > p->floor ? p->low - p->floor : 0; k > 0; k--)
        tide__free(tide__pool_get_(p, p->size));
    p->low = p->n;
    if (p->n > p->floor)
        tide__pools_over = true;
}

void tide__pool_drain(tide__pool *p) {
    void *o;
    while ((o = tide__pool_get_(p, p->size)))
        tide__free(o);
    p->low = 0;
}
