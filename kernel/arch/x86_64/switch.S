// Kernel thread context switch: callee-saved registers on the old stack, then the new one.
// void switch_context(uint64_t* save_rsp, uint64_t new_rsp)

    .text
    .global switch_context
switch_context:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

// First "return" of a new thread lands here, on a 16-byte aligned stack.
    .global thread_trampoline
thread_trampoline:
    xorl %ebp, %ebp
    call thread_start
    ud2

    .section .note.GNU-stack, "", @progbits
