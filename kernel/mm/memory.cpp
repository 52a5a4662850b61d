// Frames, page tables, stacks with guard pages, and the locked kernel heap.
#include "kernel/mm/memory.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/console/console.h"
#include "lib/mm/frame_bitmap.h"
#include "lib/mm/heap_allocator.h"
#include "kernel/mm/layout.h"
#include "kernel/sync/spinlock.h"
#include "lib/bytes.h"

extern "C" uint8_t _kernel_phys_start[], _kernel_phys_end[], _text_start[], _text_end[],
    _rodata_start[], _rodata_end[], _data_start[], _kernel_end[];

namespace oh::kernel {

namespace {

// [intel/vol3 4.5] page-table entry bits
constexpr uint64_t kPtePresent = 1ull << 0;
constexpr uint64_t kPteWrite = 1ull << 1;
constexpr uint64_t kPteWriteThrough = 1ull << 3;
constexpr uint64_t kPteCacheDisable = 1ull << 4;
constexpr uint64_t kPteHuge = 1ull << 7;
constexpr uint64_t kPteGlobal = 1ull << 8;
constexpr uint64_t kPteNx = 1ull << 63;
constexpr uint64_t kPteAddr = 0x000ffffffffff000ull;

constexpr uint64_t kTrampolinePhys = 0x8000;

constinit FrameBitmap s_frames;
constinit SpinLock s_frames_lock;
constinit SpinLock s_pt_lock;
constinit uint64_t s_cr3 = 0;
constinit uint64_t s_ram_top = 0;

constinit HeapAllocator s_heap;
constinit SpinLock s_heap_lock;

constexpr size_t kMaxStacks = 1024;
constexpr uint64_t kStackSlot = (kStackPages + 1) * kPageSize;
constinit KernelStack s_stack_cache[64] {};
constinit size_t s_stack_cache_count = 0;
constinit size_t s_stack_slots_used = 0;
constinit SpinLock s_stack_lock;

uint64_t* table_at(uint64_t phys) { return static_cast<uint64_t*>(phys_to_virt(phys)); }

uint64_t zeroed_frame()
{
    auto f = frame_alloc();
    if (f.is_error())
        panic("out of memory for page tables");
    fill_bytes(phys_to_virt(f.value()), 0, kPageSize);
    return f.value();
}

// Once user address spaces exist, each holds a copy of the kernel's top-level entries
// 256..511: a new top-level table after that would be missing from them.
constinit bool s_kernel_half_frozen = false;

// The entry for `va` at level 1 (4 KiB), creating intermediate tables.
uint64_t* walk(uint64_t va, bool create)
{
    uint64_t* table = table_at(s_cr3);
    for (int level = 3; level >= 1; level--) {
        size_t idx = (va >> (12 + 9 * level)) & 511;
        uint64_t e = table[idx];
        if (!(e & kPtePresent)) {
            if (!create || (level == 3 && s_kernel_half_frozen))
                return nullptr;
            e = zeroed_frame() | kPtePresent | kPteWrite;
            table[idx] = e;
        } else if (e & kPteHuge) {
            return nullptr; // a 2 MiB mapping: not split here
        }
        table = table_at(e & kPteAddr);
    }
    return &table[(va >> 12) & 511];
}

uint64_t pte_flags(MapFlags f)
{
    uint64_t v = kPtePresent | kPteGlobal;
    if (uint32_t(f) & uint32_t(MapFlags::Write))
        v |= kPteWrite;
    if (!(uint32_t(f) & uint32_t(MapFlags::Exec)))
        v |= kPteNx;
    if (uint32_t(f) & uint32_t(MapFlags::Uncached))
        v |= kPteCacheDisable | kPteWriteThrough;
    return v;
}

void map_direct_2m(uint64_t pml4_phys, uint64_t phys, bool uncached)
{
    uint64_t va = kDirectMapBase + phys;
    uint64_t* table = table_at(pml4_phys);
    for (int level = 3; level >= 2; level--) {
        size_t idx = (va >> (12 + 9 * level)) & 511;
        if (!(table[idx] & kPtePresent))
            table[idx] = zeroed_frame() | kPtePresent | kPteWrite;
        table = table_at(table[idx] & kPteAddr);
    }
    uint64_t e = phys | kPtePresent | kPteWrite | kPteHuge | kPteGlobal | kPteNx;
    if (uncached)
        e |= kPteCacheDisable | kPteWriteThrough;
    table[(va >> 21) & 511] = e;
}

} // namespace

void frames_init(const BootInfo& boot, uint64_t boot_info_phys)
{
    uint64_t top = 0;
    for (size_t i = 0; i < boot.range_count; i++)
        if (boot.ranges[i].type == 1 && boot.ranges[i].base + boot.ranges[i].length > top)
            top = boot.ranges[i].base + boot.ranges[i].length;
    s_ram_top = top;
    size_t frames = top / kPageSize;
    size_t bitmap_bytes = align_up<size_t>((frames + 63) / 64 * 8, kPageSize);

    // The bitmap goes right after the kernel image (and after the boot info if GRUB put it
    // there); both are below 1 GiB, inside the boot direct map.
    // GRUB loads the boot modules (the user programs) after the kernel too.
    uint64_t kernel_end = uint64_t(_kernel_phys_end);
    uint64_t info_end = align_up<uint64_t>(boot_info_phys + boot.total_size, kPageSize);
    uint64_t used_end = kernel_end > info_end ? kernel_end : info_end;
    for (size_t i = 0; i < boot.module_count; i++)
        if (boot.modules[i].end > used_end && boot.modules[i].end < (1ull << 30))
            used_end = boot.modules[i].end;
    uint64_t bitmap_phys = align_up<uint64_t>(used_end, kPageSize);
    s_frames.init(static_cast<uint64_t*>(phys_to_virt(bitmap_phys)), frames);
    for (size_t i = 0; i < boot.range_count; i++) {
        const MemoryRange& r = boot.ranges[i];
        if (r.type != 1)
            continue;
        uint64_t first = align_up<uint64_t>(r.base, kPageSize) / kPageSize;
        uint64_t last = align_down<uint64_t>(r.base + r.length, kPageSize) / kPageSize;
        if (last > first)
            s_frames.mark_free(first, last - first);
    }
    s_frames.mark_used(0, 0x100000 / kPageSize); // BIOS data, EBDA, the AP trampoline
    uint64_t kstart = uint64_t(_kernel_phys_start) / kPageSize;
    s_frames.mark_used(kstart, (bitmap_phys + bitmap_bytes) / kPageSize - kstart);
    uint64_t info_first = boot_info_phys / kPageSize;
    s_frames.mark_used(info_first, info_end / kPageSize - info_first);
    // Modules stay where GRUB put them for as long as the kernel runs (programs load from them).
    for (size_t i = 0; i < boot.module_count; i++) {
        const BootModule& m = boot.modules[i];
        uint64_t first = m.start / kPageSize;
        uint64_t last = align_up<uint64_t>(m.end, kPageSize) / kPageSize;
        if (last > first && last <= frames)
            s_frames.mark_used(first, last - first);
    }
}

Result<uint64_t> frame_alloc(size_t count, uint64_t below)
{
    SpinLockIrqGuard guard(s_frames_lock);
    size_t limit = below == UINT64_MAX ? SIZE_MAX : size_t(below / kPageSize);
    auto f = s_frames.allocate(count, limit);
    if (f.is_error())
        return f.error();
    return uint64_t(f.value()) * kPageSize;
}

void frame_free(uint64_t phys, size_t count)
{
    SpinLockIrqGuard guard(s_frames_lock);
    if (s_frames.free(phys / kPageSize, count).is_error())
        printk("mm: bad frame_free(%lx, %zu) ignored\n", phys, count);
}

size_t frames_free() { return s_frames.free_count(); }
size_t frames_total() { return s_frames.frame_count(); }

void paging_init()
{
    uint64_t pml4 = zeroed_frame();
    // Direct map: RAM write-back; everything above RAM up to 4 GiB (the PCI/APIC hole) UC.
    uint64_t direct_top = s_ram_top > (4ull << 30) ? align_up<uint64_t>(s_ram_top, 2ull << 20) : (4ull << 30);
    for (uint64_t p = 0; p < direct_top; p += 2ull << 20)
        map_direct_2m(pml4, p, p >= s_ram_top && p < (4ull << 30));
    s_cr3 = pml4;

    // Kernel image, 4 KiB pages: text RX, rodata R, data/bss RW+NX.
    auto map_range = [](uint8_t* start, uint8_t* end, MapFlags flags) {
        for (uint64_t va = align_down<uint64_t>(uint64_t(start), kPageSize); va < uint64_t(end); va += kPageSize)
            if (map_page(va, va - kKernelBase, flags).is_error())
                panic("paging: cannot map kernel");
    };
    map_range(_text_start, _text_end, MapFlags::Exec);
    map_range(_rodata_start, _rodata_end, MapFlags::Read);
    map_range(_data_start, _kernel_end, MapFlags::Write);
    // The SMP trampoline runs at its physical address while it turns paging on.
    if (map_page(kTrampolinePhys, kTrampolinePhys, MapFlags::Write | MapFlags::Exec).is_error())
        panic("paging: cannot map trampoline");

    // The stack region's top-level table now, before any user address space copies the
    // kernel half (the image's and the direct map's exist already).
    {
        uint64_t* pml4 = table_at(s_cr3);
        size_t slot = (kStackRegionBase >> 39) & 511;
        if (!(pml4[slot] & kPtePresent))
            pml4[slot] = zeroed_frame() | kPtePresent | kPteWrite;
    }

    // CR4.PGE for global pages; EFER.NXE was set by the boot code.
    x86::write_cr4(x86::read_cr4() | (1 << 7));
    x86::write_cr3(s_cr3);
}

uint64_t kernel_cr3() { return s_cr3; }

void copy_kernel_half(uint64_t* pml4)
{
    {
        SpinLockIrqGuard guard(s_pt_lock);
        s_kernel_half_frozen = true;
    }
    const uint64_t* k = table_at(s_cr3);
    for (size_t i = 256; i < 512; i++)
        pml4[i] = k[i];
}

Result<void> map_page(uint64_t va, uint64_t pa, MapFlags flags)
{
    SpinLockIrqGuard guard(s_pt_lock);
    uint64_t* e = walk(va, true);
    if (!e)
        return { Error::Busy, "covered by a large page" };
    *e = (pa & kPteAddr) | pte_flags(flags);
    x86::invlpg(va);
    return {};
}

void unmap_page(uint64_t va)
{
    SpinLockIrqGuard guard(s_pt_lock);
    if (uint64_t* e = walk(va, false)) {
        *e = 0;
        x86::invlpg(va);
    }
}

uint64_t translate(uint64_t va)
{
    SpinLockIrqGuard guard(s_pt_lock);
    uint64_t* table = table_at(s_cr3);
    for (int level = 3; level >= 0; level--) {
        uint64_t e = table[(va >> (12 + 9 * level)) & 511];
        if (!(e & kPtePresent))
            return 0;
        if (level == 0)
            return (e & kPteAddr) | (va & 0xfff);
        if (e & kPteHuge) {
            uint64_t size = 1ull << (12 + 9 * level);
            return (e & kPteAddr & ~(size - 1)) | (va & (size - 1));
        }
        table = table_at(e & kPteAddr);
    }
    return 0;
}

Result<KernelStack> stack_alloc()
{
    size_t index;
    {
        SpinLockIrqGuard guard(s_stack_lock);
        // Freed stacks keep their pages and mappings, so no other CPU can hold a stale TLB
        // entry for a slot that now points at different frames.
        if (s_stack_cache_count)
            return s_stack_cache[--s_stack_cache_count];
        if (s_stack_slots_used == kMaxStacks)
            return Error::NoMemory;
        index = s_stack_slots_used++;
    }
    uint64_t slot = kStackRegionBase + index * kStackSlot;
    uint64_t bottom = slot + kPageSize; // slot's first page stays unmapped: the guard
    for (size_t i = 0; i < kStackPages; i++) {
        auto f = frame_alloc();
        if (f.is_error())
            return Error::NoMemory;
        TRY(map_page(bottom + i * kPageSize, f.value(), MapFlags::Write));
    }
    return KernelStack { bottom, bottom + kStackPages * kPageSize };
}

void stack_free(const KernelStack& s)
{
    SpinLockIrqGuard guard(s_stack_lock);
    if (s_stack_cache_count < sizeof(s_stack_cache) / sizeof(s_stack_cache[0])) {
        s_stack_cache[s_stack_cache_count++] = s;
        return;
    }
    // Cache full: leak the slot rather than unmap under other CPUs' TLBs.
}

void heap_init(size_t bytes)
{
    auto f = frame_alloc(bytes / kPageSize);
    if (f.is_error())
        panic("heap: no %zu contiguous bytes", bytes);
    s_heap.add_region(phys_to_virt(f.value()), bytes);
}

void* kmalloc(size_t size)
{
    SpinLockIrqGuard guard(s_heap_lock);
    return s_heap.allocate(size);
}

void* kzalloc(size_t size)
{
    void* p = kmalloc(size);
    if (p)
        fill_bytes(p, 0, size);
    return p;
}

void kfree(void* p)
{
    if (!p)
        return;
    SpinLockIrqGuard guard(s_heap_lock);
    if (!s_heap.free(p))
        printk("mm: kfree(%p) of a pointer the heap does not own\n", p);
}

HeapStats heap_stats()
{
    SpinLockIrqGuard guard(s_heap_lock);
    return { s_heap.bytes_free(), s_heap.bytes_used(), s_heap.allocation_count() };
}

bool heap_check()
{
    SpinLockIrqGuard guard(s_heap_lock);
    return s_heap.check();
}

} // namespace oh::kernel

void* operator new(size_t n) { return oh::kernel::kmalloc(n); }
void* operator new[](size_t n) { return oh::kernel::kmalloc(n); }
void operator delete(void* p) noexcept { oh::kernel::kfree(p); }
void operator delete[](void* p) noexcept { oh::kernel::kfree(p); }
void operator delete(void* p, size_t) noexcept { oh::kernel::kfree(p); }
void operator delete[](void* p, size_t) noexcept { oh::kernel::kfree(p); }
