/* x86-64 System V: the first code a new coroutine runs.
 *
 * Switches are inline (include/tide/switch.h, tide__switch): a switch
 * stores the stack pointer, its resume address and %rbp in the record of
 * the context it leaves (every other register is declared clobbered, so the
 * compiler keeps live values in its own frame), loads the other context's
 * %rsp and %rbp and jumps to its resume address.
 *
 * A new context's record, set by tide__ctx_init (coro.c), resumes here with
 * %rbp 0 and the stack holding [argument][entry function]; after popping
 * both, %rsp is 16-aligned for the call of entry(argument). entry never
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
    popq    %rdi
    popq    %rax
    callq   *%rax
    ud2
    .cfi_endproc
    .size   tide__ctx_start, .-tide__ctx_start

    .section .note.GNU-stack,"",@progbits
