// User address spaces: 4-level tables for the lower half, the kernel half copied in, page
// walks that check the user/supervisor and write bits, copies through the direct map.
#include "kernel/mm/address_space.h"

#include "kernel/mm/layout.h"
#include "kernel/mm/memory.h"
#include "lib/bytes.h"

namespace oh::kernel {

namespace {

// [intel/vol3 4.5, table 4-19/4-20] Present, R/W, U/S, PS, XD. An access is allowed only if
// every level allows it: the U/S and R/W bits are ANDed along the walk [intel/vol3 4.6.1].
constexpr uint64_t kPresent = 1ull << 0;
constexpr uint64_t kWrite = 1ull << 1;
constexpr uint64_t kUser = 1ull << 2;
constexpr uint64_t kHuge = 1ull << 7;
constexpr uint64_t kNx = 1ull << 63;
constexpr uint64_t kAddr = 0x000ffffffffff000ull;

uint64_t* table(uint64_t phys) { return static_cast<uint64_t*>(phys_to_virt(phys)); }

size_t index(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

// Free the tables below a lower-half entry (and, at level 0, the pages themselves).
void free_level(uint64_t table_phys, int level)
{
    uint64_t* t = table(table_phys);
    for (size_t i = 0; i < 512; i++) {
        uint64_t e = t[i];
        if (!(e & kPresent))
            continue;
        if (level > 0 && !(e & kHuge))
            free_level(e & kAddr, level - 1);
        else if (level == 0)
            frame_free(e & kAddr);
    }
    frame_free(table_phys);
}

} // namespace

Result<AddressSpace*> AddressSpace::create()
{
    auto* as = new AddressSpace;
    if (!as)
        return Error::NoMemory;
    auto f = frame_alloc();
    if (f.is_error()) {
        delete as;
        return Error::NoMemory;
    }
    as->m_pml4 = f.value();
    uint64_t* pml4 = table(as->m_pml4);
    fill_bytes(pml4, 0, kPageSize);
    copy_kernel_half(pml4);
    return as;
}

void AddressSpace::destroy()
{
    uint64_t* pml4 = table(m_pml4);
    for (size_t i = 0; i < 256; i++)
        if (pml4[i] & kPresent)
            free_level(pml4[i] & kAddr, 2);
    frame_free(m_pml4);
    delete this;
}

Result<uint8_t*> AddressSpace::map_new_page(uint64_t va, UserPerm perm)
{
    if (va % kPageSize || va >= kUserTop)
        return Error::InvalidArgument;
    uint64_t* t = table(m_pml4);
    for (int level = 3; level >= 1; level--) {
        uint64_t& e = t[index(va, level)];
        if (!(e & kPresent)) {
            auto f = frame_alloc();
            if (f.is_error())
                return Error::NoMemory;
            fill_bytes(phys_to_virt(f.value()), 0, kPageSize);
            // Intermediate levels allow everything; the leaf decides.
            e = f.value() | kPresent | kWrite | kUser;
        }
        t = table(e & kAddr);
    }
    uint64_t& leaf = t[index(va, 0)];
    if (leaf & kPresent)
        return { Error::Exists, "page already mapped" };
    auto f = frame_alloc();
    if (f.is_error())
        return Error::NoMemory;
    auto* page = static_cast<uint8_t*>(phys_to_virt(f.value()));
    fill_bytes(page, 0, kPageSize);
    uint64_t flags = kPresent | kUser;
    if (perm == UserPerm::ReadWrite)
        flags |= kWrite;
    if (perm != UserPerm::ReadExec)
        flags |= kNx;
    leaf = f.value() | flags; // not global: dropped from the TLB with this CR3
    m_pages++;
    return page;
}

uint64_t AddressSpace::lookup(uint64_t va, UserAccess access) const
{
    if (va >= kUserTop)
        return 0;
    uint64_t need = kPresent | kUser | (access == UserAccess::Write ? kWrite : 0);
    const uint64_t* t = table(m_pml4);
    for (int level = 3; level >= 0; level--) {
        uint64_t e = t[index(va, level)];
        if ((e & need) != need || (level > 0 && (e & kHuge)))
            return 0;
        if (level == 0)
            return (e & kAddr) | (va & (kPageSize - 1));
        t = table(e & kAddr);
    }
    return 0;
}

bool AddressSpace::range_ok(uint64_t va, size_t len, UserAccess access) const
{
    if (len == 0)
        return va <= kUserTop;
    if (va >= kUserTop || len > kUserTop - va)
        return false;
    for (uint64_t page = align_down<uint64_t>(va, kPageSize); page < va + len; page += kPageSize)
        if (!lookup(page, access))
            return false;
    return true;
}

Result<void> copy_from_user(const AddressSpace& as, void* dst, uint64_t user_src, size_t len)
{
    if (!as.range_ok(user_src, len, UserAccess::Read))
        return { Error::InvalidArgument, "bad user pointer" };
    auto* out = static_cast<uint8_t*>(dst);
    while (len) {
        size_t in_page = kPageSize - (user_src & (kPageSize - 1));
        size_t n = len < in_page ? len : in_page;
        copy_bytes(out, phys_to_virt(as.lookup(user_src, UserAccess::Read)), n);
        out += n;
        user_src += n;
        len -= n;
    }
    return {};
}

Result<void> copy_to_user(const AddressSpace& as, uint64_t user_dst, const void* src, size_t len)
{
    if (!as.range_ok(user_dst, len, UserAccess::Write))
        return { Error::InvalidArgument, "bad user pointer" };
    auto* in = static_cast<const uint8_t*>(src);
    while (len) {
        size_t in_page = kPageSize - (user_dst & (kPageSize - 1));
        size_t n = len < in_page ? len : in_page;
        copy_bytes(phys_to_virt(as.lookup(user_dst, UserAccess::Write)), in, n);
        in += n;
        user_dst += n;
        len -= n;
    }
    return {};
}

} // namespace oh::kernel
