// lib/elf: header validation (each refusal on its own) and the user memory-map plan.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "lib/elf/elf64.h"
#include "lib/elf/user_map.h"

using namespace oh;

namespace {

struct Phdr {
    uint32_t type = 1, flags = 5;
    uint64_t offset = 0x1000, vaddr = 0x400000, filesz = 0x100, memsz = 0x100, align = 0x1000;
};

void put16(std::vector<uint8_t>& b, size_t at, uint16_t v) { std::memcpy(&b[at], &v, 2); }
void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) { std::memcpy(&b[at], &v, 4); }
void put64(std::vector<uint8_t>& b, size_t at, uint64_t v) { std::memcpy(&b[at], &v, 8); }

// A file of `size` bytes with an ELF header, `ph` program headers at offset 64.
std::vector<uint8_t> make_elf(const std::vector<Phdr>& ph, uint64_t entry = 0x400010, size_t size = 0x3000)
{
    std::vector<uint8_t> b(size, 0);
    const uint8_t ident[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
    std::memcpy(b.data(), ident, sizeof ident);
    put16(b, 16, 2);  // ET_EXEC
    put16(b, 18, 62); // EM_X86_64
    put32(b, 20, 1);
    put64(b, 24, entry);
    put64(b, 32, 64);
    put16(b, 52, 64);
    put16(b, 54, 56);
    put16(b, 56, uint16_t(ph.size()));
    for (size_t i = 0; i < ph.size(); i++) {
        size_t o = 64 + 56 * i;
        put32(b, o, ph[i].type);
        put32(b, o + 4, ph[i].flags);
        put64(b, o + 8, ph[i].offset);
        put64(b, o + 16, ph[i].vaddr);
        put64(b, o + 24, ph[i].vaddr);
        put64(b, o + 32, ph[i].filesz);
        put64(b, o + 40, ph[i].memsz);
        put64(b, o + 48, ph[i].align);
    }
    return b;
}

const UserRange kRange = user_range(UserLayout {});

Result<ElfImage> parse(const std::vector<uint8_t>& b) { return elf_parse({ b.data(), b.size() }, kRange); }

} // namespace

TEST(ElfParse, AcceptsStaticExecutable)
{
    Phdr text;
    Phdr data { 1, 6, 0x2000, 0x401000, 0x80, 0x3000, 0x1000 };
    auto r = parse(make_elf({ text, data }));
    ASSERT_TRUE(r.has_value()) << r.error_info().text();
    EXPECT_EQ(r->entry, 0x400010u);
    ASSERT_EQ(r->segment_count, 2u);
    EXPECT_TRUE(r->segments[0].executable);
    EXPECT_FALSE(r->segments[0].writable);
    EXPECT_TRUE(r->segments[1].writable);
    EXPECT_EQ(r->segments[1].memsz, 0x3000u);
}

TEST(ElfParse, RefusesBadIdentAndType)
{
    auto b = make_elf({ Phdr {} });
    auto bad = b;
    bad[1] = 'X';
    EXPECT_EQ(parse(bad).error(), Error::Malformed);
    bad = b;
    bad[4] = 1; // ELFCLASS32
    EXPECT_EQ(parse(bad).error(), Error::Unsupported);
    bad = b;
    put16(bad, 16, 3); // ET_DYN
    EXPECT_EQ(parse(bad).error(), Error::Unsupported);
    bad = b;
    put16(bad, 18, 3); // EM_386
    EXPECT_EQ(parse(bad).error(), Error::Unsupported);
    EXPECT_EQ(parse(std::vector<uint8_t>(b.begin(), b.begin() + 40)).error(), Error::Malformed);
}

TEST(ElfParse, RefusesProgramHeadersOutsideFile)
{
    auto b = make_elf({ Phdr {} });
    put64(b, 32, b.size() - 10);
    EXPECT_EQ(parse(b).error(), Error::Malformed);
    b = make_elf({ Phdr {} });
    put16(b, 56, 0);
    EXPECT_EQ(parse(b).error(), Error::Malformed);
}

TEST(ElfParse, RefusesKernelHalfAndNullPage)
{
    Phdr kernel;
    kernel.vaddr = 0xffffffff80000000ull;
    kernel.offset = 0x1000;
    EXPECT_EQ(parse(make_elf({ kernel }, kernel.vaddr)).error(), Error::InvalidArgument);
    Phdr null_page;
    null_page.vaddr = 0x1000;
    EXPECT_EQ(parse(make_elf({ null_page }, 0x1000)).error(), Error::InvalidArgument);
    // Fits below the top by vaddr but wraps or crosses it by memsz.
    Phdr wrap;
    wrap.vaddr = 0x7ffffffe0000ull;
    wrap.memsz = ~0ull - 0x100;
    EXPECT_EQ(parse(make_elf({ wrap }, wrap.vaddr)).error(), Error::InvalidArgument);
}

