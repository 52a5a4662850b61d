// Ring 3 on x86-64: per-CPU set-up (SMEP, SMAP, the SYSCALL MSRs) and the first entry to
// user mode.
#pragma once

#include <stdint.h>

namespace oh::kernel {

struct UserCpuFeatures {
    bool smep;
    bool smap;
};

// On each CPU, before it can run a user thread: CR4.SMEP/SMAP where CPUID has them, EFER.SCE,
// STAR/LSTAR/FMASK for syscall_entry, KERNEL_GS_BASE for SWAPGS.
void usermode_cpu_init();
UserCpuFeatures usermode_features(); // what usermode_cpu_init found (the BSP's)

// Whether an interrupt frame was pushed on entry from ring 3 (its CS has RPL 3).
bool frame_from_user(uint64_t cs);

} // namespace oh::kernel

// Leave for ring 3 at `rip` with stack `rsp`, interrupts on, every other register zero.
extern "C" [[noreturn]] void enter_user(uint64_t rip, uint64_t rsp);
