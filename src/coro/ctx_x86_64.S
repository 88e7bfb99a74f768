/* x86-64 System V: the first code a new coroutine runs.
 *
 * Switches are inline (include/tide/switch.h, tide__switch): the switch
 * pushes a resume address and the callee-saved registers, stores the stack
 * pointer, loads the other context's and pops its frame, so every suspended
 * context has this on top of its stack:
 *     [r15][r14][r13][r12][rbx][rbp][resume address]
 *
 * A new context's stack is laid out by tide__ctx_init (coro.c) so that the
 * pops load r12 = argument, r13 = entry function and resume at
 * tide__ctx_start, which calls entry(argument) with an aligned stack. entry
 * never returns (a finished coroutine switches away for good).
 * MXCSR and the x87 control word are shared by all coroutines of a thread
 * (documented in include/tide/coro.h), so they are not switched.
 */
    .text
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
