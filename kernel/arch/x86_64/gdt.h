// Per-CPU GDT and TSS (64-bit): kernel/user segments and the IST stacks for #DF, NMI, #MC.
#pragma once

#include <stdint.h>

namespace oh::kernel {

constexpr uint16_t kKernelCs = 0x08;
constexpr uint16_t kKernelDs = 0x10;
constexpr uint16_t kUserDs = 0x18 | 3;
constexpr uint16_t kUserCs = 0x20 | 3;
constexpr uint16_t kTssSel = 0x28;

// [intel/vol3 8.7 "Task management in 64-bit mode"], figure 8-11
struct [[gnu::packed]] Tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);

struct CpuTables {
    alignas(16) uint64_t gdt[7];
    Tss tss;
};

constexpr int kIstDoubleFault = 1;
constexpr int kIstNmi = 2;
constexpr int kIstMachineCheck = 3;

// Fill and load this CPU's GDT and TSS; ist_stacks[i] is the top of IST stack i+1.
void gdt_load(CpuTables& t, const uint64_t ist_tops[3]);

} // namespace oh::kernel
