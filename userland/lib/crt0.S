// Program start-up: the kernel enters at _start with RSP 16-byte aligned and every other
// register zero; main's return value becomes the exit code (Sys::Exit = 0).
    .text
    .global _start
_start:
    xorl %ebp, %ebp
    call main
    movl %eax, %edi
    xorl %eax, %eax
    syscall
    ud2

    .section .note.GNU-stack, "", @progbits
