/* AArch64 (AAPCS64): the first code a new coroutine runs; see
 * ctx_x86_64.S. Switches are inline (include/tide/switch.h): a suspended
 * context's record holds sp, its resume address and x29 (every other
 * register is declared clobbered). A new context's record, set by
 * tide__ctx_init (coro.c), resumes here with x29 0 and the stack holding
 * [argument][entry]: both are popped, leaving sp 16-aligned, and
 * entry(argument) is called; entry never returns. */
    .text
    .globl  tide__ctx_start
    .hidden tide__ctx_start
    .type   tide__ctx_start, %function
    .p2align 4
tide__ctx_start:
    ldp     x0, x1, [sp], #16
    blr     x1
    brk     #0
    .size   tide__ctx_start, .-tide__ctx_start

    .section .note.GNU-stack,"",%progbits
