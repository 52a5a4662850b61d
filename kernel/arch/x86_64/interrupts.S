// Interrupt entry stubs: 256 stubs of 16 bytes each (so stub n is at isr_stubs + 16*n), and
// the common path that saves registers and calls interrupt_dispatch(InterruptFrame*).
// [intel/vol3 6.14 "Exception and interrupt handling in 64-bit mode"]

    .text
    .align 16
    .global isr_stubs
isr_stubs:
    .set vec, 0
    .rept 256
    .align 16
    // vectors that push an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX
    .if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    .else
    pushq $0
    .endif
    pushq $vec
    jmp isr_common
    .set vec, vec + 1
    .endr

isr_common:
    // From ring 3 (the CS the CPU pushed has RPL 3): SWAPGS to this CPU's GS base, and
    // clear RFLAGS.AC, which an interrupt gate keeps [intel/vol3 6.12.1.3] and which would
    // let the kernel touch user pages despite SMAP [intel/vol3 4.6.1].
    testb $3, 24(%rsp)
    jz 1f
    swapgs
    pushq $2
    popfq
1:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    mov %rsp, %rdi
    call interrupt_dispatch
    .global isr_return
isr_return:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    testb $3, 24(%rsp)
    jz 2f
    cli
    swapgs
2:
    add $16, %rsp
    iretq

    .section .note.GNU-stack, "", @progbits
