/* val — per-thread free lists of same-size objects (internal).
 *
 * What every step makes and drops — promises, reactions, iterator results
 * that are objects (tide/val.h), generator requests — comes from free
 * lists, so that steady work calls no allocator. While the thread has a
 * loop (tide__pools_keep), a list keeps every object given back, however
 * many were in flight at once: a program with 100,000 tasks then reuses
 * their promises instead of paying malloc and free for each one (the hops
 * benchmark). What stays unused from
 * one trim to the next goes back to the allocator, down to the list's
 * floor; the loop's trim timer calls the trims about once a second while a
 * list holds more than its floor and the loop runs, as it does for the
 * stack pool (coro/coro.h); a loop that is not running keeps what it had
 * until it runs again or is freed. Without a loop, a list keeps at most its
 * floor.
 *
 * A pooled object is linked through its last word. In the sanitizer build
 * the rest of it is poisoned while it waits, so that a use after it was
 * given back (a reference released once too often, say) is reported as a
 * use after free would be, rather than hidden by the reuse.
 */
#ifndef TIDE_VAL_POOL_H
#define TIDE_VAL_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

#if defined(__SANITIZE_ADDRESS__) || TIDE_ASAN
#include <sanitizer/asan_interface.h>
#define TIDE__POOL_POISON(o, n) ASAN_POISON_MEMORY_REGION((o), (n))
#define TIDE__POOL_UNPOISON(o, n) ASAN_UNPOISON_MEMORY_REGION((o), (n))
#else
#define TIDE__POOL_POISON(o, n) ((void)(o), (void)(n))
#define TIDE__POOL_UNPOISON(o, n) ((void)(o), (void)(n))
#endif

typedef struct tide__pool {
    void *head;
    size_t n;     /* objects in the list */
    size_t low;   /* the fewest it held since the last trim */
    size_t floor; /* kept however long they go unused */
    size_t size;  /* of each object: a multiple of 8 */
} tide__pool;

/* An empty list of objects of type T that keeps at least floor of them.
 * The link takes T's last word: TIDE__POOL_FITS(T) must hold. */
#define TIDE__POOL(T, floor) {NULL, 0, 0, (floor), sizeof(T)}
#define TIDE__POOL_FITS(T) (sizeof(T) >= sizeof(void *) && sizeof(T) % sizeof(void *) == 0)

static inline void **tide__pool_link_at(void *o, size_t size) {
    return (void **)(void *)((char *)o + size - sizeof(void *));
}

/* Set by the loop layer while the thread has a loop. */
extern TIDE__TLS bool tide__pools_keep;
/* Set when a list grows past its floor; the loop layer then arms its trim
 * timer, and the trims set it again while a list stays past its floor. */
extern TIDE__TLS bool tide__pools_over;

/* An object from the list, or NULL when it is empty. size is the list's
 * (a constant where the list is used, which p->size is not). */
static inline void *tide__pool_get_(tide__pool *p, size_t size) {
    void *o = p->head;
    if (__builtin_expect(o != NULL, 1)) {
        TIDE__POOL_UNPOISON(o, size);
        p->head = *tide__pool_link_at(o, size);
        if (--p->n < p->low)
            p->low = p->n;
    }
    return o;
}

/* Gives o back. False when the list keeps no more (no loop runs and it
 * holds its floor): the caller frees o. */
static inline bool tide__pool_put_(tide__pool *p, size_t size, void *o) {
    if (p->n >= p->floor) {
        if (!tide__pools_keep)
            return false;
        tide__pools_over = true;
    }
    *tide__pool_link_at(o, size) = p->head;
    TIDE__POOL_POISON(o, size - sizeof(void *));
    p->head = o;
    p->n++;
    return true;
}

/* The same for a list of objects of type T. */
#define tide__pool_get(p, T) ((T *)tide__pool_get_((p), sizeof(T)))
#define tide__pool_put(p, T, o) tide__pool_put_((p), sizeof(T), (o))

/* Frees what stayed in the list since the last trim, down to its floor. */
void tide__pool_trim(tide__pool *p);

/* Frees everything in the list. */
void tide__pool_drain(tide__pool *p);

#endif
