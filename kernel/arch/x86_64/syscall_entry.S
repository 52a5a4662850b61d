// SYSCALL entry and the way back to ring 3 (SYSRET, or IRETQ when SYSRET cannot be used),
// and the first entry of a process into ring 3. [intel/vol3 5.8.8 "Fast system calls in
// 64-bit mode"; intel/vol2b SYSCALL, SYSRET, SWAPGS]
// The frame built here has the layout of InterruptFrame (interrupts.h), so the return
// through isr_return and the fault reports read it the same way.

#define USER_DS 0x1b
#define USER_CS 0x23
#define SYSCALL_VECTOR 0x100   /* in InterruptFrame::vector: no CPU vector is this big */

    .text
    .global syscall_entry
syscall_entry:
    // SYSCALL left RIP in RCX, RFLAGS in R11 (then masked by FMASK: IF, DF, AC off), kept
    // the user's RSP, and did not touch GS: SWAPGS first, then the thread's kernel stack.
    swapgs
    movq %rsp, %gs:24
    movq %gs:16, %rsp
    pushq $USER_DS
    pushq %gs:24
    pushq %r11
    pushq $USER_CS
    pushq %rcx
    pushq $0
    pushq $SYSCALL_VECTOR
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
    xorl %ebp, %ebp          // backtraces stop here, not in user frames
    movq %rsp, %rdi
    sti                      // system calls are preemptible, like any kernel thread
    call syscall_dispatch
    cli
    // SYSRET loads RIP from RCX and faults in ring 0 (with the user's RSP already loaded)
    // when RCX is not canonical [intel/vol2b SYSRET]; the user layout keeps the top of the
    // user half unmapped, and this check covers any frame the kernel changed: a RIP outside
    // the lower half leaves through IRETQ, whose fault is taken in ring 3.
    movq 17*8(%rsp), %rcx
    shrq $47, %rcx
    jnz isr_return
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
    movq 16(%rsp), %rcx      // RIP
    movq 32(%rsp), %r11      // RFLAGS
    movq 40(%rsp), %rsp      // the user's stack; interrupts stay off until SYSRET
    swapgs
    sysretq

// void enter_user(uint64_t rip, uint64_t rsp): an IRETQ frame for ring 3, registers cleared
// so nothing of the kernel leaks into the program.
    .global enter_user
enter_user:
    cli
    pushq $USER_DS
    pushq %rsi
    pushq $0x202             // IF on, reserved bit 1
    pushq $USER_CS
    pushq %rdi
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %edi, %edi
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    swapgs
    iretq

    .section .note.GNU-stack, "", @progbits
