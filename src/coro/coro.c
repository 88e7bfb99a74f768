/* coro — coroutine creation, stacks and their pool, overflow reports. */
#define _GNU_SOURCE
#include "coro/coro.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "tide/errors.h"
#include "coro/stack.h"
#include "val/alloc.h"

#if TIDE__ASAN
#include <sanitizer/asan_interface.h>
#endif

#define PAGE 4096u

TIDE_EXTERN TIDE__TLS tide__coro *tide__coro_cur;

#if TIDE__SWITCH_INLINE
_Static_assert(offsetof(tide__coro, ctx) == offsetof(tide__coro_pub, ctx), "coro layout");
_Static_assert(offsetof(tide__coro, resumer) == offsetof(tide__coro_pub, resumer), "coro layout");
_Static_assert(offsetof(tide__coro, canary) == offsetof(tide__coro_pub, canary), "coro layout");
#endif

static tide_coro_config config = {
    .stack_size = (TIDE__ASAN ? 256u : 64u) * 1024u,
    .guard_budget = 16384,
    .pool_max = 1024,
};

/* Per-thread state: the main context, the pool of free stacks, counters and
 * the alternate signal stack the overflow handler runs on. */
static TIDE__TLS struct {
    bool init;
    tide__coro main;
    size_t live;
    void *altstack;
    tide__coro *zombie; /* died; freed by the next context that runs */
    unsigned frees;     /* a clock check every 1,024 frees */
    uint64_t trimmed_ms; /* when the pool was last trimmed */
} th;

void tide_coro_get_config(tide_coro_config *c) {
    if (c)
        *c = config;
}

int tide_coro_set_config(const tide_coro_config *c) {
    if (!c || (c->stack_size && c->stack_size < 16 * 1024))
        return TIDE_EINVAL;
    if (c->stack_size)
        config.stack_size = (c->stack_size + PAGE - 1) & ~(size_t)(PAGE - 1);
    if (c->guard_budget)
        config.guard_budget = c->guard_budget;
    if (c->pool_max)
        config.pool_max = c->pool_max;
    return 0;
}

void tide_coro_get_stats(tide_coro_stats *s) {
    if (!s)
        return;
    s->live = th.live;
    tide__stack_stats(&s->pooled, &s->guarded, &s->created);
}

/* ---- Overflow reporting --------------------------------------------- */

static struct sigaction old_segv, old_bus;
static pthread_once_t handler_once = PTHREAD_ONCE_INIT;

static void write_str(const char *s) {
    ssize_t r = write(2, s, strlen(s));
    (void)r;
}

void tide__coro_overflow(const tide__coro *c) {
    /* Async-signal-safe: called from the SIGSEGV handler too. */
    write_str("tide: stack overflow in coroutine ");
    write_str(c->name ? c->name : "(unnamed)");
    write_str("\n");
    abort();
}

static void chain(struct sigaction *old, int sig, siginfo_t *si, void *uc) {
    if (old->sa_flags & SA_SIGINFO) {
        old->sa_sigaction(sig, si, uc);
    } else if (old->sa_handler == SIG_DFL || old->sa_handler == SIG_IGN) {
        /* Returning re-executes the fault under the default action. */
        signal(sig, SIG_DFL);
    } else {
        old->sa_handler(sig);
    }
}

static void on_fault(int sig, siginfo_t *si, void *uc) {
    tide__coro *c = tide__coro_cur;
    char *a = si->si_addr;
    /* A fault in the page below the running coroutine's stack (its guard
     * page, or the guard below a slab), or just under it, is its overflow;
     * anything else belongs to whoever handled it before. */
    if (c && !tide__coro_is_main(c) && a >= c->stack_lo - 2 * PAGE && a < c->stack_lo)
        tide__coro_overflow(c);
    chain(sig == SIGSEGV ? &old_segv : &old_bus, sig, si, uc);
}

/* Once per process, before the first stack: the overflow handler, and the
 * stack size from the environment. */
