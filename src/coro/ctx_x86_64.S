/* x86-64 System V: the first code a new coroutine runs.
 *
 * Switches are inline (include/tide/switch.h, tide__switch): the switch
 * pushes %rbp and a resume address (every other register is declared
 * clobbered, so the compiler keeps live values in its own frame), stores
 * the stack pointer, loads the other context's and pops its resume
 * address, so every suspended context has this on top of its stack:
 *     [resume address][rbp]
 *
 * A new context's stack is laid out by tide__ctx_init (coro.c) as
 *     [tide__ctx_start][0][argument][entry function]
 * so the switch lands here with the other three words still to pop; after
 * them %rsp is 16-aligned for the call of entry(argument). entry never
 * returns (a finished coroutine switches away for good).
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
    popq    %rbp
    popq    %rdi
    popq    %rax
    callq   *%rax
    ud2
    .cfi_endproc
    .size   tide__ctx_start, .-tide__ctx_start

    .section .note.GNU-stack,"",@progbits
