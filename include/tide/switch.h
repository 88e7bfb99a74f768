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
 * A switch inside a function (src/coro's tide__coro_switch) is inline too:
 * a call to an assembly switch leaves a return address that is never
 * returned to, and measured 8.5 ns per switch here against 3.2 inline.
 *
 * A suspended context's frame is the callee-saved registers over its resume
 * label; a new context's is laid out by tide__ctx_init to resume at
 * tide__ctx_start (src/coro/ctx_*.S).
 */
#ifndef TIDE_SWITCH_H
#define TIDE_SWITCH_H

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
/* Builds the frame [r15 ... rbp][resume] (see src/coro/ctx_x86_64.S),
 * after stepping over the 128-byte red zone below %rsp, which may hold the
 * caller's data. The callee-saved registers travel in the frame; the others
 * are declared clobbered. */
static inline __attribute__((always_inline)) void tide__switch(void **save, void *load) {
    __asm__ volatile("leaq -128(%%rsp), %%rsp\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "pushq %%rbp\n\t"
                     "pushq %%rbx\n\t"
                     "pushq %%r12\n\t"
                     "pushq %%r13\n\t"
                     "pushq %%r14\n\t"
                     "pushq %%r15\n\t"
                     "movq %%rsp, (%%rdi)\n\t"
                     "movq %%rsi, %%rsp\n\t"
                     "popq %%r15\n\t"
                     "popq %%r14\n\t"
                     "popq %%r13\n\t"
                     "popq %%r12\n\t"
                     "popq %%rbx\n\t"
                     "popq %%rbp\n\t"
                     "popq %%rax\n\t"
                     "jmpq *%%rax\n"
                     "1:\n\t"
                     "leaq 128(%%rsp), %%rsp"
                     : "+D"(save), "+S"(load)
                     :
                     : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "memory", "cc", "xmm0",
                       "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                       "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "st", "st(1)",
                       "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)" TIDE__ZMM_CLOBBERS);
}
#elif defined(__aarch64__)
#define TIDE__INLINE_SWITCH 1
/* The 176-byte frame (see src/coro/ctx_aarch64.S), with the resume label
 * in the x30 slot. x18 is clobbered too: on Linux it is an ordinary
 * temporary that the compiler may keep live across the asm. */
static inline __attribute__((always_inline)) void tide__switch(void **save, void *load) {
    register void **x0 __asm__("x0") = save;
    register void *x1 __asm__("x1") = load;
    __asm__ volatile("sub sp, sp, #176\n\t"
                     "adr x30, 1f\n\t"
                     "stp x19, x20, [sp, #0]\n\t"
                     "stp x21, x22, [sp, #16]\n\t"
                     "stp x23, x24, [sp, #32]\n\t"
                     "stp x25, x26, [sp, #48]\n\t"
                     "stp x27, x28, [sp, #64]\n\t"
                     "stp x29, x30, [sp, #80]\n\t"
                     "stp d8, d9, [sp, #96]\n\t"
                     "stp d10, d11, [sp, #112]\n\t"
                     "stp d12, d13, [sp, #128]\n\t"
                     "stp d14, d15, [sp, #144]\n\t"
                     "mov x2, sp\n\t"
                     "str x2, [x0]\n\t"
                     "mov sp, x1\n\t"
                     "ldp x19, x20, [sp, #0]\n\t"
                     "ldp x21, x22, [sp, #16]\n\t"
                     "ldp x23, x24, [sp, #32]\n\t"
                     "ldp x25, x26, [sp, #48]\n\t"
                     "ldp x27, x28, [sp, #64]\n\t"
                     "ldp x29, x30, [sp, #80]\n\t"
                     "ldp d8, d9, [sp, #96]\n\t"
                     "ldp d10, d11, [sp, #112]\n\t"
                     "ldp d12, d13, [sp, #128]\n\t"
                     "ldp d14, d15, [sp, #144]\n\t"
                     "add sp, sp, #176\n\t"
                     "br x30\n"
                     "1:"
                     : "+r"(x0), "+r"(x1)
                     :
                     : "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
                       "x13", "x14", "x15", "x16", "x17", "x18", "x30", "memory", "cc", "v0", "v1",
                       "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12",
                       "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22",
                       "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");
}
#else
#define TIDE__INLINE_SWITCH 0
static inline void tide__switch(void **save, void *load) {
    (void)save;
    (void)load; /* never called: the library's prepare steps say no */
}
#endif

#endif
