// Frame bitmap and heap allocator policy, including misuse (double free, foreign pointers).
#include "lib/bytes.h"
#include "lib/mm/frame_bitmap.h"
#include "lib/mm/heap_allocator.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

using oh::FrameBitmap;
using oh::HeapAllocator;

TEST(FrameBitmap, StartsUsedAndFreesRanges)
{
    std::vector<uint64_t> bits(4);
    FrameBitmap fb;
    fb.init(bits.data(), 200);
    EXPECT_EQ(fb.free_count(), 0u);
    EXPECT_TRUE(fb.allocate().is_error());
    fb.mark_free(10, 50);
    EXPECT_EQ(fb.free_count(), 50u);
    fb.mark_free(10, 50); // idempotent
    EXPECT_EQ(fb.free_count(), 50u);
    auto f = fb.allocate();
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f.value(), 10u);
    EXPECT_FALSE(fb.is_free(10));
}

TEST(FrameBitmap, ContiguousAndBelowLimit)
{
    std::vector<uint64_t> bits(4);
    FrameBitmap fb;
    fb.init(bits.data(), 256);
    fb.mark_free(0, 256);
    fb.mark_used(3, 1);
    auto run = fb.allocate(5);
    ASSERT_TRUE(run.has_value());
    EXPECT_EQ(run.value(), 4u); // 0..2 is too short
    EXPECT_TRUE(fb.allocate(3, 3).has_value());
    EXPECT_TRUE(fb.allocate(1, 3).is_error()); // 0..2 now used
    EXPECT_TRUE(fb.allocate(300).is_error());
    EXPECT_TRUE(fb.allocate(0).is_error());
}

// Ranges that start and end anywhere in a word, against a frame-by-frame model: the free
// count and every frame's state must match (mark_free/mark_used work a word at a time).
TEST(FrameBitmap, UnalignedRangesMatchAFrameByFrameModel)
{
    constexpr size_t kFrames = 1000; // not a multiple of 64: the last word is partial
    std::vector<uint64_t> bits((kFrames + 63) / 64);
    FrameBitmap fb;
    fb.init(bits.data(), kFrames);
    std::vector<bool> free_model(kFrames, false);
    std::mt19937 rng(7);
    for (int round = 0; round < 2000; round++) {
        size_t first = rng() % (kFrames + 10);
        size_t count = rng() % 300;
        bool make_free = rng() % 2;
        if (make_free)
            fb.mark_free(first, count);
        else
            fb.mark_used(first, count);
        for (size_t f = first; f < first + count && f < kFrames; f++)
            free_model[f] = make_free;
        size_t expect_free = 0;
        for (size_t f = 0; f < kFrames; f++)
            expect_free += free_model[f];
        ASSERT_EQ(fb.free_count(), expect_free) << "round " << round;
        for (size_t f = 0; f < kFrames; f++)
            ASSERT_EQ(fb.is_free(f), bool(free_model[f])) << "frame " << f << " round " << round;
    }
}

TEST(CountBits, MatchesBitByBitCount)
{
    std::mt19937_64 rng(3);
    for (int i = 0; i < 10000; i++) {
        uint64_t v = rng();
        if (i % 3 == 0)
            v &= rng(); // sparser words too
        int n = 0;
        for (int b = 0; b < 64; b++)
            n += (v >> b) & 1;
        ASSERT_EQ(oh::count_bits(v), n) << v;
    }
    EXPECT_EQ(oh::count_bits(0), 0);
    EXPECT_EQ(oh::count_bits(~0ull), 64);
}

TEST(FrameBitmap, FreeRejectsDoubleFreeAndOutOfRange)
{
    std::vector<uint64_t> bits(1);
    FrameBitmap fb;
    fb.init(bits.data(), 64);
    fb.mark_free(0, 64);
    auto f = fb.allocate(2).value();
    EXPECT_FALSE(fb.free(f, 2).is_error());
    EXPECT_TRUE(fb.free(f, 2).is_error());
    EXPECT_TRUE(fb.free(64, 1).is_error());
    EXPECT_TRUE(fb.free(60, 10).is_error());
    EXPECT_EQ(fb.free_count(), 64u);
}

TEST(FrameBitmap, AllocateEverythingThenFreeEverything)
{
    std::vector<uint64_t> bits(16);
    FrameBitmap fb;
    fb.init(bits.data(), 1000);
    fb.mark_free(0, 1000);
    std::vector<size_t> got;
    while (auto f = fb.allocate())
        got.push_back(f.value());
    EXPECT_EQ(got.size(), 1000u);
    for (size_t f : got)
        EXPECT_FALSE(fb.free(f).is_error());
    EXPECT_EQ(fb.free_count(), 1000u);
}

TEST(HeapAllocator, AllocateFreeCoalesce)
{
    alignas(16) static uint8_t arena[64 * 1024];
    HeapAllocator h;
    h.add_region(arena, sizeof arena);
    size_t initial = h.bytes_free();
    void* a = h.allocate(100);
    void* b = h.allocate(200);
    void* c = h.allocate(300);
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 16, 0u);
    EXPECT_TRUE(h.check());
    EXPECT_TRUE(h.free(b));
    EXPECT_TRUE(h.free(a));
    EXPECT_TRUE(h.free(c));
    EXPECT_EQ(h.bytes_free(), initial);
    EXPECT_TRUE(h.check());
    // Fully coalesced: one allocation of nearly everything succeeds again.
    void* big = h.allocate(initial - 64);
    EXPECT_NE(big, nullptr);
}

TEST(HeapAllocator, RejectsBadFrees)
{
    alignas(16) static uint8_t arena[8192];
    HeapAllocator h;
    h.add_region(arena, sizeof arena);
    void* a = h.allocate(32);
    int local;
    EXPECT_FALSE(h.free(&local));
    EXPECT_FALSE(h.free(static_cast<uint8_t*>(a) + 16));
    EXPECT_TRUE(h.free(a));
    EXPECT_FALSE(h.free(a)); // double free
    EXPECT_FALSE(h.free(nullptr));
    EXPECT_TRUE(h.check());
    EXPECT_EQ(h.allocate(0), nullptr);
    EXPECT_EQ(h.allocate(size_t(1) << 50), nullptr);
}

TEST(HeapAllocator, RandomStressKeepsContentsAndTags)
{
    alignas(16) static uint8_t arena[256 * 1024];
    HeapAllocator h;
    h.add_region(arena, sizeof arena);
    std::mt19937 rng(1234);
    std::map<uint8_t*, std::pair<size_t, uint8_t>> live;
    for (int i = 0; i < 20000; i++) {
        if (live.empty() || rng() % 3) {
            size_t n = 1 + rng() % 2000;
            auto* p = static_cast<uint8_t*>(h.allocate(n));
            if (!p)
                continue;
            uint8_t pat = uint8_t(rng());
            memset(p, pat, n);
            live[p] = { n, pat };
        } else {
            auto it = live.begin();
            std::advance(it, rng() % live.size());
            for (size_t k = 0; k < it->second.first; k++)
                ASSERT_EQ(it->first[k], it->second.second);
            ASSERT_TRUE(h.free(it->first));
            live.erase(it);
        }
    }
    EXPECT_TRUE(h.check());
    for (auto& [p, v] : live)
        EXPECT_TRUE(h.free(p));
    EXPECT_EQ(h.allocation_count(), 0u);
    EXPECT_TRUE(h.check());
}
