// The kernel's virtual address layout and physical<->virtual conversions.
#pragma once

#include <stdint.h>

namespace oh::kernel {

// All physical memory (and the 3-4 GiB MMIO hole) is mapped at kDirectMapBase.
constexpr uint64_t kDirectMapBase = 0xffff800000000000ull;
// The kernel image: physical P is at kKernelBase + P.
constexpr uint64_t kKernelBase = 0xffffffff80000000ull;
// Kernel stacks with guard pages live here (PML4 slot 510).
constexpr uint64_t kStackRegionBase = 0xffffff0000000000ull;
constexpr uint64_t kStackRegionSize = 1ull << 36;

constexpr uint64_t kPageSize = 4096;

inline void* phys_to_virt(uint64_t phys) { return reinterpret_cast<void*>(kDirectMapBase + phys); }
inline uint64_t virt_to_phys(const void* v)
{
    auto a = reinterpret_cast<uint64_t>(v);
    if (a >= kKernelBase)
        return a - kKernelBase;
    return a - kDirectMapBase;
}

} // namespace oh::kernel
