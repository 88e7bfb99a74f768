/* AArch64 (AAPCS64) context switch; see ctx_x86_64.S for the contract.
 * Saves x19-x30 and d8-d15 (the callee-saved set) in a 176-byte frame, and
 * leaves through `br` rather than `ret` so the return predictor is not
 * trained on a return that never matches. A new context's frame holds
 * x19 = argument, x20 = entry function and x30 = tide__ctx_start. */
    .text
    .globl  tide__ctx_switch
    .hidden tide__ctx_switch
    .type   tide__ctx_switch, %function
    .p2align 4
tide__ctx_switch:
    sub     sp, sp, #176
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    stp     d8, d9, [sp, #96]
    stp     d10, d11, [sp, #112]
    stp     d12, d13, [sp, #128]
    stp     d14, d15, [sp, #144]
    mov     x2, sp
    str     x2, [x0]
    mov     sp, x1
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    ldp     d8, d9, [sp, #96]
    ldp     d10, d11, [sp, #112]
    ldp     d12, d13, [sp, #128]
    ldp     d14, d15, [sp, #144]
    add     sp, sp, #176
    br      x30
    .size   tide__ctx_switch, .-tide__ctx_switch

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
