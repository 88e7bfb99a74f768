/* ucontext fallback for targets without an assembly switch. Slow (glibc's
 * swapcontext makes a signal-mask system call per switch, ~170 ns) but
 * portable; selected with -DTIDE_CORO_UCONTEXT=ON or on unknown targets. */
#include "coro/coro.h"

#include <stdint.h>
#include <stdlib.h>

/* makecontext passes int arguments only: a pointer travels in two halves. */
static void start(unsigned hi, unsigned lo, unsigned fhi, unsigned flo) {
    void *arg = (void *)(((uintptr_t)hi << 16 << 16) | lo);
    void (*entry)(void *) = (void (*)(void *))(((uintptr_t)fhi << 16 << 16) | flo);
    entry(arg);
    abort(); /* entry never returns */
}

void tide__ctx_init(tide__ctx *c, char *lo, char *hi, void (*entry)(void *),
                    void *arg) {
    uintptr_t a = (uintptr_t)arg, f = (uintptr_t)entry;
    getcontext(&c->uc);
    c->uc.uc_stack.ss_sp = lo;
    c->uc.uc_stack.ss_size = (size_t)(hi - lo) & ~(size_t)15;
    c->uc.uc_link = NULL;
    makecontext(&c->uc, (void (*)(void))start, 4, (unsigned)(a >> 16 >> 16),
                (unsigned)a, (unsigned)(f >> 16 >> 16), (unsigned)f);
}
