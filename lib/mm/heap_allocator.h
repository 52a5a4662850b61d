// Kernel heap policy: first-fit free list with boundary tags and coalescing, 16-byte aligned.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace oh {

class HeapAllocator {
public:
    static constexpr size_t kAlign = 16;

    // Take ownership of [base, base + size). More regions may be added later.
    void add_region(void* base, size_t size);

    void* allocate(size_t size);
    // Returns false for a pointer that was not allocated here or is already free; the heap
    // is left untouched in that case.
    bool free(void* p);

    size_t bytes_free() const { return m_free_bytes; }
    size_t bytes_used() const { return m_used_bytes; }
    size_t allocation_count() const { return m_allocations; }
    // Walk every block and check the tags; false means corruption.
    bool check() const;

private:
    struct Block;
    struct Region;
    static constexpr uint32_t kMagicFree = 0xf4eeb10c;
    static constexpr uint32_t kMagicUsed = 0x05edb10c;

    void link_free(Block* b);
    void unlink_free(Block* b);
    Block* next_physical(Block* b) const;
    Block* prev_physical(Block* b) const;
    bool owns(const void* p) const;

    Block* m_free_list { nullptr };
    Region* m_regions { nullptr };
    size_t m_free_bytes { 0 };
    size_t m_used_bytes { 0 };
    size_t m_allocations { 0 };
};

} // namespace oh
