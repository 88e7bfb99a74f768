/* tide — private: the context switch, inline, used by every switch tide
 * makes and by the inline fast paths. Not part of the API; nothing here is
 * for direct use.
 *
 * Why inline: a return after a switch returns into the *other* context's
 * call chain, so the processor's return-stack predictor misses every return
 * between a switch and the loop that runs it (measured here: 5 ns per round
 * trip with no call between the loop and the switch, 42 ns with three). The
 * hottest paths (tide_yield, tide_for_of, tide_for_await) therefore do their
 * bookkeeping in ordinary calls that return before the switch, and switch
 * right in the caller's frame.
 *
 * Why so little is saved: the switch declares every register clobbered but
 * the stack and frame pointers, so the compiler keeps across it only the
 * values that are live there, in its own frame, and saves the callee-saved
 * registers it uses once, in the prologue of the function the switch is
 * inlined into, instead of on every switch. What a suspended context needs
 * besides — its stack pointer, resume address and frame pointer — goes into
 * its record (tide__ctx_rec), not onto its stack: pushes there, next to the
 * frames of the code around the switch, made the step's speed depend on
 * where the stacks and heap happened to lie (bench/layout.c). A new
 * context's record is set by tide__ctx_init to resume at tide__ctx_start
 * (src/coro/ctx_*.S). Every switch, on both sides of it, is this one, but
 * for tide_await's: where switching is the rare path, tide__switch_keep
 * keeps the callee-saved registers itself, so that the code around it need
 * not keep its variables in memory for the sake of a switch it seldom makes.
 */
#ifndef TIDE_SWITCH_H
#define TIDE_SWITCH_H

#include <stdbool.h>
#include <stdint.h>

#ifndef TIDE_EXTERN
#define TIDE_EXTERN __attribute__((visibility("default")))
#endif

/* The part of a coroutine (src/coro's struct tide__coro, which begins with
 * these fields, as coro.c asserts) that the inline steps of tide_yield and
 * tide_for_of read and write; and the thread's running coroutine (NULL on
 * a thread's own stack until its first switch). may_alias: the library
 * reaches the same memory through its own type. */
struct tide__coro;

/* What a suspended context keeps: its stack pointer, resume address and
 * frame pointer (x86-64 %rbp, AArch64 x29). */
typedef struct tide__ctx_rec {
    void *sp, *pc, *fp;
} tide__ctx_rec;

typedef struct __attribute__((may_alias)) tide__coro_pub {
    tide__ctx_rec ctx;          /* while suspended */
    struct tide__coro *resumer; /* where a suspension returns to */
    uint64_t *canary;           /* below an unguarded stack, else NULL */
} tide__coro_pub;

TIDE_EXTERN extern __thread struct tide__coro *tide__coro_cur
    __attribute__((tls_model("initial-exec")));

/* Written just below every unguarded stack, checked at each switch away. */
#define TIDE__CANARY 0x74696465c0a1a2a3ULL

static inline tide__coro_pub *tide__coro_pub_of(struct tide__coro *c) {
    return (tide__coro_pub *)(void *)c;
}

/* Whether c's stack is intact: its canary, where it has one, is as written.
 * An inline step checks the stack it leaves and, finding it overwritten,
 * leaves the switch to the library's path, which reports the overflow. */
static inline bool tide__coro_pub_intact(const tide__coro_pub *c) {
    return !__builtin_expect(c->canary && *c->canary != TIDE__CANARY, 0);
}

#if defined(__x86_64__)
#define TIDE__INLINE_SWITCH 1
#ifdef __AVX512F__
/* AVX-512's upper vector registers and its mask registers are caller-saved
 * too: code built with -mavx512f may keep values there across the asm. */
#define TIDE__ZMM_CLOBBERS                                                           \
    , "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23",        \
        "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "k0", \
        "k1", "k2", "k3", "k4", "k5", "k6", "k7"
#else
#define TIDE__ZMM_CLOBBERS
#endif
/* The registers every switch declares clobbered: all but the stack and
 * frame pointers, and, in tide__switch_keep, the callee-saved ones it keeps
 * itself. */
#define TIDE__CALLER_SAVED                                                                 \
    "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "memory", "cc", "xmm0", "xmm1", "xmm2",  \
        "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", \
        "xmm13", "xmm14", "xmm15", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)",       \
        "st(6)", "st(7)" TIDE__ZMM_CLOBBERS
/* The switch itself, from *%rdi to *%rsi, resuming at the label "1:" that
 * follows it. The other context is loaded before this one is stored: every
 * coroutine's record lies at the same offset in its page (the top of its
 * stack), and a load that follows a store to the same offset in another page
 * waits on it as if it might depend on it (measured, alternating: the `for
 * await` over a generator took 8.1 ns an item with the stores first, 7.3
 * with the loads first). So save and load must differ: a switch to the
 * running context itself would load what its record held before (the
 * task layer, which can find its own continuation next, does not switch
 * then). */
#define TIDE__SWITCH_CORE \
    "movq 0(%%rsi), %%rcx\n\t" \
    "movq 8(%%rsi), %%rdx\n\t" \
    "movq 16(%%rsi), %%r8\n\t" \
    "leaq 1f(%%rip), %%rax\n\t" \
    "movq %%rsp, 0(%%rdi)\n\t" \
    "movq %%rax, 8(%%rdi)\n\t" \
    "movq %%rbp, 16(%%rdi)\n\t" \
    "movq %%rcx, %%rsp\n\t" \
    "movq %%r8, %%rbp\n\t" \
    "jmpq *%%rdx\n"
