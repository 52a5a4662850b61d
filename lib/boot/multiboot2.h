// Multiboot2 boot information: command line, memory map and ACPI RSDP (pure parser).
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

struct BootInfo {
    static constexpr size_t kMaxRanges = 64;
    std::string_view cmdline;
    MemoryRange ranges[kMaxRanges];
    size_t range_count { 0 };
    std::span<const uint8_t> rsdp; // copy of the RSDP inside the boot info
    uint64_t total_size { 0 };
};

// `info` is the whole structure (its first u32 gives the size). Malformed tags are an error.
Result<void> parse_multiboot2(std::span<const uint8_t> info, BootInfo& out);

} // namespace oh
