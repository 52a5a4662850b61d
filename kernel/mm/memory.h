// Kernel memory: physical frames, the kernel's page tables, guarded stacks, and the heap.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/boot/multiboot2.h"
#include "lib/result.h"

namespace oh::kernel {

// Physical frames, from the multiboot2 memory map (the kernel image, the boot information,
// the first MiB and the allocator's own bitmap are kept out).
void frames_init(const BootInfo& boot, uint64_t boot_info_phys);
Result<uint64_t> frame_alloc(size_t count = 1, uint64_t below = UINT64_MAX); // physical address
void frame_free(uint64_t phys, size_t count = 1);
size_t frames_free();
size_t frames_total();

// Build the final page tables (direct map with MMIO uncached, kernel image with W^X and NX,
// the AP trampoline page identity-mapped) and switch to them.
void paging_init();
uint64_t kernel_cr3();
// Give a new top-level table (a user address space's) the kernel's upper half: entries
// 256..511, supervisor-only. From then on no new kernel top-level entry may appear.
void copy_kernel_half(uint64_t* pml4);
enum class MapFlags : uint32_t { Read = 0, Write = 1, Exec = 2, Uncached = 4 };
constexpr MapFlags operator|(MapFlags a, MapFlags b) { return MapFlags(uint32_t(a) | uint32_t(b)); }
Result<void> map_page(uint64_t va, uint64_t pa, MapFlags flags);
void unmap_page(uint64_t va);
// Physical address behind `va` in the kernel tables (0 when unmapped).
uint64_t translate(uint64_t va);

// Kernel stacks: kStackPages mapped pages with an unmapped guard page below them.
constexpr size_t kStackPages = 4;
struct KernelStack {
    uint64_t bottom; // lowest mapped address
    uint64_t top;    // initial stack pointer
};
Result<KernelStack> stack_alloc();
void stack_free(const KernelStack& s);

// Heap.
void heap_init(size_t bytes);
void* kmalloc(size_t size);
void* kzalloc(size_t size);
void kfree(void* p);
struct HeapStats {
    size_t bytes_free, bytes_used, allocations;
};
HeapStats heap_stats();
bool heap_check();

} // namespace oh::kernel
