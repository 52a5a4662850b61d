// SMEP/SMAP and SWAPGS set-up, per CPU.
#include "kernel/arch/x86_64/usermode.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/console/console.h"

namespace oh::kernel {

namespace {

// [intel/vol3 2.5] CR4 bits; [intel/vol2a CPUID leaf 07H] EBX feature bits.
constexpr uint64_t kCr4Smep = 1ull << 20;
constexpr uint64_t kCr4Smap = 1ull << 21;
constexpr uint32_t kCpuid7Smep = 1u << 7;
constexpr uint32_t kCpuid7Smap = 1u << 20;

constinit UserCpuFeatures s_features {};

} // namespace

void usermode_cpu_init()
{
    uint32_t a, b, c, d;
    x86::cpuid(0, 0, a, b, c, d);
    uint32_t ebx7 = 0;
    if (a >= 7)
        x86::cpuid(7, 0, a, ebx7, c, d);
    UserCpuFeatures f { bool(ebx7 & kCpuid7Smep), bool(ebx7 & kCpuid7Smap) };
    // [intel/vol3 4.6.1] SMEP: no instruction fetch from user pages in ring 0. SMAP: no
    // data access to user pages in ring 0 (the kernel copies through the direct map).
    uint64_t cr4 = x86::read_cr4();
    if (f.smep)
        cr4 |= kCr4Smep;
    if (f.smap)
        cr4 |= kCr4Smap;
    x86::write_cr4(cr4);

    // SWAPGS exchanges GS_BASE (this CPU's Cpu while in the kernel) with KERNEL_GS_BASE (the
    // user's GS base: 0, user programs cannot change it without CR4.FSGSBASE).
    x86::wrmsr(x86::msr::kKernelGsBase, 0);
    if (this_cpu().index == 0) {
        s_features = f;
        printk("user: smep %s, smap %s\n", f.smep ? "on" : "absent",
               f.smap ? "on" : "absent");
    }
}

UserCpuFeatures usermode_features() { return s_features; }

bool frame_from_user(uint64_t cs) { return (cs & 3) == 3; }

} // namespace oh::kernel
