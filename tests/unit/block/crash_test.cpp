// Crash consistency: a random workload over the cache with I/O completed in random order and
// transient write errors, "crashing" (dropping the cache and every unfinished request) at a
// random point. The simulated drive has a volatile write cache that the crash empties. Each block must then hold a whole version (no tear), one at least as new as
// the one a finished sync covered, and no newer than what was written.
#include "tests/unit/block/sim_disk.h"
#include "lib/bytes.h"

#include <gtest/gtest.h>

using namespace oh;
using namespace oh::block;
using namespace oh::block::test;

namespace {

constexpr uint32_t kBs = 512;
constexpr uint64_t kBlocks = 96;

// Block contents: (block, version) repeated, with a checksum word, so a mix of two versions
// (a torn write) is detected.
void fill(uint8_t* p, uint64_t block, uint32_t version)
{
    uint32_t sum = 0;
    std::memset(p, 0, kBs);
    for (uint32_t i = 0; i + 8 <= kBs - 4; i += 8) {
        store_le32(p + i, uint32_t(block));
        store_le32(p + i + 4, version ^ (i * 2654435761u));
        sum += version ^ (i * 2654435761u);
    }
    store_le32(p + kBs - 4, sum ^ uint32_t(block));
}

// The version a block holds, or -1 when torn / foreign.
int64_t version_of(const uint8_t* p, uint64_t block)
{
    uint32_t v = load_le32(p + 4); // i = 0
    uint8_t want[kBs];
    fill(want, block, v);
    return std::memcmp(want, p, kBs) == 0 ? int64_t(v) : -1;
}

struct Run {
    explicit Run(uint64_t seed, uint32_t slots)
        : tc(slots, kBs, config()), disk(kBlocks, kBs), glue(tc.cache, disk, clock), io(tc.cache, glue, 0), rng(seed)
    {
        for (uint64_t b = 0; b < kBlocks; b++)
            fill(disk.block(b), b, 0);
        EXPECT_TRUE(tc.cache.attach(0, disk, kBlocks, 4).has_value());
        glue.shuffle = true;
        disk.volatile_write_cache = true; // "synced" must mean flushed, not just written
        disk.rng.reseed(seed * 31 + 1);
    }
    static CacheConfig config()
    {
        CacheConfig c;
        c.dirty_limit = 0;
        c.max_dirty_age = 50 * kNsPerMs;
        return c;
    }
    TestCache tc;
    SimDisk disk;
    FakeClock clock;
    TestGlue glue;
    BlockIo io;
    Xoshiro128 rng;
    uint32_t latest[kBlocks] {};
    uint32_t synced[kBlocks] {};
};

void run_until_crash(uint64_t seed, uint32_t slots)
{
    Run r(seed, slots);
    BlockCache& c = r.tc.cache;
    uint32_t steps = 200 + r.rng.next_u32() % 600;
    uint32_t syncs_done = 0;
    for (uint32_t step = 0; step < steps; step++) {
        uint32_t op = r.rng.next_u32() % 100;
        uint64_t b = r.rng.next_u32() % kBlocks;
        r.disk.fail_per_mille = (op % 7 == 0) ? 200 : 0;
        if (op < 45) { // write a new version, sometimes in two halves (read-modify-write)
            uint32_t v = r.latest[b] + 1;
            uint8_t content[kBs];
            fill(content, b, v);
            if (op % 2) {
                ASSERT_TRUE(r.io.write(b, 0, std::span<const uint8_t>(content, kBs)).has_value());
            } else {
                auto ref = r.io.get(b, Intent::Modify);
                if (ref.is_error()) { // the read of the old contents may fail: retry later
                    ASSERT_EQ(ref.error(), Error::IoError);
                    continue;
                }
                std::memcpy(ref->bytes().data(), content, kBs / 2);
                // Disk activity while the write pin is held: the flusher must not take it.
                c.flush(r.clock.now_ns() + kNsPerSec);
                if (!r.disk.queue.empty())
                    r.disk.complete(c, r.rng.next_u32() % r.disk.queue.size());
                std::memcpy(ref->bytes().data() + kBs / 2, content + kBs / 2, kBs / 2);
                ref->mark_dirty();
            }
            r.latest[b] = v;
        } else if (op < 75) { // read: the cache always shows the latest version
            uint8_t got[kBs];
            auto res = r.io.read(b, 0, got);
            if (res.is_error()) {
                ASSERT_EQ(res.error(), Error::IoError);
                continue;
            }
            ASSERT_EQ(version_of(got, b), int64_t(r.latest[b])) << "block " << b;
        } else if (op < 85) { // time passes, the flusher runs
            r.clock.advance((r.rng.next_u32() % 40) * kNsPerMs);
            c.flush(r.clock.now_ns());
        } else if (op < 90) { // sync; on success everything written so far is durable
            uint32_t snapshot[kBlocks];
            std::memcpy(snapshot, r.latest, sizeof snapshot);
            r.disk.fail_per_mille = 0;
            auto res = r.io.sync();
            ASSERT_TRUE(res.has_value() || res.error() == Error::IoError);
            if (res.has_value()) {
                std::memcpy(r.synced, snapshot, sizeof snapshot);
                syncs_done++;
            }
        } else if (!r.disk.queue.empty()) { // the disk finishes something
            r.disk.complete(c, r.rng.next_u32() % r.disk.queue.size());
        }
    }
    // Crash: the cache and all unfinished requests vanish. Check the medium.
    for (uint64_t b = 0; b < kBlocks; b++) {
        int64_t v = version_of(r.disk.block(b), b);
        ASSERT_GE(v, 0) << "seed " << seed << " block " << b << " is torn";
        EXPECT_GE(v, int64_t(r.synced[b])) << "seed " << seed << " block " << b << " lost a synced write";
        EXPECT_LE(v, int64_t(r.latest[b])) << "seed " << seed << " block " << b;
    }
}

TEST(BlockCacheCrash, RandomCrashPointsKeepWholeAndSyncedBlocks)
{
    for (uint64_t seed = 1; seed <= 150; seed++) {
        run_until_crash(seed, seed % 3 == 0 ? 8 : 32); // small caches force eviction and back-pressure
        if (HasFatalFailure())
            return;
    }
}

} // namespace
