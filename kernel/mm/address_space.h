// A process's address space: its own top-level page table, the user lower half mapped page
// by page, the kernel's upper half shared (supervisor-only), and range checks for system
// call arguments.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/result.h"

namespace oh::kernel {

// Canonical lower half [intel/vol1 3.3.7.1]: user addresses are below this.
constexpr uint64_t kUserTop = 0x0000800000000000ull;

enum class UserAccess : uint8_t { Read, Write };
enum class UserPerm : uint8_t { ReadOnly, ReadWrite, ReadExec };

class AddressSpace {
public:
    static Result<AddressSpace*> create();
    // Frees every user page, every user page table and the top-level table. Only once no
    // CPU runs on it (its thread has exited and been switched away from).
    void destroy();

    uint64_t cr3() const { return m_pml4; }
    size_t pages() const { return m_pages; }

    // A new zeroed frame at user page `va`; returns its kernel (direct-map) address so the
    // loader can fill it before the program runs.
    Result<uint8_t*> map_new_page(uint64_t va, UserPerm perm);

    // The frame behind user address `va` when it is mapped present, user-accessible and (for
    // Write) writable at every level; 0 otherwise.
    uint64_t lookup(uint64_t va, UserAccess access) const;
    // Every page of [va, va+len) passes lookup(); false for wrap-around or the upper half.
    bool range_ok(uint64_t va, size_t len, UserAccess access) const;

private:
    AddressSpace() = default;
    uint64_t m_pml4 { 0 };
    size_t m_pages { 0 };
};

// copy_from_user / copy_to_user: the whole range is checked first (so a bad pointer is an
// error, never a kernel fault, and nothing is half-copied), then copied through the direct
// map, page by page: the kernel never dereferences a user address, so SMAP stays on.
Result<void> copy_from_user(const AddressSpace& as, void* dst, uint64_t user_src, size_t len);
Result<void> copy_to_user(const AddressSpace& as, uint64_t user_dst, const void* src, size_t len);

} // namespace oh::kernel
