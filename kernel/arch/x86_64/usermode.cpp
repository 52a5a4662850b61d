// SMEP/SMAP and SYSCALL/SYSRET set-up, per CPU.
#include "kernel/arch/x86_64/usermode.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/console/console.h"

extern "C" void syscall_entry();

namespace oh::kernel {

namespace {

// [intel/vol3 2.5] CR4 bits; [intel/vol2a CPUID leaf 07H] EBX feature bits.
constexpr uint64_t kCr4Smep = 1ull << 20;
constexpr uint64_t kCr4Smap = 1ull << 21;
constexpr uint32_t kCpuid7Smep = 1u << 7;
constexpr uint32_t kCpuid7Smap = 1u << 20;

// [intel/vol3 2.2.1, 5.8.8 "Fast system calls in 64-bit mode"] MSRs and EFER.SCE.
constexpr uint32_t kMsrStar = 0xc0000081;
constexpr uint32_t kMsrLstar = 0xc0000082;
constexpr uint32_t kMsrFmask = 0xc0000084;
constexpr uint64_t kEferSce = 1ull << 0;

// RFLAGS cleared on SYSCALL: TF (8), IF (9), DF (10), NT (14), AC (18). IF stays off until
// the entry code is on the kernel stack; AC off keeps SMAP enforced in the kernel.
constexpr uint64_t kSyscallFlagMask = (1ull << 8) | (1ull << 9) | (1ull << 10) | (1ull << 14) | (1ull << 18);

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

    // [intel/vol2b SYSCALL, SYSRET] SYSCALL loads CS = STAR[47:32], SS = STAR[47:32] + 8;
    // 64-bit SYSRET loads CS = STAR[63:48] + 16, SS = STAR[63:48] + 8, both with RPL 3.
    // The GDT (gdt.cpp) has kernel code 0x08, kernel data 0x10, user data 0x18, user code
    // 0x20, so STAR[63:48] = 0x10 gives SS 0x1b and CS 0x23.
    static_assert(kUserDs == ((kKernelDs + 8) | 3) && kUserCs == ((kKernelDs + 16) | 3));
    x86::wrmsr(kMsrStar, (uint64_t(kKernelDs | 3) << 48) | (uint64_t(kKernelCs) << 32));
    x86::wrmsr(kMsrLstar, reinterpret_cast<uint64_t>(&syscall_entry));
    x86::wrmsr(kMsrFmask, kSyscallFlagMask);
    x86::wrmsr(x86::msr::kEfer, x86::rdmsr(x86::msr::kEfer) | kEferSce);
    // SWAPGS exchanges GS_BASE (this CPU's Cpu while in the kernel) with KERNEL_GS_BASE (the
    // user's GS base: 0, user programs cannot change it without CR4.FSGSBASE).
    x86::wrmsr(x86::msr::kKernelGsBase, 0);
    if (this_cpu().index == 0) {
        s_features = f;
        printk("user: smep %s, smap %s, syscall/sysret on\n", f.smep ? "on" : "absent",
               f.smap ? "on" : "absent");
    }
}

UserCpuFeatures usermode_features() { return s_features; }

bool frame_from_user(uint64_t cs) { return (cs & 3) == 3; }

} // namespace oh::kernel