TEST(ElfParse, RefusesSegmentShapeErrors)
{
    Phdr p;
    p.filesz = 0x200;
    p.memsz = 0x100;
    EXPECT_EQ(parse(make_elf({ p })).error(), Error::Malformed) << "filesz > memsz";
    p = {};
    p.offset = 0x2f00;
    p.filesz = 0x200;
    p.memsz = 0x200;
    p.vaddr = 0x400f00;
    EXPECT_EQ(parse(make_elf({ p }, 0x400f00)).error(), Error::Malformed) << "bytes past the file";
    p = {};
    p.offset = 0x1008;
    EXPECT_EQ(parse(make_elf({ p })).error(), Error::Malformed) << "offset != vaddr mod align";
    p = {};
    p.flags = 7;
    EXPECT_EQ(parse(make_elf({ p })).error(), Error::Unsupported) << "W+X";
    Phdr interp;
    interp.type = 3;
    EXPECT_EQ(parse(make_elf({ Phdr {}, interp })).error(), Error::Unsupported);
}

TEST(ElfParse, RefusesEntryOutsideCode)
{
    Phdr text;
    Phdr data { 1, 6, 0x2000, 0x401000, 0x80, 0x80, 0x1000 };
    EXPECT_EQ(parse(make_elf({ text, data }, 0x401000)).error(), Error::Malformed);
    EXPECT_EQ(parse(make_elf({ text }, 0x400100)).error(), Error::Malformed); // one past the end
}

TEST(UserMap, PlansSegmentsAndStackWithGuard)
{
    Phdr text { 1, 5, 0x1000, 0x400000, 0x1234, 0x1234, 0x1000 };
    Phdr data { 1, 6, 0x3000, 0x403000, 0x10, 0x2100, 0x1000 };
    auto img = parse(make_elf({ text, data }, 0x400000, 0x4000));
    ASSERT_TRUE(img.has_value()) << img.error_info().text();
    UserLayout layout;
    auto plan = plan_user_map(*img, layout);
    ASSERT_TRUE(plan.has_value()) << plan.error_info().text();
    ASSERT_EQ(plan->region_count, 3u);
    EXPECT_EQ(plan->regions[0].start, 0x400000u);
    EXPECT_EQ(plan->regions[0].end, 0x402000u);
    EXPECT_EQ(plan->regions[1].start, 0x403000u);
    EXPECT_EQ(plan->regions[1].end, 0x406000u);
    const UserRegion& stack = plan->regions[2];
    EXPECT_EQ(stack.kind, RegionKind::Stack);
    EXPECT_EQ(stack.end, layout.stack_top);
    EXPECT_EQ(stack.end - stack.start, layout.stack_pages * kUserPageSize);
    EXPECT_TRUE(stack.writable);
    EXPECT_FALSE(stack.executable);
    EXPECT_EQ(plan->guard_end, stack.start);
    EXPECT_EQ(plan->guard_end - plan->guard_start, kUserPageSize);
    EXPECT_EQ(plan->pages, 2u + 3u + layout.stack_pages);
    EXPECT_EQ(plan->stack_top % 16, 0u);
}

TEST(UserMap, RefusesSharedPagesStackOverlapAndSize)
{
    Phdr text { 1, 5, 0x1000, 0x400000, 0x800, 0x800, 0x1000 };
    Phdr data { 1, 6, 0x1800, 0x400800, 0x10, 0x10, 0x800 };
    auto img = parse(make_elf({ text, data }, 0x400000));
    ASSERT_TRUE(img.has_value()) << img.error_info().text();
    EXPECT_EQ(plan_user_map(*img).error(), Error::Malformed) << "two segments in one page";

    UserLayout layout;
    Phdr in_guard { 1, 5, 0x1000, layout.stack_top - (layout.stack_pages + 1) * kUserPageSize, 0x10, 0x10, 0x1000 };
    auto guarded = parse(make_elf({ in_guard }, in_guard.vaddr));
    ASSERT_TRUE(guarded.has_value()) << guarded.error_info().text();
    EXPECT_EQ(plan_user_map(*guarded).error(), Error::InvalidArgument) << "segment in the guard page";

    Phdr big { 1, 6, 0x1000, 0x400000, 0x10, 0x10000000, 0x1000 };
    Phdr code { 1, 5, 0x2000, 0x20000000, 0x10, 0x10, 0x1000 };
    auto huge = parse(make_elf({ big, code }, 0x20000000));
    ASSERT_TRUE(huge.has_value()) << huge.error_info().text();
    EXPECT_EQ(plan_user_map(*huge).error(), Error::NoMemory);
}

TEST(UserMap, PageFillCoversFileBytesOnly)
{
    ElfSegment s { 0x400100, 0x3000, 0x1100, 0x1f10, true, false };
    PageFill f = segment_page_fill(s, 0x400000);
    EXPECT_EQ(f.file_offset, 0x1100u);
    EXPECT_EQ(f.page_offset, 0x100u);
    EXPECT_EQ(f.length, 0xf00u);
    f = segment_page_fill(s, 0x401000);
    EXPECT_EQ(f.file_offset, 0x2000u);
    EXPECT_EQ(f.page_offset, 0u);
    EXPECT_EQ(f.length, 0x1000u);
    f = segment_page_fill(s, 0x402000);
    EXPECT_EQ(f.length, 0x10u); // filesz ends at 0x402010
    f = segment_page_fill(s, 0x403000);
    EXPECT_EQ(f.length, 0u); // bss only
}