/* Loads the other context's %rsp, %rbp and resume label from *load, stores
 * this one's (%rbp may be the frame pointer, so it cannot be declared
 * clobbered) into *save and jumps. The red zone below
 * %rsp is left alone: nothing is pushed. */
static inline __attribute__((always_inline)) void tide__switch(tide__ctx_rec *save,
                                                              tide__ctx_rec *load) {
    __asm__ volatile(TIDE__SWITCH_CORE
                     "1:"
                     : "+D"(save), "+S"(load)
                     :
                     : "rbx", "r12", "r13", "r14", "r15", TIDE__CALLER_SAVED);
}

/* The same switch for a place where switching is the rare path (an await
 * that suspends): it keeps the callee-saved registers itself, pushed below
 * the red zone, so that the code around it keeps its variables in registers
 * instead of in memory on the common path. A context it suspends may be
 * resumed by either switch, and it may resume either. */
static inline __attribute__((always_inline)) void tide__switch_keep(tide__ctx_rec *save,
                                                                   tide__ctx_rec *load) {
    __asm__ volatile("leaq -128(%%rsp), %%rsp\n\t"
                     "pushq %%rbx\n\t"
                     "pushq %%r12\n\t"
                     "pushq %%r13\n\t"
                     "pushq %%r14\n\t"
                     "pushq %%r15\n\t"
                     TIDE__SWITCH_CORE
                     "1:\n\t"
                     "popq %%r15\n\t"
                     "popq %%r14\n\t"
                     "popq %%r13\n\t"
                     "popq %%r12\n\t"
                     "popq %%rbx\n\t"
                     "leaq 128(%%rsp), %%rsp"
                     : "+D"(save), "+S"(load)
                     :
                     : TIDE__CALLER_SAVED);
}
#elif defined(__aarch64__)
#define TIDE__INLINE_SWITCH 1
/* The registers every switch declares clobbered (tide__switch_keep keeps
 * x19-x28 itself). */
#define TIDE__CALLER_SAVED                                                                 \
    "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",     \
        "x15", "x16", "x17", "x18", "x30", "memory", "cc", "v0", "v1", "v2", "v3", "v4",   \
        "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16",     \
        "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27",       \
        "v28", "v29", "v30", "v31"
/* The switch itself, from *x0 to *x1, resuming at the label "1:" that
 * follows it; the other context loaded first, as on x86-64 (so x0 and x1
 * must differ). */
#define TIDE__SWITCH_CORE \
    "ldp x4, x5, [x1]\n\t" \
    "ldr x6, [x1, #16]\n\t" \
    "adr x2, 1f\n\t" \
    "mov x3, sp\n\t" \
    "stp x3, x2, [x0]\n\t" \
    "str x29, [x0, #16]\n\t" \
    "mov sp, x4\n\t" \
    "mov x29, x6\n\t" \
    "br x5\n"
/* The same on AArch64: the other context's sp, resume label and x29 (the
 * frame pointer, which cannot be declared clobbered) from *load, this
 * one's into *save. AArch64 has no red zone. x18 is clobbered too: on Linux it is an
 * ordinary temporary that the compiler may keep live across the asm. */
static inline __attribute__((always_inline)) void tide__switch(tide__ctx_rec *save,
                                                              tide__ctx_rec *load) {
    register tide__ctx_rec *x0 __asm__("x0") = save;
    register tide__ctx_rec *x1 __asm__("x1") = load;
    __asm__ volatile(TIDE__SWITCH_CORE
                     "1:"
                     : "+r"(x0), "+r"(x1)
                     :
                     : "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28",
                       TIDE__CALLER_SAVED);
}

/* As on x86-64: x19-x28 kept on the stack by the switch itself. (The vector
 * registers stay clobbered: v8-v15 are callee-saved only in their low
 * halves.) */
static inline __attribute__((always_inline)) void tide__switch_keep(tide__ctx_rec *save,
                                                                   tide__ctx_rec *load) {
    register tide__ctx_rec *x0 __asm__("x0") = save;
    register tide__ctx_rec *x1 __asm__("x1") = load;
    __asm__ volatile("sub sp, sp, #80\n\t"
                     "stp x19, x20, [sp, #0]\n\t"
                     "stp x21, x22, [sp, #16]\n\t"
                     "stp x23, x24, [sp, #32]\n\t"
                     "stp x25, x26, [sp, #48]\n\t"
                     "stp x27, x28, [sp, #64]\n\t"
                     TIDE__SWITCH_CORE
                     "1:\n\t"
                     "ldp x19, x20, [sp, #0]\n\t"
                     "ldp x21, x22, [sp, #16]\n\t"
                     "ldp x23, x24, [sp, #32]\n\t"
                     "ldp x25, x26, [sp, #48]\n\t"
                     "ldp x27, x28, [sp, #64]\n\t"
                     "add sp, sp, #80"
                     : "+r"(x0), "+r"(x1)
                     :
                     : TIDE__CALLER_SAVED);
}
#else
#define TIDE__INLINE_SWITCH 0
static inline void tide__switch(tide__ctx_rec *save, tide__ctx_rec *load) {
    (void)save;
    (void)load; /* never called: the library's prepare steps say no */
}
static inline void tide__switch_keep(tide__ctx_rec *save, tide__ctx_rec *load) {
    (void)save;
    (void)load; /* never called either */
}
#endif

#endif
