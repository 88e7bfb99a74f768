/* The context switch on its own, for targets this machine can only emulate
 * (AArch64 under qemu-user): ping-pong with values kept live in callee-saved
 * registers across switches, floating point and printf in a coroutine, deep
 * frames, and enough coroutines to fill slabs. Prints "N passed, M failed". */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "coro/coro.h"

static int failures, passes;
static tide__coro *main_ctx;

static void check(const char *what, int ok) {
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    ok ? passes++ : failures++;
}

typedef struct ping {
    tide__coro *self;
    long acc;
    double facc;
} ping;

/* The two switches: the plain one, and await's tide__switch_keep, which
 * preserves the callee-saved registers itself. Each function below uses
 * only one of them, so that the compiler keeps its values in registers
 * where the switch allows it. */
static inline __attribute__((always_inline)) void sw_plain(tide__coro *from, tide__coro *to) {
    tide__coro_switch(from, to);
}
#if TIDE_CORO_UCONTEXT
#define sw_keep sw_plain /* no inline switch to keep registers with */
#else
static inline __attribute__((always_inline)) void sw_keep(tide__coro *from, tide__coro *to) {
    tide__coro_switch_begin(from, to);
    tide__switch_keep(&from->ctx, &to->ctx);
    tide__coro_switch_end(from);
}
#endif

/* Many live values: the compiler keeps them in callee-saved registers
 * (x19-x28, d8-d15 on AArch64), which the switch must preserve. */
#define PINGER(name, SWITCH)                                                    \
    static void name(void *arg) {                                               \
        ping *p = arg;                                                          \
        long a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;            \
        double x = 1.5, y = 2.5, z = 3.5, w = 4.5;                              \
        for (int i = 0; i < 1000; i++) {                                        \
            a += b; b += c; c += d; d += e; e += f; f += g; g += h; h += 1;     \
            x *= 1.0001; y += x; z -= y / 7; w += z * 0.5;                      \
            SWITCH(p->self, main_ctx);                                          \
        }                                                                       \
        p->acc = a ^ b ^ c ^ d ^ e ^ f ^ g ^ h;                                 \
        p->facc = x + y + z + w;                                                \
    }
PINGER(pinger_plain, sw_plain)
PINGER(pinger_keep, sw_keep)

/* The main side of a ping-pong with its own live values; 1 if they survive. */
#define DRIVER(name, SWITCH)                                                    \
    static int name(ping *p) {                                                  \
        long m1 = 11, m2 = 22, m3 = 33, m4 = 44, m5 = 55, m6 = 66;              \
        for (int i = 0; i <= 1000; i++) {                                       \
            p->self->resumer = main_ctx;                                        \
            SWITCH(main_ctx, p->self);                                          \
            m1 += m2; m2 += m3; m3 += m4; m4 += m5; m5 += m6; m6 += 1;          \
        }                                                                       \
        long e1 = 11, e2 = 22, e3 = 33, e4 = 44, e5 = 55, e6 = 66;              \
        for (int i = 0; i <= 1000; i++) {                                       \
            e1 += e2; e2 += e3; e3 += e4; e4 += e5; e5 += e6; e6 += 1;          \
        }                                                                       \
        return m1 == e1 && m2 == e2 && m3 == e3 && m4 == e4 && m5 == e5 && m6 == e6; \
    }
DRIVER(drive_plain, sw_plain)
DRIVER(drive_keep, sw_keep)

static long expect_acc(double *fx) {
    long a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
    double x = 1.5, y = 2.5, z = 3.5, w = 4.5;
    for (int i = 0; i < 1000; i++) {
        a += b; b += c; c += d; d += e; e += f; f += g; g += h; h += 1;
        x *= 1.0001; y += x; z -= y / 7; w += z * 0.5;
    }
    *fx = x + y + z + w;
    return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h;
}

static char buf[64];
static void printer(void *arg) {
    (void)arg;
    snprintf(buf, sizeof buf, "%.3f", sqrt(2.0));
}

static int deep(int n) {
    volatile char pad[200];
    pad[0] = 1;
    return n ? deep(n - 1) + pad[0] : 0;
}
static void diver(void *arg) { *(int *)arg = deep(150) == 150; }

static void parker(void *arg) {
    tide__coro **self = arg;
    tide__coro_switch(*self, main_ctx);
}

int main(void) {
    main_ctx = tide__coro_self();
    /* Each pairing of the two switches: a context suspended by one is
     * resumed by either. */
    static const struct {
        void (*pinger)(void *);
        int (*driver)(ping *);
        const char *how;
    } pairs[] = {
        {pinger_plain, drive_plain, "plain both ways"},
        {pinger_keep, drive_plain, "coroutine keeps, main plain"},
        {pinger_plain, drive_keep, "main keeps, coroutine plain"},
        {pinger_keep, drive_keep, "keeping both ways"},
    };
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        ping p = {0};
        p.self = tide__coro_new(pairs[k].pinger, &p, "pinger");
        int main_ok = pairs[k].driver(&p);
        double fx;
        long want = expect_acc(&fx);
        char what[120];
        snprintf(what, sizeof what, "callee-saved integer registers survive 2,000 switches (%s)",
                 pairs[k].how);
        check(what, p.acc == want);
        snprintf(what, sizeof what, "callee-saved float registers survive (%s)", pairs[k].how);
        check(what, fabs(p.facc - fx) < 1e-9);
        snprintf(what, sizeof what, "the main context's values survive (%s)", pairs[k].how);
        check(what, main_ok);
    }

    tide__coro *c = tide__coro_new(printer, NULL, "printer");
    c->resumer = main_ctx;
    tide__coro_switch(main_ctx, c);
    check("printf of a double in a coroutine (stack alignment)", strcmp(buf, "1.414") == 0);

    int r = 0;
    c = tide__coro_new(diver, &r, "diver");
    c->resumer = main_ctx;
    tide__coro_switch(main_ctx, c);
    check("30 KiB of frames", r == 1);

    tide_coro_config cfg = {.guard_budget = 4};
    tide_coro_set_config(&cfg);
    enum { N = 200 };
    static tide__coro *cs[N];
    int ok = 1;
    for (int i = 0; i < N; i++) {
        cs[i] = tide__coro_new(parker, &cs[i], "parker");
        ok &= cs[i] != NULL;
        if (!cs[i])
            break;
        cs[i]->resumer = main_ctx;
        tide__coro_switch(main_ctx, cs[i]);
    }
    for (int i = 0; ok && i < N; i++) {
        cs[i]->resumer = main_ctx;
        tide__coro_switch(main_ctx, cs[i]);
    }
    check("200 coroutines from guarded singles and slabs", ok);
    printf("%d passed, %d failed\n", passes, failures);
    return failures != 0;
}
