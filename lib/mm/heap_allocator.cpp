// Kernel heap policy (pure: tested on the host). Every block has a header and a footer
// holding its size, so a freed block merges with both neighbours in O(1).
#include "lib/mm/heap_allocator.h"

#include "lib/bytes.h"

namespace oh {

struct HeapAllocator::Block {
    uint64_t size;    // whole block, header and footer included
    uint32_t magic;
    uint32_t reserved;
    Block* next_free; // valid while free
    Block* prev_free;
};

struct HeapAllocator::Region {
    Region* next;
    uint8_t* start; // first block
    uint8_t* end;
};

namespace {
constexpr size_t kHeader = 16; // size + magic + reserved: the payload starts here
constexpr size_t kFooter = 16; // a copy of the size (padded to keep alignment)
constexpr size_t kMinBlock = 64;

uint64_t& footer_of(void* block, uint64_t size)
{
    return *reinterpret_cast<uint64_t*>(static_cast<uint8_t*>(block) + size - kFooter);
}
} // namespace

void HeapAllocator::add_region(void* base, size_t size)
{
    auto start = align_up(reinterpret_cast<uintptr_t>(base), uintptr_t(kAlign));
    auto end = align_down(reinterpret_cast<uintptr_t>(base) + size, uintptr_t(kAlign));
    if (end <= start || end - start < sizeof(Region) + kMinBlock + kAlign)
        return;
    auto* region = reinterpret_cast<Region*>(start);
    region->start = reinterpret_cast<uint8_t*>(align_up(start + sizeof(Region), uintptr_t(kAlign)));
    region->end = reinterpret_cast<uint8_t*>(end);
    region->next = m_regions;
    m_regions = region;

    auto* b = reinterpret_cast<Block*>(region->start);
    b->size = uint64_t(region->end - region->start);
    b->magic = kMagicFree;
    footer_of(b, b->size) = b->size;
    m_free_bytes += b->size;
    link_free(b);
}

void HeapAllocator::link_free(Block* b)
{
    b->prev_free = nullptr;
    b->next_free = m_free_list;
    if (m_free_list)
        m_free_list->prev_free = b;
    m_free_list = b;
}

void HeapAllocator::unlink_free(Block* b)
{
    if (b->prev_free)
        b->prev_free->next_free = b->next_free;
    else
        m_free_list = b->next_free;
    if (b->next_free)
        b->next_free->prev_free = b->prev_free;
}

bool HeapAllocator::owns(const void* p) const
{
    for (Region* r = m_regions; r; r = r->next)
        if (p >= r->start && p < r->end)
            return true;
    return false;
}

HeapAllocator::Block* HeapAllocator::next_physical(Block* b) const
{
    auto* n = reinterpret_cast<uint8_t*>(b) + b->size;
    for (Region* r = m_regions; r; r = r->next)
        if (reinterpret_cast<uint8_t*>(b) >= r->start && reinterpret_cast<uint8_t*>(b) < r->end)
            return n < r->end ? reinterpret_cast<Block*>(n) : nullptr;
    return nullptr;
}

HeapAllocator::Block* HeapAllocator::prev_physical(Block* b) const
{
    for (Region* r = m_regions; r; r = r->next) {
        if (reinterpret_cast<uint8_t*>(b) > r->start && reinterpret_cast<uint8_t*>(b) < r->end) {
            uint64_t prev_size = *reinterpret_cast<uint64_t*>(reinterpret_cast<uint8_t*>(b) - kFooter);
            return reinterpret_cast<Block*>(reinterpret_cast<uint8_t*>(b) - prev_size);
        }
    }
    return nullptr;
}

void* HeapAllocator::allocate(size_t size)
{
    if (size == 0 || size > (1ull << 40))
        return nullptr;
    uint64_t need = align_up(uint64_t(size), uint64_t(kAlign)) + kHeader + kFooter;
    if (need < kMinBlock)
        need = kMinBlock;
    for (Block* b = m_free_list; b; b = b->next_free) {
        if (b->size < need)
            continue;
        unlink_free(b);
        if (b->size - need >= kMinBlock) {
            auto* rest = reinterpret_cast<Block*>(reinterpret_cast<uint8_t*>(b) + need);
            rest->size = b->size - need;
            rest->magic = kMagicFree;
            footer_of(rest, rest->size) = rest->size;
            link_free(rest);
            b->size = need;
        }
        b->magic = kMagicUsed;
        footer_of(b, b->size) = b->size;
        m_free_bytes -= b->size;
        m_used_bytes += b->size;
        m_allocations++;
        return reinterpret_cast<uint8_t*>(b) + kHeader;
    }
    return nullptr;
}

bool HeapAllocator::free(void* p)
{
    if (!p || reinterpret_cast<uintptr_t>(p) % kAlign || !owns(p))
        return false;
    auto* b = reinterpret_cast<Block*>(static_cast<uint8_t*>(p) - kHeader);
    if (b->magic != kMagicUsed || footer_of(b, b->size) != b->size)
        return false;
    b->magic = kMagicFree;
    m_free_bytes += b->size;
    m_used_bytes -= b->size;
    m_allocations--;

    if (Block* n = next_physical(b); n && n->magic == kMagicFree) {
        unlink_free(n);
        n->magic = 0;
        b->size += n->size;
    }
    if (Block* pb = prev_physical(b); pb && pb->magic == kMagicFree) {
        unlink_free(pb);
        b->magic = 0;
        pb->size += b->size;
        b = pb;
    }
    footer_of(b, b->size) = b->size;
    link_free(b);
    return true;
}

bool HeapAllocator::check() const
{
    size_t free_bytes = 0;
    for (Region* r = m_regions; r; r = r->next) {
        for (auto* p = r->start; p < r->end;) {
            auto* b = reinterpret_cast<Block*>(p);
            if (b->size < kMinBlock || p + b->size > r->end)
                return false;
            if (b->magic != kMagicFree && b->magic != kMagicUsed)
                return false;
            if (footer_of(b, b->size) != b->size)
                return false;
            if (b->magic == kMagicFree)
                free_bytes += b->size;
            p += b->size;
        }
    }
    return free_bytes == m_free_bytes;
}

} // namespace oh
