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

static void pinger(void *arg) {
    ping *p = arg;
    /* Many live values: the compiler keeps them in callee-saved registers
     * (x19-x28, d8-d15 on AArch64), which the switch must preserve. */
    long a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
    double x = 1.5, y = 2.5, z = 3.5, w = 4.5;
    for (int i = 0; i < 1000; i++) {
        a += b; b += c; c += d; d += e; e += f; f += g; g += h; h += 1;
        x *= 1.0001; y += x; z -= y / 7; w += z * 0.5;
        tide__coro_switch(p->self, main_ctx);
    }
    p->acc = a ^ b ^ c ^ d ^ e ^ f ^ g ^ h;
    p->facc = x + y + z + w;
}

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
    ping p = {0};
    p.self = tide__coro_new(pinger, &p, "pinger");
    long m1 = 11, m2 = 22;
    for (int i = 0; i <= 1000; i++) {
        p.self->resumer = main_ctx;
        tide__coro_switch(main_ctx, p.self);
        m1 += m2; /* the main side's own live values survive too */
    }
    double fx;
    long want = expect_acc(&fx);
    check("callee-saved integer registers survive 2,000 switches", p.acc == want);
    check("callee-saved float registers survive", fabs(p.facc - fx) < 1e-9);
    check("the main context's values survive", m1 == 11 + 22 * 1001);

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
