// Application processor start-up code: copied to physical 0x8000 and entered in real mode
// by the STARTUP IPI (vector 0x08 -> CS:IP 0800:0000). It switches to protected mode, then
// long mode with the kernel's CR3, and jumps to ap_entry(Cpu*) on the stack the BSP left.
// [intel/vol3 9.4.4 "MP initialization example"], [intel/vol3 9.9 "Mode switching"]

#define TRAMPOLINE_BASE 0x8000
#define REL(x) ((x) - trampoline_start + TRAMPOLINE_BASE)

    .section .trampoline, "a"
    .global trampoline_start, trampoline_end
    .global trampoline_cr3, trampoline_stack, trampoline_entry, trampoline_cpu

    .code16
trampoline_start:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl REL(tramp_gdtr)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $REL(tramp32)

    .code32
tramp32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $((1 << 5) | (1 << 7)), %eax        // PAE, PGE
    movl %eax, %cr4
    movl REL(trampoline_cr3), %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax      // LME, NXE
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16)), %eax     // PG, WP
    movl %eax, %cr0
    ljmpl $0x18, $REL(tramp64)

    .code64
tramp64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movq REL(trampoline_stack), %rsp
    movq REL(trampoline_cpu), %rdi
    movq REL(trampoline_entry), %rax
    xorl %ebp, %ebp
    jmp *%rax

    .align 16
tramp_gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF                // 0x08: 32-bit code
    .quad 0x00CF92000000FFFF                // 0x10: data
    .quad 0x00AF9A000000FFFF                // 0x18: 64-bit code
tramp_gdt_end:
tramp_gdtr:
    .short tramp_gdt_end - tramp_gdt - 1
    .long REL(tramp_gdt)

    .align 8
trampoline_cr3:   .quad 0
trampoline_stack: .quad 0
trampoline_entry: .quad 0
trampoline_cpu:   .quad 0
trampoline_end:

    .section .note.GNU-stack, "", @progbits
