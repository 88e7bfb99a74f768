/* AArch64 (AAPCS64): the first code a new coroutine runs; see
 * ctx_x86_64.S. Switches are inline (include/tide/switch.h): a suspended
 * context's 176-byte frame holds x19-x30 and d8-d15, with the resume address
 * in the x30 slot. A new context's frame, laid out by tide__ctx_init
 * (coro.c), holds x19 = argument, x20 = entry function and
 * x30 = tide__ctx_start, which calls entry(argument); entry never returns. */
    .text
    .globl  tide__ctx_start
    .hidden tide__ctx_start
    .type   tide__ctx_start, %function
    .p2align 4
tide__ctx_start:
    mov     x0, x19
    blr     x20
    brk     #0
    .size   tide__ctx_start, .-tide__ctx_start

    .section .note.GNU-stack,"",%progbits
