/* PendSV context switch and reset entry for ARMv7-M (ARMv7-M ARM §B1.5.6-8). */
    .syntax unified
    .thumb

/* PendSV runs at the lowest priority, so it never preempts another handler and the frame
 * it saves is always a thread's. The hardware already pushed r0-r3, r12, lr, pc, xPSR (and
 * s0-s15, FPSCR when the thread used the FPU, lazily); we save the rest. Bit 4 of
 * EXC_RETURN clear means an extended (FP) frame, so s16-s31 are live too. */
    .section .text.PendSV_Handler,"ax",%progbits
    .global PendSV_Handler
    .type PendSV_Handler, %function
    .thumb_func
PendSV_Handler:
    mrs     r0, psp
    isb
    tst     lr, #0x10
    it      eq
    vstmdbeq r0!, {s16-s31}
    stmdb   r0!, {r4-r11, lr}
    cpsid   i
    bl      oh_arm_switch
    cpsie   i
    ldmia   r0!, {r4-r11, lr}
    tst     lr, #0x10
    it      eq
    vldmiaeq r0!, {s16-s31}
    msr     psp, r0
    isb
    bx      lr
    .size PendSV_Handler, . - PendSV_Handler

/* Reset: enable the FPU before any compiled code can touch it, move thread mode onto the
 * process stack (the boot thread becomes the idle thread; handlers keep the main stack),
 * then continue in C++. */
    .section .text.Reset_Handler,"ax",%progbits
    .global Reset_Handler
    .type Reset_Handler, %function
    .thumb_func
Reset_Handler:
    ldr     r0, =0xE000ED88         /* CPACR: CP10, CP11 full access (§B3.2.20) */
    ldr     r1, [r0]
    orr     r1, r1, #(0xF << 20)
    str     r1, [r0]
    dsb
    isb
    ldr     r0, =__process_stack_top
    msr     psp, r0
    movs    r0, #2                  /* CONTROL.SPSEL = 1: thread mode uses PSP */
    msr     control, r0
    isb
    bl      oh_arm_reset
1:  b       1b
    .size Reset_Handler, . - Reset_Handler
