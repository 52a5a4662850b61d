// Ring 3 on x86-64: per-CPU set-up (SMEP, SMAP, SWAPGS).
#pragma once

#include <stdint.h>

namespace oh::kernel {

struct UserCpuFeatures {
    bool smep;
    bool smap;
};

// On each CPU, before it can run a user thread: CR4.SMEP/SMAP where CPUID has them,
// KERNEL_GS_BASE for SWAPGS.
void usermode_cpu_init();
UserCpuFeatures usermode_features(); // what usermode_cpu_init found (the BSP's)

// Whether an interrupt frame was pushed on entry from ring 3 (its CS has RPL 3).
bool frame_from_user(uint64_t cs);

} // namespace oh::kernel
