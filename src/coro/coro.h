/* coro — stackful coroutines (internal).
 *
 * A coroutine is a stack and a saved context. tide__coro_switch() moves the
 * thread from one context to another; everything about *when* to switch
 * (awaits, yields, the microtask queue) belongs to the layers above.
 *
 * Each thread has a main context (its own stack) and a `current` pointer.
 * A coroutine's control block lives at the top of its own stack mapping, so a
 * parked coroutine costs the pages its frames touched and nothing else.
 */
#ifndef TIDE_CORO_H
#define TIDE_CORO_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "common.h"
#include "tide/coro.h"
#include "tide/switch.h"

#if TIDE_CORO_UCONTEXT
#include <ucontext.h>
#endif

#if defined(__SANITIZE_ADDRESS__) || TIDE_ASAN
#define TIDE__ASAN 1
#include <sanitizer/common_interface_defs.h>
#else
#define TIDE__ASAN 0
#endif

/* Whether the inline fast paths can switch (not with ucontext). */
#if TIDE_CORO_UCONTEXT || !TIDE__INLINE_SWITCH
#define TIDE__SWITCH_INLINE 0
#else
#define TIDE__SWITCH_INLINE 1
#endif

#if TIDE_CORO_UCONTEXT
typedef struct tide__ctx {
    ucontext_t uc;
} tide__ctx;
#else
typedef tide__ctx_rec tide__ctx; /* tide/switch.h: sp, resume address, frame pointer */
#endif

enum {
    TIDE__CORO_GUARDED = 1u, /* a PROT_NONE page sits below the stack */
    TIDE__CORO_DEAD = 2u,    /* its function returned; never resumed again */
    TIDE__CORO_MAIN = 4u     /* a thread's own stack */
};

typedef struct tide__coro tide__coro;
typedef struct tide__slab tide__slab;
/* Its first three fields are tide/switch.h's tide__coro_pub (which the
 * inline fast paths of the public headers use; coro.c asserts the layout,
 * where there is an inline switch). */
struct tide__coro {
    tide__ctx ctx;
    tide__coro *resumer; /* where a suspension returns to (layers above set it) */
    uint64_t *canary;    /* just below stack_lo, or NULL where a guard page is */
    void (*fn)(void *);
    void *arg;
    const char *name;
    char *stack_lo; /* lowest usable byte */
    size_t stack_size;
    char *map; /* the whole mapping, guard page included */
    size_t map_size;
    struct tide__slab *slab; /* the slab of an unguarded stack, else NULL */
    uint32_t flags;
    unsigned vg_id;
    tide__coro *pool_next;
    void *user; /* for the layer that owns the coroutine */
#if TIDE__ASAN
    void *asan_fake;
    const void *asan_bottom;
    size_t asan_size;
#endif
};

/* tide__coro_cur, the running coroutine, is declared in tide/switch.h. */

/* The thread's main context, created on first use (NULL only on ENOMEM, which
 * cannot happen: it is static per thread). */
tide__coro *tide__coro_main(void);

/* The running context: a coroutine, or the thread's main context. */
static inline tide__coro *tide__coro_self(void) {
    return tide__coro_cur ? tide__coro_cur : tide__coro_main();
}

static inline bool tide__coro_is_main(const tide__coro *c) {
    return (c->flags & TIDE__CORO_MAIN) != 0;
}

/* A new coroutine that will run fn(arg) when first switched to. name must be
 * static (a string literal). NULL when no stack can be had (ENOMEM). */
tide__coro *tide__coro_new(void (*fn)(void *), void *arg, const char *name);

/* Frees a coroutine that never ran or has died. */
void tide__coro_free(tide__coro *c);

/* Unmaps the pooled stacks of this thread. */
void tide__coro_pool_drain(void);

/* The pool keeps every freed stack, so a workload that churns through tasks
 * reuses stacks instead of paying mmap, mprotect, munmap and a page fault
 * for each. Beyond config.pool_max, what stays unused from one trim to the
 * next goes back to the kernel. trim does that at most about once per
 * TIDE__POOL_TRIM_MS (and tide__coro_free calls it now and then); it returns
 * tide__coro_pool_excess(): whether the pool still holds more than pool_max,
 * so that the loop, while idle, knows to call again. */
#define TIDE__POOL_TRIM_MS 1000u
bool tide__coro_pool_trim(void);
bool tide__coro_pool_excess(void);

