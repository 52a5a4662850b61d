// Planning a process's pages from its ELF segments: page rounding, overlap and size checks.
#include "lib/elf/user_map.h"

#include "lib/bytes.h"

namespace oh {

namespace {

bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1) { return a0 < b1 && b0 < a1; }

} // namespace

Result<UserMapPlan> plan_user_map(const ElfImage& image, const UserLayout& layout)
{
    UserMapPlan plan;
    plan.entry = image.entry;
    if (layout.stack_top % kUserPageSize || layout.stack_top > layout.high || layout.stack_pages == 0)
        return { Error::InvalidArgument, "bad stack layout" };
    uint64_t stack_bytes = layout.stack_pages * kUserPageSize;
    uint64_t guard_bytes = layout.guard_pages * kUserPageSize;
    if (layout.stack_top < layout.low + stack_bytes + guard_bytes)
        return { Error::InvalidArgument, "stack does not fit" };
    uint64_t stack_start = layout.stack_top - stack_bytes;
    plan.guard_start = stack_start - guard_bytes;
    plan.guard_end = stack_start;
    plan.stack_top = layout.stack_top;

    for (size_t i = 0; i < image.segment_count; i++) {
        const ElfSegment& s = image.segments[i];
        if (s.vaddr < layout.low || s.memsz > layout.high - s.vaddr)
            return { Error::InvalidArgument, "segment outside the user address range" };
        uint64_t start = align_down(s.vaddr, kUserPageSize);
        uint64_t end = align_up(s.vaddr + s.memsz, kUserPageSize);
        if (overlaps(start, end, plan.guard_start, layout.stack_top))
            return { Error::InvalidArgument, "segment overlaps the stack or its guard page" };
        for (size_t j = 0; j < plan.region_count; j++)
            if (overlaps(start, end, plan.regions[j].start, plan.regions[j].end))
                return { Error::Malformed, "segments share a page" };
        plan.regions[plan.region_count++] = { start, end, s.writable, s.executable, RegionKind::Segment, i };
        plan.pages += (end - start) / kUserPageSize;
    }
    plan.regions[plan.region_count++] = { stack_start, layout.stack_top, true, false, RegionKind::Stack, 0 };
    plan.pages += layout.stack_pages;
    if (plan.pages > layout.max_pages)
        return { Error::NoMemory, "program larger than a process may be" };
    return plan;
}

PageFill segment_page_fill(const ElfSegment& seg, uint64_t page_va)
{
    uint64_t file_end = seg.vaddr + seg.filesz; // file bytes cover [vaddr, file_end)
    uint64_t lo = page_va > seg.vaddr ? page_va : seg.vaddr;
    uint64_t hi = page_va + kUserPageSize < file_end ? page_va + kUserPageSize : file_end;
    if (hi <= lo)
        return { 0, 0, 0 };
    return { seg.offset + (lo - seg.vaddr), lo - page_va, hi - lo };
}

} // namespace oh
