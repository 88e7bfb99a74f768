/* bench switch — two coroutines passing control back and forth.
 *
 * No JavaScript twin (Node has no stackful coroutines to compare with): this
 * is the floor under every other tide row, the price of one context switch.
 * It uses the internal coroutine API (src/coro/coro.h), which the layers
 * above build on; there is no public one.
 *
 * Figures, each per switch (the row's value is the first):
 *   value    tide__coro_switch: the canary check of the stack being left,
 *            the `current` pointer, and the register save / stack swap /
 *            restore of tide/switch.h, inline in the caller's frame (it
 *            used to call an assembly switch: 8.5 ns a switch, against
 *            3.2 inline, on this machine);
 *   inline   the same steps as tide_yield, tide_for_of and tide_for_await
 *            split them: a prepare step, the switch, a finish step;
 *   raw      the bare register save / stack swap / restore of tide/switch.h
 *            with none of tide's bookkeeping: the floor of a stackful
 *            switch on this machine (in a ucontext build, which has no
 *            inline switch, inline and raw fall back to the first kind);
 * and, for scale, `call`: one plain call and return of a function that
 * cannot be inlined, in the same loop shape — the floor of anything that is
 * not inlined.
 *
 * BENCH_SWITCH=call or =inline in the environment runs only that kind, so
 * that bench/run --callgrind can count each kind's instructions apart.
 */
#include "coro/coro.h"

#include "bench.h"

enum kind { OUT_OF_LINE, INLINE, RAW };

typedef struct pair {
    tide__coro *a, *b;
    long rounds;     /* switches each way */
    enum kind kind;
    int64_t touched; /* counts the switches each side made: the check */
} pair;

/* One switch from `from` to `to`, of the pair's kind. Inline: begin (canary,
 * current), the jump itself in this frame, end (sanitizer bookkeeping).
 * Raw: the jump alone; `current` goes stale until the loop ends (see
 * side_a). */
static inline __attribute__((always_inline)) void hop(pair *p, tide__coro *from, tide__coro *to) {
    if (p->kind == INLINE) {
        tide__ctx_rec *load;
        tide__ctx_rec *save = tide__coro_switch_prep(from, to, &load);
        if (save) {
            tide__switch(save, load);
            tide__coro_switch_end(from);
            return;
        }
    }
#if TIDE__SWITCH_INLINE /* the ucontext build has no stack pointer to swap */
    if (p->kind == RAW) {
        tide__switch(&from->ctx, &to->ctx);
        return;
    }
#endif
    tide__coro_switch(from, to);
}

/* A runs first; after its last switch to B it returns, and its coroutine
 * switches to its resumer (main) as it dies. */
static void side_a(void *arg) {
    pair *p = arg;
    for (long i = 0; i < p->rounds; i++) {
        p->touched++;
        hop(p, p->a, p->b);
    }
    tide__coro_cur = p->a; /* true again after raw switches, which skip it */
}

/* B answers each of A's switches; resumed once more by main, it leaves its
 * loop and dies too, so nothing is left parked. */
static void side_b(void *arg) {
    pair *p = arg;
    for (long i = 0; i < p->rounds; i++) {
        p->touched++;
        hop(p, p->b, p->a);
    }
}

/* 2 * rounds switches between A and B; returns the time they took in ns. */
static uint64_t run_pair(long rounds, enum kind kind) {
    pair p = {.rounds = rounds, .kind = kind};
    tide__coro *self = tide__coro_self();
    p.a = tide__coro_new(side_a, &p, "switch_a");
    p.b = tide__coro_new(side_b, &p, "switch_b");
    if (!p.a || !p.b) {
        fprintf(stderr, "switch: no memory for a coroutine\n");
        exit(1);
    }
    p.a->resumer = self;
    p.b->resumer = self;
    uint64_t t0 = bench_now_ns();
    tide__coro_switch(self, p.a); /* back when A has died */
    uint64_t t1 = bench_now_ns();
    tide__coro_switch(self, p.b); /* B leaves its loop and dies */
    bench_check("switch", "switch count", p.touched, 2 * (int64_t)rounds);
    return t1 - t0;
}

/* The call floor: a loop with a call in it. The count travels in a
 * register, not through memory, so that what is timed is the call and the
 * return, not a store and the load that waits for it. */
static __attribute__((noinline)) int64_t bump(int64_t x) {
    __asm__ volatile("" : "+r"(x)); /* a body the compiler cannot fold */
    return x + 1;
}

static uint64_t run_calls(long n) {
    int64_t touched = 0;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < n; i++)
        touched = bump(touched);
    uint64_t t1 = bench_now_ns();
    bench_check("switch", "call count", touched, n);
    return t1 - t0;
}

int main(int argc, char **argv) {
    bench_args args = bench_parse(argc, argv, 20000000, 2000000);
    long rounds = args.n / 2; /* n counts switches: two per round */
    const char *only = getenv("BENCH_SWITCH");
    bool all = !only || !*only;
    if (args.warmup > 0) {
        run_pair(args.warmup / 2, OUT_OF_LINE);
        run_pair(args.warmup / 2, INLINE);
    }
    uint64_t t_call = all || strcmp(only, "call") == 0 ? run_pair(rounds, OUT_OF_LINE) : 0;
    uint64_t t_inline = all || strcmp(only, "inline") == 0 ? run_pair(rounds, INLINE) : 0;
    uint64_t t_raw = all ? run_pair(rounds, RAW) : 0;
    uint64_t t_fn = all ? run_calls(args.n) : 0;
    double per = (double)(2 * rounds);
    bench_report("switch", "ns/switch", (double)t_call / per, 2 * rounds, 2 * (int64_t)rounds,
                 "\"inline\": %.4g, \"raw\": %.4g, \"call\": %.4g", (double)t_inline / per,
                 (double)t_raw / per, (double)t_fn / (double)args.n);
    return 0;
}
