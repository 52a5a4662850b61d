// Multiboot2 boot information: command line, memory map, ACPI RSDP, modules (pure parser).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>
#include <string_view>

#include "lib/result.h"

namespace oh {

struct MemoryRange {
    uint64_t base;
    uint64_t length;
    uint32_t type; // 1 = available RAM  [multiboot2 spec §3.6.8]
};

// A boot module GRUB loaded (`module2 FILE STRING`): its physical range and its string.
// [multiboot2 spec §3.6.6]
struct BootModule {
    uint64_t start;
    uint64_t end; // one past the last byte
    std::string_view cmdline;
};

struct BootInfo {
    static constexpr size_t kMaxRanges = 64;
    static constexpr size_t kMaxModules = 48; // the ISO carries every userland/ program as one
    std::string_view cmdline;
    MemoryRange ranges[kMaxRanges];
    size_t range_count { 0 };
    std::span<const uint8_t> rsdp; // copy of the RSDP inside the boot info
    uint64_t total_size { 0 };
    BootModule modules[kMaxModules];
    size_t module_count { 0 }; // modules beyond kMaxModules are ignored, and counted:
    size_t modules_ignored { 0 };
};

// `info` is the whole structure (its first u32 gives the size). Malformed tags are an error.
Result<void> parse_multiboot2(std::span<const uint8_t> info, BootInfo& out);

} // namespace oh
