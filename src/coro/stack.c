/* coro — stacks: guarded singles, slabs of canaried slots, and their pools.
 *
 * Every stack is a slot whose top page holds the coroutine's control block,
 * so a parked coroutine whose frames are shallow costs exactly one page.
 *
 * The first `guard_budget` stacks of the process are single mappings with a
 * PROT_NONE page below (two kernel mappings each). Beyond the budget, stacks
 * come from slabs of SLAB_SLOTS (256) slots in one mapping, with one guard page
 * below slot 0:
 *
 *     [guard][slot 0][slot 1] ... [slot 255]      addresses grow right
 *
 * A stack grows down into the slot below it, so the canary of slot k lives in
 * the top 64 bytes of slot k-1 — a page that slot k-1's control block touches
 * anyway — and costs no page of its own. Slot 0 has the guard page instead.
 * Slots are handed out in address order, so slot k-1 is set up before slot k.
 *
 * Freed slots are pooled, all of them: reusing one costs no system call and
 * no page fault. tide__stack_trim gives back what the pool did not need
 * between two trims, beyond a floor.
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include "coro/coro.h"
#include "coro/stack.h"
#include "val/alloc.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define TIDE__VALGRIND 1
#endif
#endif
#ifndef TIDE__VALGRIND
#define TIDE__VALGRIND 0
#endif

#define PAGE 4096u
#define SLAB_SLOTS 256u
#define CANARY_ZONE 64u /* top of each slot: the canary of the slot above */

struct tide__slab {
    tide__slab *next, *prev; /* slabs with a free slot */
    char *map;
    size_t map_size, slot_size;
    unsigned nfree, fresh;   /* free slots; slots never handed out start here */
    tide__coro *free;
    bool listed;
};

static atomic_size_t guarded_live;

static TIDE__TLS struct {
    tide__coro *singles; /* pooled guarded stacks */
    size_t nsingles;
    tide__slab *avail;   /* slabs with a free slot */
    size_t slab_free;    /* free slots in all slabs */
    size_t empty_slabs;  /* slabs with every slot free */
    size_t low;          /* fewest releasable slots since the last trim */
    size_t created;
} st;

/* Free slots a trim could give back: pooled singles and whole free slabs. */
static inline size_t releasable(void) { return st.nsingles + st.empty_slabs * SLAB_SLOTS; }

static size_t block_size(void) {
    return (sizeof(tide__coro) + CANARY_ZONE + 63) & ~(size_t)63;
}

/* Lays the control block out at the top of [lo, lo + size). */
static tide__coro *slot_init(char *lo, size_t size, char *map, size_t map_size) {
    tide__coro *c = (tide__coro *)(lo + size - block_size());
    memset(c, 0, sizeof *c);
    c->map = map;
    c->map_size = map_size;
    c->stack_lo = lo;
    c->stack_size = (size_t)((char *)c - lo);
#if TIDE__VALGRIND
    c->vg_id = VALGRIND_STACK_REGISTER(lo, (char *)c);
#endif
    st.created++;
    return c;
}

static void slot_forget(tide__coro *c) {
#if TIDE__VALGRIND
    VALGRIND_STACK_DEREGISTER(c->vg_id);
#else
    (void)c;
#endif
}

static void *map_stack(size_t size) {
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    if (mprotect(m, PAGE, PROT_NONE) != 0) {
        munmap(m, size);
        return NULL;
    }
    return m;
}

/* ---- Guarded singles ------------------------------------------------- */

static void single_unmap(tide__coro *c);

/* A pooled guarded stack of this size; pooled ones of another size (made
 * before the configuration changed) are given back on the way. */
static tide__coro *single_pooled(size_t stack_size) {
    tide__coro *c;
    while ((c = st.singles)) {
        st.singles = c->pool_next;
        st.nsingles--;
        if (c->map_size == stack_size + PAGE)
            return c;
        single_unmap(c);
    }
    return NULL;
}

/* A new guarded stack; the caller has counted it in guarded_live. */
static tide__coro *single_new(size_t stack_size) {
    size_t map_size = stack_size + PAGE;
    char *map = map_stack(map_size);
    if (!map)
        return NULL;
    tide__coro *c = slot_init(map + PAGE, stack_size, map, map_size);
    c->flags = TIDE__CORO_GUARDED;
    return c;
}

static void single_unmap(tide__coro *c) {
    slot_forget(c);
    atomic_fetch_sub(&guarded_live, 1);
    munmap(c->map, c->map_size);
}

/* ---- Slabs ----------------------------------------------------------- */

static void slab_list(tide__slab *s) {
    s->prev = NULL;
    s->next = st.avail;
    if (st.avail)
        st.avail->prev = s;
    st.avail = s;
    s->listed = true;
}

