// Multiboot2 header (asks GRUB for the memory map, command line and ACPI RSDP) and the
// 32-bit entry that builds boot page tables, enters long mode and jumps to the higher half.
// [multiboot2 spec §3.1], [intel/vol3 9.8.5 "Initializing IA-32e Mode"]

#define MB2_MAGIC     0xE85250D6
#define KERNEL_VMA    0xFFFFFFFF80000000
#define PTE_P         0x1
#define PTE_W         0x2
#define PTE_PS        0x80

    .section .multiboot, "a"
    .align 8
mb2_header:
    .long MB2_MAGIC
    .long 0                                  // architecture: i386 protected mode
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
    // information request: command line (1), memory map (6), ACPI old (14) and new (15)
    .align 8
    .short 1, 0
    .long 8 + 4 * 4
    .long 1, 6, 14, 15
    .align 8
    .short 0, 0                              // end tag
    .long 8
mb2_header_end:

    .section .boot.bss, "aw", @nobits
    .align 4096
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_dir:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096 * 4               // 4 GiB of 2 MiB pages
boot_stack32:   .skip 4096
boot_stack32_top:

    .section .boot.data, "aw"
    .align 16
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF                 // 0x08: 64-bit code
    .quad 0x00CF92000000FFFF                 // 0x10: data
boot_gdt_end:
boot_gdtr:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt
boot_gdtr64:
    .short boot_gdt_end - boot_gdt - 1
    .quad boot_gdt

    .section .boot.text, "ax"
    .code32
    .global _start
_start:
    cli
    cld
    mov $boot_stack32_top, %esp
    mov %eax, %edi                           // multiboot2 magic -> first argument
    mov %ebx, %esi                           // multiboot2 info (physical) -> second

    // 2 MiB pages for 0..4 GiB: boot_pd[i] = i * 2 MiB | P | W | PS
    mov $boot_pd, %ebx
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $(PTE_P | PTE_W | PTE_PS), %eax
    mov %eax, (%ebx, %ecx, 8)
    mov %ecx, %eax
    shr $11, %eax                            // high dword of (i << 21)
    mov %eax, 4(%ebx, %ecx, 8)
    inc %ecx
    cmp $2048, %ecx
    jne 1b

    // identity 0..1 GiB (for this code), the direct map 0..4 GiB at PML4[256], and the
    // kernel's -2 GiB window at PML4[511]/PDPT[510] onto physical 0..1 GiB.
    mov $(boot_pd + (PTE_P | PTE_W)), %eax
    mov %eax, boot_pdpt_low
    mov %eax, boot_pdpt_high + 510 * 8
    mov $boot_pdpt_dir, %ebx
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $12, %eax
    add $(boot_pd + (PTE_P | PTE_W)), %eax
    mov %eax, (%ebx, %ecx, 8)
    inc %ecx
    cmp $4, %ecx
    jne 2b
    mov $(boot_pdpt_low + (PTE_P | PTE_W)), %eax
    mov %eax, boot_pml4
    mov $(boot_pdpt_dir + (PTE_P | PTE_W)), %eax
    mov %eax, boot_pml4 + 256 * 8
    mov $(boot_pdpt_high + (PTE_P | PTE_W)), %eax
    mov %eax, boot_pml4 + 511 * 8

    mov %cr4, %eax
    or $(1 << 5), %eax                       // PAE
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx                    // IA32_EFER
    rdmsr
    or $((1 << 8) | (1 << 11)), %eax         // LME, NXE
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax    // PG, WP, PE
    mov %eax, %cr0

    lgdt boot_gdtr
    ljmp $0x08, $long_mode

    .code64
long_mode:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    movabs $higher_half, %rax
    jmp *%rax

    .text
higher_half:
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp
    // edi/esi still hold the multiboot2 magic and info address
    call kernel_main
3:  cli
    hlt
    jmp 3b

    .section .bss
    .align 16
    .global boot_stack_bottom
boot_stack_bottom:
    .skip 32768
    .global boot_stack_top
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
