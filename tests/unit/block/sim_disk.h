// Simulated disk and test glue for the block cache: queued I/O completed by the test, late
// DMA (a write's second half is taken at completion, so a cache that lets a buffer change
// during write-back produces a torn block), fault injection.
#pragma once

#include "lib/block/block_cache.h"
#include "lib/block/block_io.h"
#include "lib/clock.h"
#include "lib/random.h"

#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <vector>

namespace oh::block::test {

class SimDisk final : public BlockDevice {
public:
    SimDisk(uint64_t blocks, uint32_t block_size) : m_block_size(block_size), media(blocks * block_size, 0) { }

    Result<void> submit(const IoRequest& r) override
    {
        if (queue.size() >= queue_limit)
            return Error::Busy;
        submitted.push_back(r);
        Pending p { r, {} };
        if (r.op == IoOp::Write)
            p.first_half.assign(r.data, r.data + r.length / 2);
        queue.push_back(p);
        return {};
    }

    // Finish the request at `index` of the queue; returns what the cache asks to wake.
    Wakeup complete(BlockCache& cache, size_t index)
    {
        Pending p = queue[index];
        queue.erase(queue.begin() + long(index));
        IoStatus status = IoStatus::Ok;
        if (p.req.op == IoOp::Flush) {
            if (fail_flush)
                return cache.complete(p.req, IoStatus::IoError);
            for (auto& [b, bytes] : write_cache) // the drive's volatile cache reaches the media
                std::memcpy(media.data() + b * m_block_size, bytes.data(), m_block_size);
            write_cache.clear();
            flushes++;
            return cache.complete(p.req, status);
        }
        if (fail_blocks.count(p.req.block) || (fail_per_mille && rng.next_u32() % 1000 < fail_per_mille))
            status = IoStatus::IoError;
        uint8_t* at = media.data() + p.req.block * m_block_size;
        if (status == IoStatus::Ok) {
            if (p.req.op == IoOp::Read) {
                auto cached = write_cache.find(p.req.block);
                std::memcpy(p.req.data, cached != write_cache.end() ? cached->second.data() : at, m_block_size);
                reads++;
            } else {
                std::vector<uint8_t> bytes(p.first_half);
                bytes.insert(bytes.end(), p.req.data + p.first_half.size(), p.req.data + m_block_size);
                if (volatile_write_cache)
                    write_cache[p.req.block] = bytes;
                else
                    std::memcpy(at, bytes.data(), m_block_size);
                writes++;
            }
        }
        return cache.complete(p.req, status);
    }
    Wakeup complete_oldest(BlockCache& cache) { return complete(cache, 0); }
    void complete_all(BlockCache& cache)
    {
        while (!queue.empty())
            complete_oldest(cache);
    }
    uint8_t* block(uint64_t b) { return media.data() + b * m_block_size; }

    struct Pending {
        IoRequest req;
        std::vector<uint8_t> first_half;
    };
    uint32_t m_block_size;
    std::vector<uint8_t> media;
    std::deque<Pending> queue;
    std::vector<IoRequest> submitted;
    std::set<uint64_t> fail_blocks;
    // A drive write cache: completed writes sit here (lost in a crash) until a Flush.
    bool volatile_write_cache { false };
    std::map<uint64_t, std::vector<uint8_t>> write_cache;
    bool fail_flush { false };
    uint64_t flushes { 0 };
    uint32_t fail_per_mille { 0 };
    size_t queue_limit { 64 };
    uint64_t reads { 0 }, writes { 0 };
    Xoshiro128 rng { 7 };
};

// Single-threaded glue: "sleeping" means completing queued disk I/O (in random order when
// `shuffle` is set). Nothing in flight while someone waits is a deadlock: Timeout.
class TestGlue final : public CacheGlue {
public:
    TestGlue(BlockCache& cache, SimDisk& disk, FakeClock& clock) : m_cache(cache), m_disk(disk), m_clock(clock) { }
    void lock() override { }
    void unlock() override { }
    Result<void> wait(const Acquired&) override
    {
        if (m_disk.queue.empty()) {
            m_cache.flush(m_clock.now_ns() + 1000 * kNsPerSec); // age everything: force write-back
            if (m_disk.queue.empty())
                return Error::Timeout;
        }
        size_t i = shuffle ? m_disk.rng.next_u32() % m_disk.queue.size() : 0;
        m_disk.complete(m_cache, i);
        waits++;
        return {};
    }
    void wake(const Wakeup&) override { }
    Nanoseconds now() override { return m_clock.now_ns(); }

    bool shuffle { false };
    uint64_t waits { 0 };

private:
    BlockCache& m_cache;
    SimDisk& m_disk;
    FakeClock& m_clock;
};

// A cache with heap storage sized at run time (tests only).
struct TestCache {
    TestCache(uint32_t slots, uint32_t block_size, CacheConfig cfg = {})
        : entries(slots), buckets(std::bit_ceil(slots)), data(size_t(slots) * block_size),
          cache(entries, buckets, data, with_block_size(cfg, block_size))
    {
    }
    static CacheConfig with_block_size(CacheConfig c, uint32_t bs)
    {
        c.block_size = bs;
        return c;
    }
    std::vector<CacheEntry> entries;
    std::vector<uint32_t> buckets;
    std::vector<uint8_t> data;
    BlockCache cache;
};

} // namespace oh::block::test