static void slab_unlist(tide__slab *s) {
    if (s->prev)
        s->prev->next = s->next;
    else
        st.avail = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->listed = false;
}

static tide__slab *slab_new(size_t slot_size) {
    tide__slab *s = tide__calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->slot_size = slot_size;
    s->map_size = PAGE + (size_t)SLAB_SLOTS * slot_size;
    if (!(s->map = map_stack(s->map_size))) {
        tide__free(s);
        return NULL;
    }
    s->nfree = SLAB_SLOTS;
    st.slab_free += SLAB_SLOTS;
    st.empty_slabs++;
    slab_list(s);
    return s;
}

static void slab_unmap(tide__slab *s) {
    for (unsigned i = 0; i < s->fresh; i++) {
        char *lo = s->map + PAGE + (size_t)i * s->slot_size;
        slot_forget((tide__coro *)(lo + s->slot_size - block_size()));
    }
    if (s->listed)
        slab_unlist(s);
    st.slab_free -= s->nfree;
    st.empty_slabs--; /* (only free slabs are unmapped) */
    munmap(s->map, s->map_size);
    tide__free(s);
}

static tide__coro *slab_get(size_t stack_size) {
    tide__slab *s = st.avail;
    while (s && s->slot_size != stack_size) {
        tide__slab *next = s->next; /* made before a size change: retire it */
        if (s->nfree == SLAB_SLOTS)
            slab_unmap(s);
        s = next;
    }
    if (!s && !(s = slab_new(stack_size)))
        return NULL;
    tide__coro *c = s->free;
    if (c) {
        s->free = c->pool_next;
    } else {
        unsigned i = s->fresh++;
        char *lo = s->map + PAGE + (size_t)i * s->slot_size;
        c = slot_init(lo, s->slot_size, s->map, s->map_size);
        c->slab = s;
        if (i > 0)
            c->canary = (uint64_t *)(lo - sizeof(uint64_t));
    }
    if (s->nfree-- == SLAB_SLOTS)
        st.empty_slabs--;
    if (s->nfree == 0)
        slab_unlist(s);
    st.slab_free--;
    return c;
}

static void slab_put(tide__coro *c) {
    tide__slab *s = c->slab;
    c->pool_next = s->free;
    s->free = c;
    if (++s->nfree == SLAB_SLOTS)
        st.empty_slabs++;
    st.slab_free++;
    if (!s->listed)
        slab_list(s);
}

/* ---- Interface ------------------------------------------------------- */

/* Every live or pooled guarded stack counts once in guarded_live: a new
 * one is counted before it is mapped, an unmapped one uncounted. */
static tide__coro *stack_get(size_t stack_size, size_t guard_budget) {
    tide__coro *c;
    if ((c = single_pooled(stack_size)))
        return c;
    if (atomic_fetch_add(&guarded_live, 1) < guard_budget && (c = single_new(stack_size)))
        return c;
    atomic_fetch_sub(&guarded_live, 1);
    return slab_get(stack_size);
}

tide__coro *tide__stack_get(size_t stack_size, size_t guard_budget) {
    tide__coro *c = stack_get(stack_size, guard_budget);
    if (releasable() < st.low)
        st.low = releasable();
    return c;
}

void tide__stack_put(tide__coro *c) {
    if (c->slab) {
        slab_put(c);
    } else {
        c->pool_next = st.singles;
        st.singles = c;
        st.nsingles++;
    }
}

/* Guarded singles go first: each holds two of the kernel's mappings. A slab
 * goes only when all its slots are free. */
size_t tide__stack_trim(size_t keep) {
    size_t excess = st.low > keep ? st.low - keep : 0;
    while (excess > 0 && st.singles) {
        tide__coro *c = st.singles;
        st.singles = c->pool_next;
        st.nsingles--;
        single_unmap(c);
        excess--;
    }
    for (tide__slab *s = st.avail, *next; s && excess > 0; s = next) {
        next = s->next;
        if (s->nfree == SLAB_SLOTS) {
            excess -= excess < SLAB_SLOTS ? excess : SLAB_SLOTS;
            slab_unmap(s);
        }
    }
    st.low = releasable();
    return st.low;
}

size_t tide__stack_releasable(void) { return releasable(); }

void tide__stack_drain(void) {
    while (st.singles) {
        tide__coro *c = st.singles;
        st.singles = c->pool_next;
        st.nsingles--;
        single_unmap(c);
    }
    for (tide__slab *s = st.avail, *next; s; s = next) {
        next = s->next;
        if (s->nfree == SLAB_SLOTS)
            slab_unmap(s);
    }
    st.low = releasable();
}

void tide__stack_stats(size_t *pooled, size_t *guarded, size_t *created) {
    *pooled = st.nsingles + st.slab_free;
    *guarded = atomic_load(&guarded_live);
    *created = st.created;
}
