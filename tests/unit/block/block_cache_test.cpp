// Block cache policy against a simulated disk: coalescing, states, flusher, sync, elevator,
// eviction, back-pressure, write-back exclusion, errors.
#include "tests/unit/block/sim_disk.h"

#include <gtest/gtest.h>

using namespace oh;
using namespace oh::block;
using namespace oh::block::test;
using S = Acquired::Status;

namespace {

constexpr uint32_t kBs = 512;

struct Fixture {
    explicit Fixture(uint32_t slots = 16, uint32_t max_in_flight = 4, CacheConfig cfg = {}, uint64_t blocks = 1024)
        : tc(slots, kBs, cfg), disk(blocks, kBs)
    {
        for (uint64_t b = 0; b < blocks; b++)
            std::memset(disk.block(b), int(b & 0xff), kBs);
        EXPECT_TRUE(tc.cache.attach(0, disk, blocks, max_in_flight).has_value());
    }
    BlockCache& c() { return tc.cache; }
    Acquired acq(BlockNumber b, Intent i = Intent::Read)
    {
        auto r = c().acquire(0, b, i, clock.now_ns());
        EXPECT_TRUE(r.has_value());
        return r.value_or(Acquired { S::WaitSpace, kNoSlot });
    }
    // Acquire, completing I/O until ready.
    uint32_t get(BlockNumber b, Intent i = Intent::Read)
    {
        for (int n = 0; n < 1000; n++) {
            Acquired a = acq(b, i);
            if (a.status == S::Ready)
                return a.slot;
            if (disk.queue.empty())
                c().flush(clock.now_ns() + 100 * kNsPerSec);
            if (disk.queue.empty())
                break;
            disk.complete_oldest(c());
        }
        ADD_FAILURE() << "block " << b << " never became ready";
        return kNoSlot;
    }
    void write(BlockNumber b, uint8_t fill)
    {
        uint32_t s = get(b, Intent::Overwrite);
        std::memset(c().data(s).data(), fill, kBs);
        c().mark_dirty(s, clock.now_ns());
        c().release(s);
    }
    TestCache tc;
    SimDisk disk;
    FakeClock clock;
};

TEST(BlockCache, MissReadsOnceThenHits)
{
    Fixture f;
    Acquired a = f.acq(5);
    EXPECT_EQ(a.status, S::WaitBlock);
    EXPECT_EQ(f.c().state_of(0, 5), EntryState::PendingRead);
    ASSERT_EQ(f.disk.queue.size(), 1u);
    EXPECT_EQ(f.disk.queue[0].req.block, 5u);
    Wakeup w = f.disk.complete_oldest(f.c());
    EXPECT_EQ(w.slot, a.slot);
    EXPECT_EQ(f.c().state_of(0, 5), EntryState::Clean);
    Acquired b = f.acq(5);
    ASSERT_EQ(b.status, S::Ready);
    EXPECT_EQ(f.c().data(b.slot)[0], 5);
    EXPECT_EQ(f.c().data(b.slot)[kBs - 1], 5);
    f.c().release(b.slot);
    EXPECT_EQ(f.disk.submitted.size(), 1u);
    EXPECT_EQ(f.c().stats().hits, 1u);
    EXPECT_EQ(f.c().stats().misses, 1u);
}

TEST(BlockCache, ConcurrentReadersShareOneRead)
{
    Fixture f;
    Acquired a1 = f.acq(9);
    Acquired a2 = f.acq(9);
    Acquired a3 = f.acq(9, Intent::Modify);
    EXPECT_EQ(a1.status, S::WaitBlock);
    EXPECT_EQ(a2.status, S::WaitBlock);
    EXPECT_EQ(a3.status, S::WaitBlock);
    EXPECT_EQ(a1.slot, a2.slot);
    EXPECT_EQ(a1.slot, a3.slot);
    EXPECT_EQ(f.disk.submitted.size(), 1u);
    EXPECT_EQ(f.c().stats().coalesced, 2u);
    f.disk.complete_all(f.c());
    Acquired r1 = f.acq(9), r2 = f.acq(9);
    EXPECT_EQ(r1.status, S::Ready);
    EXPECT_EQ(r2.status, S::Ready);
    EXPECT_EQ(f.disk.submitted.size(), 1u);
    f.c().release(r1.slot);
    f.c().release(r2.slot);
}

TEST(BlockCache, StatesThroughWriteBack)
{
    Fixture f;
    uint32_t s = f.get(3, Intent::Modify);
    EXPECT_EQ(f.c().state_of(0, 3), EntryState::Clean);
    f.c().data(s)[0] = 0xAB;
    f.c().mark_dirty(s, f.clock.now_ns());
    EXPECT_EQ(f.c().state_of(0, 3), EntryState::Dirty);
    EXPECT_EQ(f.c().dirty_count(), 1u);
    f.c().release(s);
    EXPECT_EQ(f.disk.queue.size(), 0u); // delayed: nothing written yet
    f.clock.advance(kNsPerSec);
    f.c().flush(f.clock.now_ns());
    EXPECT_EQ(f.c().state_of(0, 3), EntryState::PendingWrite);
    ASSERT_EQ(f.disk.queue.size(), 1u);
    EXPECT_EQ(f.disk.queue[0].req.op, IoOp::Write);
    f.disk.complete_all(f.c());
    EXPECT_EQ(f.c().state_of(0, 3), EntryState::Clean);
    EXPECT_EQ(f.disk.block(3)[0], 0xAB);
    EXPECT_EQ(f.disk.block(3)[1], 3);
    EXPECT_EQ(f.c().dirty_count(), 0u);
}

TEST(BlockCache, FlusherWritesOnlyBlocksOfAge)
{
    Fixture f;
    f.write(1, 0x11);
    f.clock.advance(600 * kNsPerMs);
    f.write(2, 0x22);
    f.clock.advance(100 * kNsPerMs); // t = 700 ms
    Nanoseconds next = f.c().flush(f.clock.now_ns());
    EXPECT_TRUE(f.disk.queue.empty());
    EXPECT_EQ(next, 1000 * kNsPerMs); // block 1 comes of age at 1 s
    f.clock.set(next);
    next = f.c().flush(f.clock.now_ns());
    ASSERT_EQ(f.disk.queue.size(), 1u);
    EXPECT_EQ(f.disk.queue[0].req.block, 1u);
    EXPECT_EQ(next, 1600 * kNsPerMs);
    f.disk.complete_all(f.c());
    f.clock.set(next);
    EXPECT_EQ(f.c().flush(f.clock.now_ns()), 0u); // block 2 written, nothing left dirty
    f.disk.complete_all(f.c());
    EXPECT_EQ(f.disk.block(1)[7], 0x11);
    EXPECT_EQ(f.disk.block(2)[7], 0x22);
}

TEST(BlockCache, SyncWritesEverythingAndTracksTicket)
{
    Fixture f;
    for (BlockNumber b = 10; b < 15; b++)
        f.write(b, uint8_t(0xC0 + b));
    uint64_t t = f.c().sync();
    EXPECT_EQ(f.c().sync_state(t), SyncState::Pending);
    f.write(20, 0x55); // dirtied after the sync: not part of the ticket
    f.disk.complete_all(f.c());
    EXPECT_EQ(f.c().sync_state(t), SyncState::Done);
    EXPECT_EQ(f.c().state_of(0, 20), EntryState::Dirty);
    for (BlockNumber b = 10; b < 15; b++)
        EXPECT_EQ(f.disk.block(b)[100], 0xC0 + b);
    EXPECT_EQ(f.disk.block(20)[100], 20);
}

TEST(BlockCache, SyncWaitsForWriterPinnedBlockAndReportsErrors)
{
    Fixture f;
    uint32_t s = f.get(4, Intent::Modify);
    f.c().data(s)[0] = 1;
    f.c().mark_dirty(s, 0);
    uint64_t t = f.c().sync();
    EXPECT_TRUE(f.disk.queue.empty()); // pinned by its writer: cannot be written yet
    EXPECT_EQ(f.c().sync_state(t), SyncState::Pending);
    f.disk.fail_blocks.insert(4);
    f.c().release(s); // the release starts the write the sync waits for
    ASSERT_EQ(f.disk.queue.size(), 1u);
    f.disk.complete_all(f.c());
    EXPECT_EQ(f.c().sync_state(t), SyncState::Failed);
    EXPECT_EQ(f.c().state_of(0, 4), EntryState::Dirty); // data kept for a retry
    EXPECT_EQ(f.c().stats().write_errors, 1u);
    f.disk.fail_blocks.clear();
    f.c().flush(f.clock.now_ns() + 2 * kNsPerSec);
    f.disk.complete_all(f.c());
    EXPECT_EQ(f.c().sync_state(t), SyncState::Done);
    EXPECT_EQ(f.disk.block(4)[0], 1);
}

TEST(BlockCache, ReadsGoBeforeQueuedWrites)
{
    Fixture f(32, 1);
    for (BlockNumber b = 100; b < 104; b++)
        f.write(b, 0xEE);
    f.c().sync(); // 100 goes out at once (one in flight), 101..103 queue
    for (BlockNumber b = 200; b < 203; b++)
        EXPECT_EQ(f.acq(b).status, S::WaitBlock);
    f.disk.complete_all(f.c());
    std::vector<std::pair<IoOp, BlockNumber>> order;
    for (auto& r : f.disk.submitted)
        order.push_back({ r.op, r.block });
    std::vector<std::pair<IoOp, BlockNumber>> want {
        { IoOp::Write, 100 }, { IoOp::Read, 200 }, { IoOp::Read, 201 }, { IoOp::Read, 202 },
        { IoOp::Write, 101 }, { IoOp::Write, 102 }, { IoOp::Write, 103 },
    };
    EXPECT_EQ(order, want);
}

TEST(BlockCache, ElevatorServesInCScanOrder)
{
    Fixture f(32, 1);
    EXPECT_EQ(f.acq(40).status, S::WaitBlock); // in flight, head at 40
    for (BlockNumber b : { 50, 10, 70, 30, 45 })
        f.acq(b);
    f.disk.complete_all(f.c());
    std::vector<BlockNumber> order;
    for (auto& r : f.disk.submitted)
        order.push_back(r.block);
    EXPECT_EQ(order, (std::vector<BlockNumber> { 40, 45, 50, 70, 10, 30 }));
}

TEST(BlockCache, SteadyReadsDoNotStarveWrites)
{
    CacheConfig cfg;
    cfg.max_read_burst = 3;
    Fixture f(64, 1, cfg);
    f.write(500, 1);
    f.write(501, 1);
    f.acq(0); // in flight
    f.c().sync();
    for (BlockNumber b = 1; b <= 8; b++)
        f.acq(b);
    f.disk.complete_all(f.c());
    std::vector<IoOp> ops;
    for (auto& r : f.disk.submitted)
        ops.push_back(r.op);
    auto R = IoOp::Read, W = IoOp::Write;
    // Read 0 went out alone; then at most three reads in a row while writes wait.
    EXPECT_EQ(ops, (std::vector<IoOp> { R, R, R, W, R, R, R, W, R, R, R }));
}

TEST(BlockCache, EvictsLeastRecentlyUsedCleanBlocksOnly)
{
    Fixture f(4, 4);
    f.write(1, 0xD1);
    f.write(2, 0xD2);
    f.c().release(f.get(3));
    f.c().release(f.get(4));
    f.c().release(f.get(3)); // 3 is now more recent than 4
    f.c().release(f.get(5)); // evicts 4: the LRU clean block; dirty 1 and 2 stay
    EXPECT_EQ(f.c().state_of(0, 4), EntryState::Free);
    EXPECT_EQ(f.c().state_of(0, 3), EntryState::Clean);
    EXPECT_EQ(f.c().state_of(0, 1), EntryState::Dirty);
    EXPECT_EQ(f.c().state_of(0, 2), EntryState::Dirty);
    f.c().release(f.get(6)); // evicts 3
    EXPECT_EQ(f.c().state_of(0, 3), EntryState::Free);
    EXPECT_EQ(f.c().state_of(0, 1), EntryState::Dirty);
    EXPECT_EQ(f.c().stats().evictions, 2u);
    EXPECT_EQ(f.disk.writes, 0u);
}

TEST(BlockCache, PinnedBlocksAreNotEvicted)
{
    Fixture f(2, 4);
    uint32_t a = f.get(1);
    uint32_t b = f.get(2);
    Acquired x = f.acq(3);
    EXPECT_EQ(x.status, S::WaitSpace);
    EXPECT_EQ(f.c().stats().waits_space, 1u);
    Wakeup w = f.c().release(a);
    EXPECT_TRUE(w.space);
    EXPECT_EQ(f.acq(3).status, S::WaitBlock);
    EXPECT_EQ(f.c().state_of(0, 1), EntryState::Free); // released, clean, evicted for 3
    f.disk.complete_all(f.c());
    f.c().release(b);
}

TEST(BlockCache, DirtyLimitAppliesBackPressure)
{
    CacheConfig cfg;
    cfg.dirty_limit = 4;
    cfg.pressure_batch = 2;
    Fixture f(8, 4, cfg);
    for (BlockNumber b = 0; b < 4; b++)
        f.write(b, 0x77);
    EXPECT_EQ(f.c().dirty_count(), 4u);
    Acquired a = f.acq(4, Intent::Overwrite);
    EXPECT_EQ(a.status, S::WaitSpace);
    // The two oldest dirty blocks were sent to disk to relieve the pressure.
    ASSERT_EQ(f.disk.queue.size(), 2u);
    EXPECT_EQ(f.disk.queue[0].req.block, 0u);
    EXPECT_EQ(f.disk.queue[1].req.block, 1u);
    Wakeup w = f.disk.complete_oldest(f.c());
    EXPECT_TRUE(w.space);
    EXPECT_EQ(f.acq(4, Intent::Overwrite).status, S::Ready);
    // Reading is never held back by dirty data while clean slots exist.
    EXPECT_EQ(f.acq(6).status, S::WaitBlock);
}

TEST(BlockCache, WriterWaitsForInFlightWriteBack)
{
    Fixture f;
    f.write(7, 0x01);
    f.c().sync();
    ASSERT_EQ(f.c().state_of(0, 7), EntryState::PendingWrite);
    Acquired m = f.acq(7, Intent::Modify);
    EXPECT_EQ(m.status, S::WaitBlock);
    EXPECT_EQ(f.acq(7, Intent::Overwrite).status, S::WaitBlock);
    Acquired r = f.acq(7); // reading a block being written is fine: its data is frozen
    EXPECT_EQ(r.status, S::Ready);
    Wakeup w = f.disk.complete_oldest(f.c());
    EXPECT_EQ(w.slot, m.slot);
    Acquired m2 = f.acq(7, Intent::Modify);
    EXPECT_EQ(m2.status, S::Ready);
    f.c().data(m2.slot)[0] = 0x02;
    f.c().mark_dirty(m2.slot, 0);
    f.c().release(m2.slot);
    f.c().release(r.slot);
    f.c().sync();
    f.disk.complete_all(f.c());
    EXPECT_EQ(f.disk.block(7)[0], 0x02);
    EXPECT_EQ(f.disk.block(7)[kBs - 1], 0x01);
}

TEST(BlockCache, SecondWriterWaitsForFirst)
{
    Fixture f;
    uint32_t s = f.get(8, Intent::Modify);
    Acquired a = f.acq(8, Intent::Modify);
    EXPECT_EQ(a.status, S::WaitBlock);
    Wakeup w = f.c().release(s);
    EXPECT_EQ(w.slot, s);
    Acquired b = f.acq(8, Intent::Modify);
    EXPECT_EQ(b.status, S::Ready);
    f.c().release(b.slot);
}

TEST(BlockCache, OverwriteSkipsTheReadAndHidesHalfWrittenData)
{
    Fixture f;
    Acquired w = f.acq(33, Intent::Overwrite);
    ASSERT_EQ(w.status, S::Ready);
    EXPECT_TRUE(f.disk.submitted.empty());
    EXPECT_EQ(f.acq(33).status, S::WaitBlock); // a reader waits for the writer
    std::memset(f.c().data(w.slot).data(), 0x5A, kBs);
    f.c().mark_dirty(w.slot, 0);
    f.c().release(w.slot);
    Acquired r = f.acq(33);
    ASSERT_EQ(r.status, S::Ready);
    EXPECT_EQ(f.c().data(r.slot)[9], 0x5A);
    f.c().release(r.slot);
    EXPECT_TRUE(f.disk.submitted.empty());
    // An overwrite pin dropped without writing leaves nothing behind.
    Acquired x = f.acq(34, Intent::Overwrite);
    f.c().release(x.slot);
    EXPECT_EQ(f.c().state_of(0, 34), EntryState::Free);
}

TEST(BlockCache, ReadErrorIsReportedOnceThenRetried)
{
    Fixture f;
    f.disk.fail_blocks.insert(12);
    Acquired a = f.acq(12);
    Acquired b = f.acq(12);
    f.disk.complete_all(f.c());
    EXPECT_EQ(f.c().state_of(0, 12), EntryState::Failed);
    auto r = f.c().acquire(0, 12, Intent::Read, 0);
    EXPECT_EQ(r.error(), Error::IoError);
    EXPECT_EQ(f.c().stats().read_errors, 1u);
    f.disk.fail_blocks.clear();
    EXPECT_EQ(f.acq(12).status, S::WaitBlock); // a later access retries the disk
    f.disk.complete_all(f.c());
    EXPECT_EQ(f.acq(12).status, S::Ready);
    (void)a;
    (void)b;
}

TEST(BlockCache, RejectsBadArgumentsAndForeignCompletions)
{
    Fixture f;
    EXPECT_EQ(f.c().acquire(0, 1024, Intent::Read, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(f.c().acquire(1, 0, Intent::Read, 0).error(), Error::InvalidArgument);
    EXPECT_EQ(f.c().acquire(9, 0, Intent::Read, 0).error(), Error::InvalidArgument);
    SimDisk other(4, kBs);
    EXPECT_EQ(f.c().attach(0, other, 4, 1).error(), Error::InvalidArgument);
    f.acq(2);
    IoRequest bogus = f.disk.queue[0].req;
    bogus.block = 3;
    Wakeup w = f.c().complete(bogus, IoStatus::Ok);
    EXPECT_EQ(w.slot, kNoSlot);
    bogus.tag = 999999;
    EXPECT_EQ(f.c().complete(bogus, IoStatus::Ok).slot, kNoSlot);
    EXPECT_EQ(f.c().state_of(0, 2), EntryState::PendingRead);
    f.disk.complete_all(f.c());
    EXPECT_EQ(f.c().state_of(0, 2), EntryState::Clean);
}

TEST(BlockCache, BusyDriverIsRetriedAfterCompletion)
{
    Fixture f(16, 8);
    f.disk.queue_limit = 2;
    for (BlockNumber b = 0; b < 5; b++)
        f.acq(b);
    EXPECT_EQ(f.disk.queue.size(), 2u);
    EXPECT_GE(f.c().stats().submit_busy, 1u);
    f.disk.complete_all(f.c());
    for (BlockNumber b = 0; b < 5; b++)
        EXPECT_EQ(f.c().state_of(0, b), EntryState::Clean);
    EXPECT_EQ(f.disk.submitted.size(), 5u);
}

TEST(BlockCache, TwoDevicesAreKeptApart)
{
    Fixture f;
    SimDisk d1(64, kBs);
    std::memset(d1.block(5), 0x99, kBs);
    ASSERT_TRUE(f.c().attach(1, d1, 64, 2).has_value());
    f.acq(5);
    auto r = f.c().acquire(1, 5, Intent::Read, 0);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, S::WaitBlock);
    EXPECT_NE(r->slot, f.disk.queue[0].req.tag);
    f.disk.complete_all(f.c());
    d1.complete_all(f.c());
    Acquired a = f.acq(5);
    auto b = f.c().acquire(1, 5, Intent::Read, 0);
    EXPECT_EQ(f.c().data(a.slot)[0], 5);
    EXPECT_EQ(f.c().data(b->slot)[0], 0x99);
}

TEST(BlockCache, FlushIsABarrierAfterInFlightIo)
{
    Fixture f(16, 4);
    f.acq(1);
    f.acq(2); // two reads in flight
    uint64_t t = f.c().request_flush(0);
    EXPECT_EQ(f.c().flush_state(0, t), SyncState::Pending);
    f.acq(3); // queued behind the flush
    EXPECT_EQ(f.disk.queue.size(), 2u);
    f.disk.complete_oldest(f.c());
    EXPECT_EQ(f.disk.queue.size(), 1u); // still draining: nothing new goes out
    f.disk.complete_oldest(f.c());
    ASSERT_EQ(f.disk.queue.size(), 1u);
    EXPECT_EQ(f.disk.queue[0].req.op, IoOp::Flush); // alone on the device
    Wakeup w = f.disk.complete_oldest(f.c());
    EXPECT_TRUE(w.space);
    EXPECT_EQ(f.c().flush_state(0, t), SyncState::Done);
    ASSERT_EQ(f.disk.queue.size(), 1u); // now the held-back read
    EXPECT_EQ(f.disk.queue[0].req.block, 3u);
    EXPECT_EQ(f.c().stats().flushes, 1u);
    EXPECT_EQ(f.c().request_flush(3), 0u);
}

TEST(BlockIo, SyncFlushesTheDriveCacheAndReportsFlushErrors)
{
    Fixture f;
    f.disk.volatile_write_cache = true;
    TestGlue glue(f.c(), f.disk, f.clock);
    BlockIo io(f.c(), glue, 0);
    uint8_t v[2] = { 0xAA, 0xBB };
    ASSERT_TRUE(io.write(9, 0, v).has_value());
    ASSERT_TRUE(io.sync().has_value());
    EXPECT_EQ(f.disk.flushes, 1u);
    EXPECT_EQ(f.disk.block(9)[0], 0xAA); // on the media, not only in the drive's cache
    EXPECT_TRUE(f.disk.write_cache.empty());
    ASSERT_TRUE(io.write(9, 0, std::span<const uint8_t>(v + 1, 1)).has_value());
    f.disk.fail_flush = true;
    EXPECT_EQ(io.sync().error(), Error::IoError);
    EXPECT_EQ(f.c().stats().flush_errors, 1u);
    EXPECT_EQ(f.disk.block(9)[0], 0xAA);
}

TEST(BlockIo, SyncFacadeReadsWritesAndSyncs)
{
    Fixture f;
    TestGlue glue(f.c(), f.disk, f.clock);
    BlockIo io(f.c(), glue, 0);
    uint8_t buf[4] {};
    ASSERT_TRUE(io.read(6, 10, buf).has_value());
    EXPECT_EQ(buf[0], 6);
    uint8_t patch[3] = { 1, 2, 3 };
    ASSERT_TRUE(io.write(6, 508, patch).has_value());
    EXPECT_EQ(io.write(6, 510, patch).error(), Error::InvalidArgument);
    ASSERT_TRUE(io.sync().has_value());
    EXPECT_EQ(f.disk.block(6)[509], 2);
    EXPECT_EQ(f.disk.block(6)[507], 6);
    f.disk.fail_blocks.insert(6);
    ASSERT_TRUE(io.write(6, 0, patch).has_value());
    EXPECT_EQ(io.sync().error(), Error::IoError);
}

} // namespace
