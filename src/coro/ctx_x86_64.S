/* x86-64 System V context switch, out of line.
 *
 * tide__ctx_switch(void **save_sp, void *load_sp)
 *   Pushes the callee-saved registers on the current stack, stores the stack
 *   pointer in *save_sp, loads load_sp and pops the other context's registers.
 *   It ends with pop + indirect jmp instead of ret: the return-stack predictor
 *   would otherwise mispredict every switch (it expects to return to the
 *   caller of this call, not to the other context's caller).
 *
 * Every suspended context has this frame on top of its stack:
 *     [r15][r14][r13][r12][rbx][rbp][resume address]
 * Here the resume address is the return address the call pushed; the inline
 * switch (include/tide/switch.h) pushes its own resume label first and then
 * the registers, so either kind of switch can resume the other.
 *
 * A new context's stack is laid out by tide__ctx_init (coro.c) so that the
 * pops load r12 = argument, r13 = entry function and "return" to
 * tide__ctx_start, which calls entry(argument) with an aligned stack.
 * MXCSR and the x87 control word are shared by all coroutines of a thread
 * (documented in include/tide/coro.h), so they are not switched.
 */
    .text
    .globl  tide__ctx_switch
    .hidden tide__ctx_switch
    .type   tide__ctx_switch, @function
    .p2align 4
tide__ctx_switch:
    .cfi_startproc
    pushq   %rbp
    pushq   %rbx
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    movq    %rsp, (%rdi)
    movq    %rsi, %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbx
    popq    %rbp
    popq    %rcx
    jmpq    *%rcx
    .cfi_endproc
    .size   tide__ctx_switch, .-tide__ctx_switch

    .globl  tide__ctx_start
    .hidden tide__ctx_start
    .type   tide__ctx_start, @function
    .p2align 4
tide__ctx_start:
    .cfi_startproc
    .cfi_undefined rip
    movq    %r12, %rdi
    callq   *%r13
    ud2
    .cfi_endproc
    .size   tide__ctx_start, .-tide__ctx_start

    .section .note.GNU-stack,"",@progbits