/* Prefetches what suspended coroutine c reads first when it is resumed: the
 * lines at and above its saved stack pointer (the frames it returns into,
 * and what its switch kept there). Reads c's record, which should be in the
 * cache already. */
static inline void tide__coro_prefetch_stack(const tide__coro *c) {
#if TIDE_CORO_UCONTEXT
    (void)c;
#else
    const char *sp = c->ctx.sp;
    for (int i = 0; i < 6; i++)
        __builtin_prefetch(sp + 64 * i);
#endif
}

/* Reports an overflow of c's stack and aborts. */
__attribute__((noreturn)) void tide__coro_overflow(const tide__coro *c);


#if TIDE_CORO_UCONTEXT
static inline void tide__ctx_jump(tide__ctx *from, tide__ctx *to) {
    swapcontext(&from->uc, &to->uc);
}
#else
#if !TIDE__INLINE_SWITCH
#error "no context switch for this target: build with TIDE_CORO_UCONTEXT"
#endif
/* Every switch is the inline one of include/tide/switch.h, which says why. */
static inline __attribute__((always_inline)) void tide__ctx_jump(tide__ctx *from, tide__ctx *to) {
    tide__switch(from, to);
}
#endif
void tide__ctx_init(tide__ctx *c, char *lo, char *hi, void (*entry)(void *),
                    void *arg);

/* The two halves of every switch, around the jump itself (the out-of-line
 * one below, or the inline one of include/tide/switch.h): begin checks the
 * canary of the stack being left — so an overflow of an unguarded stack is
 * caught at its next switch — makes `to` current and tells the sanitizer;
 * end, run once `from` is running again, tells the sanitizer it is back. */
/* Whether the stack c runs on is intact: its canary, where it has one, is
 * as it was written. */
static inline bool tide__coro_intact(const tide__coro *c) {
    /* Not through tide__coro_pub_intact: in the ucontext build the record
     * does not begin with tide__coro_pub's fields. */
    return !c->canary || *c->canary == TIDE__CANARY;
}

/* begin without the canary check, for callers that made it themselves. */
static inline __attribute__((always_inline)) void
tide__coro_switch_begin_intact(tide__coro *from, tide__coro *to) {
    tide__coro_cur = to;
#if TIDE__ASAN
    __sanitizer_start_switch_fiber(
        (from->flags & TIDE__CORO_DEAD) ? NULL : &from->asan_fake,
        to->asan_bottom, to->asan_size);
#else
    (void)from;
    (void)to;
#endif
}

static inline __attribute__((always_inline)) void
tide__coro_switch_begin(tide__coro *from, tide__coro *to) {
    if (__builtin_expect(!tide__coro_intact(from), 0))
        tide__coro_overflow(from);
    tide__coro_switch_begin_intact(from, to);
}

static inline __attribute__((always_inline)) void tide__coro_switch_end(tide__coro *from) {
#if TIDE__ASAN
    __sanitizer_finish_switch_fiber(from->asan_fake, NULL, NULL);
#else
    (void)from;
#endif
}

/* Switches from `from` (the running context) to `to`. Returns when something
 * switches back to `from`. */
static inline __attribute__((always_inline)) void
tide__coro_switch(tide__coro *from, tide__coro *to) {
    tide__coro_switch_begin(from, to);
    tide__ctx_jump(&from->ctx, &to->ctx);
    tide__coro_switch_end(from);
}

/* For the inline fast paths: begins a switch and returns the pair the inline
 * jump takes (where to save this stack pointer, and the one to load), or
 * NULL where there is no inline jump (the ucontext build). The _intact
 * variant is for callers that checked tide__coro_intact(from) themselves
 * (before changing anything, so that their ordinary path, taken instead,
 * reports the overflow). */
static inline __attribute__((always_inline)) tide__ctx_rec *
tide__coro_switch_prep_intact(tide__coro *from, tide__coro *to, tide__ctx_rec **load) {
#if !TIDE__SWITCH_INLINE
    (void)from;
    (void)to;
    (void)load;
    return NULL;
#else
    tide__coro_switch_begin_intact(from, to);
    *load = &to->ctx;
    return &from->ctx;
#endif
}

static inline tide__ctx_rec *tide__coro_switch_prep(tide__coro *from, tide__coro *to, tide__ctx_rec **load) {
    if (TIDE__SWITCH_INLINE && __builtin_expect(!tide__coro_intact(from), 0))
        tide__coro_overflow(from);
    return tide__coro_switch_prep_intact(from, to, load);
}

#endif
