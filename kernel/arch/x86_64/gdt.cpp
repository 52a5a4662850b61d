// Builds and loads a CPU's GDT/TSS, then reloads the segment registers.
#include "kernel/arch/x86_64/gdt.h"

namespace oh::kernel {

namespace {

struct [[gnu::packed]] DescriptorPointer {
    uint16_t limit;
    uint64_t base;
};

} // namespace

void gdt_load(CpuTables& t, const uint64_t ist_tops[3])
{
    // [intel/vol3 3.4.5] code: L=1, P=1, DPL, S=1, type execute/read; data: P, S, write.
    t.gdt[0] = 0;
    t.gdt[1] = 0x00af9a000000ffffull; // kernel code
    t.gdt[2] = 0x00cf92000000ffffull; // kernel data
    t.gdt[3] = 0x00cff2000000ffffull; // user data (DPL 3)
    t.gdt[4] = 0x00affa000000ffffull; // user code (DPL 3)

    t.tss = {};
    for (int i = 0; i < 3; i++)
        t.tss.ist[i] = ist_tops[i];
    t.tss.iomap_base = sizeof(Tss);

    // 16-byte TSS descriptor, type 0x9 (available 64-bit TSS). [intel/vol3 8.2.3]
    uint64_t base = reinterpret_cast<uint64_t>(&t.tss);
    uint64_t limit = sizeof(Tss) - 1;
    t.gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
               (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    t.gdt[6] = base >> 32;

    DescriptorPointer gdtr { uint16_t(sizeof(t.gdt) - 1), reinterpret_cast<uint64_t>(t.gdt) };
    asm volatile("lgdt %0" ::"m"(gdtr));
    asm volatile(
        "pushq %[cs]\n"
        "leaq 1f(%%rip), %%rax\n"
        "pushq %%rax\n"
        "lretq\n"
        "1:\n"
        "movw %[ds], %%ax\n"
        "movw %%ax, %%ds\n"
        "movw %%ax, %%es\n"
        "movw %%ax, %%ss\n"
        :
        : [cs] "i"(kKernelCs), [ds] "i"(kKernelDs)
        : "rax", "memory");
    asm volatile("ltr %w0" ::"r"(kTssSel));
}

} // namespace oh::kernel