static void install_handler(void) {
    const char *env = getenv("TIDE_STACK_SIZE");
    if (env && *env) {
        tide_coro_config c = {.stack_size = strtoul(env, NULL, 0)};
        tide_coro_set_config(&c); /* ignored when out of range */
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
}

/* The handler must run on another stack: the faulting one has no room. */
static void thread_altstack(void) {
    stack_t ss, old;
    if (th.altstack || sigaltstack(NULL, &old) != 0)
        return;
    if (!(old.ss_flags & SS_DISABLE))
        return; /* someone (ASan) already gave this thread one */
    size_t size = 64 * 1024;
    th.altstack = mmap(NULL, size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (th.altstack == MAP_FAILED) {
        th.altstack = NULL;
        return;
    }
    ss.ss_sp = th.altstack;
    ss.ss_size = size;
    ss.ss_flags = 0;
    sigaltstack(&ss, NULL);
}

/* ---- Main context ---------------------------------------------------- */

tide__coro *tide__coro_main(void) {
    if (!th.init) {
        th.init = true;
        th.main.flags = TIDE__CORO_MAIN;
        th.main.name = "main";
#if TIDE__ASAN
        pthread_attr_t attr;
        void *addr;
        size_t size;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            pthread_attr_getstack(&attr, &addr, &size);
            pthread_attr_destroy(&attr);
            th.main.asan_bottom = addr;
            th.main.asan_size = size;
        }
#endif
        tide__coro_cur = &th.main;
    }
    return &th.main;
}

static void reap(void) {
    tide__coro *z = th.zombie;
    if (z && z != tide__coro_cur) {
        th.zombie = NULL;
        tide__coro_free(z);
    }
}

/* Every coroutine starts here. When its function returns it cannot free its
 * own stack while standing on it, so it leaves itself as the thread's zombie
 * and makes its last switch, back to whoever resumed it. */
static void coro_entry(void *p) {
    tide__coro *c = p;
#if TIDE__ASAN
    /* The switch that started us never returns into tide__coro_switch. */
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
    c->fn(c->arg);
    c->flags |= TIDE__CORO_DEAD;
    reap();
    th.zombie = c;
    tide__coro_switch(c, c->resumer);
    __builtin_unreachable();
}

tide__coro *tide__coro_new(void (*fn)(void *), void *arg, const char *name) {
    if (!th.init)
        tide__coro_main();
    reap();
    if (tide__alloc_should_fail())
        return NULL;
    thread_altstack();
    pthread_once(&handler_once, install_handler);
    tide__coro *c = tide__stack_get(config.stack_size, config.guard_budget);
    if (!c)
        return NULL;
    c->flags &= TIDE__CORO_GUARDED;
    c->fn = fn;
    c->arg = arg;
    c->name = name;
    c->resumer = NULL;
    c->user = NULL;
    c->pool_next = NULL;
#if TIDE__ASAN
    /* A reused stack may still carry the poisoned redzones of old frames. */
    __asan_unpoison_memory_region(c->stack_lo, c->stack_size);
    c->asan_fake = NULL;
    c->asan_bottom = c->stack_lo;
    c->asan_size = c->stack_size;
#endif
    if (c->canary)
        *c->canary = TIDE__CANARY;
    tide__ctx_init(&c->ctx, c->stack_lo, (char *)c, coro_entry, c);
    th.live++;
    return c;
}

static uint64_t coarse_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

bool tide__coro_pool_excess(void) { return tide__stack_releasable() > config.pool_max; }

bool tide__coro_pool_trim(void) {
    uint64_t now = coarse_ms();
    /* Three quarters: a loop's timer, due a whole interval after the last
     * trim, is never turned away by a clock that reads a little behind. */
    if (now - th.trimmed_ms >= TIDE__POOL_TRIM_MS / 4 * 3) {
        th.trimmed_ms = now;
        tide__stack_trim(config.pool_max);
    }
    return tide__coro_pool_excess();
}

void tide__coro_free(tide__coro *c) {
    if (!c || (c->flags & TIDE__CORO_MAIN))
        return;
    th.live--;
    tide__stack_put(c);
    /* Programs without a loop get their trims here. */
    if (__builtin_expect((++th.frees & 1023) == 0, 0) && tide__coro_pool_excess())
        tide__coro_pool_trim();
}

/* Unmaps every pooled stack of this thread (loop teardown, thread exit). */
void tide__coro_pool_drain(void) {
    reap();
    tide__stack_drain();
    if (th.altstack && th.live == 0) {
        stack_t ss = {.ss_flags = SS_DISABLE};
        sigaltstack(&ss, NULL);
        munmap(th.altstack, 64 * 1024);
        th.altstack = NULL;
    }
}

#if !TIDE_CORO_UCONTEXT
void tide__ctx_start(void);

/* A new context's first frame: see the protocol in ctx_*.S. */
void tide__ctx_init(tide__ctx *c, char *lo, char *hi, void (*entry)(void *),
                    void *arg) {
    (void)lo;
    uintptr_t top = (uintptr_t)hi & ~(uintptr_t)15;
#if defined(__x86_64__) || defined(__aarch64__)
    /* The stack holds [arg][entry] for the start code, which pops both and
     * calls entry(arg) with the stack pointer 16-aligned again. */
    void **sp = (void **)(top - 16);
    sp[0] = arg;
    sp[1] = (void *)entry;
    *c = (tide__ctx){sp, (void *)tide__ctx_start, NULL};
#else
#error "no assembly context switch for this target: build with TIDE_CORO_UCONTEXT"
#endif
}
#endif
