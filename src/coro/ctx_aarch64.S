/* AArch64 (AAPCS64): the first code a new coroutine runs; see
 * ctx_x86_64.S. Switches are inline (include/tide/switch.h): a suspended
 * context's 16-byte frame holds x29 and its resume address (every other
 * register is declared clobbered). A new context's frame, laid out by
 * tide__ctx_init (coro.c), is [x29 = 0][tide__ctx_start][argument][entry]:
 * the switch pops the first pair and branches here, which pops the second
 * and calls entry(argument) with sp 16-aligned; entry never returns. */
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
