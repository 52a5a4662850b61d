// A user process's memory map, planned from a checked ELF image: page-aligned regions for
// its segments and its stack, with a guard page under the stack (pure).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/elf/elf64.h"
#include "lib/result.h"

namespace oh {

constexpr uint64_t kUserPageSize = 4096;

// The x86-64 user half ends at 0x0000_7fff_ffff_ffff [intel/vol1 3.3.7.1 canonical
// addressing]. The top 64 KiB stay unmapped so no instruction can end on the last canonical
// byte: a SYSCALL there would leave a non-canonical RCX for SYSRET, which faults in ring 0
// on Intel CPUs [intel/vol2b SYSRET, "#GP(0) if RCX is not canonical"]. The first 64 KiB
// stay unmapped so null pointers (and small offsets from them) fault.
struct UserLayout {
    uint64_t low { 0x10000 };
    uint64_t high { 0x00007fffffff0000ull };
    uint64_t stack_top { 0x00007fffffff0000ull };
    uint64_t stack_pages { 16 };
    uint64_t guard_pages { 1 };
    uint64_t max_pages { 4096 }; // 16 MiB per program, stack included
};

enum class RegionKind : uint8_t { Segment, Stack };

struct UserRegion {
    uint64_t start; // page aligned
    uint64_t end;   // page aligned, exclusive
    bool writable;
    bool executable;
    RegionKind kind;
    size_t segment; // index into ElfImage::segments for Segment regions
};

struct UserMapPlan {
    static constexpr size_t kMaxRegions = ElfImage::kMaxSegments + 1;
    UserRegion regions[kMaxRegions] {};
    size_t region_count { 0 };
    uint64_t entry { 0 };
    uint64_t stack_top { 0 }; // initial RSP (16-byte aligned)
    uint64_t guard_start { 0 }, guard_end { 0 }; // never mapped
    uint64_t pages { 0 };
};

// The segments' pages (no two may share a page: each page has one set of permissions), the
// stack under layout.stack_top and its guard below it, none overlapping, all inside
// [layout.low, layout.high), at most layout.max_pages pages in all.
Result<UserMapPlan> plan_user_map(const ElfImage& image, const UserLayout& layout = {});

// What of a segment's file bytes land in the page at `page_va`: copy `length` bytes from
// file offset `file_offset` to `page_offset` in the page; the rest of the page is zero.
struct PageFill {
    uint64_t file_offset;
    uint64_t page_offset;
    uint64_t length; // 0: an all-zero (bss) page
};
PageFill segment_page_fill(const ElfSegment& seg, uint64_t page_va);

// The range check UserRange for elf_parse, from a layout.
constexpr UserRange user_range(const UserLayout& layout) { return { layout.low, layout.high }; }

} // namespace oh
