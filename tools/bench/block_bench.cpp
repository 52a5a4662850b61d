// Block cache benchmark: throughput through the cache over a RAM disk with a simulated disk
// latency (a single-head model: command overhead + distance-proportional seek + transfer),
// hit rates on repeated workloads, and the cost of a sync.
//
// Build and run (from the repository root):
//   g++ -std=c++20 -O2 -I. tools/bench/block_bench.cpp lib/block/block_cache.cpp
//       lib/block/block_cache_io.cpp lib/block/block_io.cpp -o build/block_bench && ./build/block_bench
// (one line)
//
// "sim" figures are in simulated disk time (what a disk like the model would give); "cpu"
// figures are the real time this host spent in the cache policy per operation.
#include "lib/block/block_cache.h"
#include "lib/block/block_io.h"
#include "lib/random.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <vector>

using namespace oh;
using namespace oh::block;

namespace {

constexpr uint32_t kBlock = 4096;
constexpr uint64_t kDiskBlocks = 65536; // 256 MiB
constexpr uint32_t kSlots = 1024;       // 4 MiB cache

// Service time of one request [ns]: 50 us command, seek up to 4 ms by distance, 100 MB/s.
struct DiskModel {
    Nanoseconds service(BlockNumber from, BlockNumber to) const
    {
        Nanoseconds t = 50 * kNsPerUs + Nanoseconds(kBlock) * 10; // transfer at 100 MB/s
        if (from != to && from + 1 != to) {
            uint64_t d = from > to ? from - to : to - from;
            t += 200 * kNsPerUs + Nanoseconds(d) * 4 * kNsPerMs / kDiskBlocks;
        }
        return t;
    }
};

class RamDisk final : public BlockDevice {
public:
    RamDisk() : m_data(kDiskBlocks * kBlock) { }
    Result<void> submit(const IoRequest& r) override
    {
        m_queue.push_back(r);
        return {};
    }
    // Serve the oldest request: the clock moves by its service time.
    bool serve_one(BlockCache& cache, FakeClock& clock)
    {
        if (m_queue.empty())
            return false;
        IoRequest r = m_queue.front();
        m_queue.pop_front();
        if (r.op == IoOp::Flush) { // the model has no volatile cache: a command's overhead
            clock.advance(50 * kNsPerUs);
            cache.complete(r, IoStatus::Ok);
            return true;
        }
        clock.advance(m_model.service(m_head, r.block));
        m_head = r.block;
        uint8_t* at = m_data.data() + r.block * kBlock;
        if (r.op == IoOp::Read)
            std::memcpy(r.data, at, kBlock);
        else
            std::memcpy(at, r.data, kBlock);
        (r.op == IoOp::Read ? reads : writes)++;
        cache.complete(r, IoStatus::Ok);
        return true;
    }
    uint64_t reads { 0 }, writes { 0 };

private:
    std::vector<uint8_t> m_data;
    std::deque<IoRequest> m_queue;
    DiskModel m_model;
    BlockNumber m_head { 0 };
};

class BenchGlue final : public CacheGlue {
public:
    BenchGlue(BlockCache& c, RamDisk& d, FakeClock& k) : m_cache(c), m_disk(d), m_clock(k) { }
    void lock() override { }
    void unlock() override { }
    Result<void> wait(const Acquired&) override
    {
        if (!m_disk.serve_one(m_cache, m_clock)) {
            m_cache.flush(m_clock.now_ns() + 100 * kNsPerSec);
            if (!m_disk.serve_one(m_cache, m_clock))
                return Error::Timeout;
        }
        return {};
    }
    void wake(const Wakeup&) override { }
    Nanoseconds now() override { return m_clock.now_ns(); }

private:
    BlockCache& m_cache;
    RamDisk& m_disk;
    FakeClock& m_clock;
};

struct Bench {
    Bench() : entries(kSlots), buckets(kSlots), data(size_t(kSlots) * kBlock), cache(entries, buckets, data, config()),
              glue(cache, disk, clock), io(cache, glue, 0)
    {
        if (cache.attach(0, disk, kDiskBlocks, 4).is_error())
            std::printf("attach failed\n");
    }
    static CacheConfig config()
    {
        CacheConfig c;
        c.block_size = kBlock;
        return c;
    }
    std::vector<CacheEntry> entries;
    std::vector<uint32_t> buckets;
    std::vector<uint8_t> data;
    BlockCache cache;
    RamDisk disk;
    FakeClock clock;
    BenchGlue glue;
    BlockIo io;
};

using Wall = std::chrono::steady_clock;

void report(const char* name, uint64_t ops, Nanoseconds sim, Wall::duration cpu)
{
    double mb = double(ops) * kBlock / 1e6;
    double sec = double(sim) / 1e9;
    double cpu_ns = double(std::chrono::duration_cast<std::chrono::nanoseconds>(cpu).count()) / double(ops);
    std::printf("%-28s %7llu ops  sim %8.2f MB/s  %8.0f IOPS   cpu %7.0f ns/op\n", name, (unsigned long long)ops,
        sec > 0 ? mb / sec : 0.0, sec > 0 ? double(ops) / sec : 0.0, cpu_ns);
}

void rw(const char* name, bool write, bool random, uint64_t ops, bool sync_at_end)
{
    Bench b;
    Xoshiro128 rng(42);
    std::vector<uint8_t> buf(kBlock, 0x5a);
    auto t0 = Wall::now();
    Nanoseconds s0 = b.clock.now_ns();
    for (uint64_t i = 0; i < ops; i++) {
        BlockNumber blk = random ? rng.next_u32() % kDiskBlocks : i;
        auto r = write ? b.io.write(blk, 0, buf) : b.io.read(blk, 0, buf);
        if (r.is_error())
            std::printf("error at %llu\n", (unsigned long long)i);
    }
    if (sync_at_end && b.io.sync().is_error())
        std::printf("sync failed\n");
    report(name, ops, b.clock.now_ns() - s0, Wall::now() - t0);
}

void hit_rate(const char* name, uint32_t working_set, uint64_t ops)
{
    Bench b;
    Xoshiro128 rng(7);
    uint8_t v[8];
    for (uint64_t i = 0; i < ops; i++)
        if (b.io.read(rng.next_u32() % working_set, 0, v).is_error())
            std::printf("read error\n");
    // A hit is a read the disk never saw (the cache's own `hits` also counts retries after a miss).
    std::printf("%-28s working set %5u blocks (cache %u): hit rate %5.1f%%  (%llu disk reads for %llu reads)\n", name,
        working_set, kSlots, 100.0 * double(ops - b.disk.reads) / double(ops), (unsigned long long)b.disk.reads,
        (unsigned long long)ops);
}

void sync_cost(uint32_t dirty)
{
    Bench b;
    Xoshiro128 rng(3);
    std::vector<uint8_t> buf(kBlock, 1);
    for (uint32_t i = 0; i < dirty; i++)
        if (b.io.write(rng.next_u32() % kDiskBlocks, 0, buf).is_error())
            std::printf("write error\n");
    Nanoseconds s0 = b.clock.now_ns();
    uint64_t w0 = b.disk.writes;
    auto t0 = Wall::now();
    if (b.io.sync().is_error())
        std::printf("sync failed\n");
    auto cpu = std::chrono::duration_cast<std::chrono::microseconds>(Wall::now() - t0).count();
    std::printf("sync of %4u dirty blocks:     sim %8.2f ms, %4llu writes, cpu %6lld us\n", dirty,
        double(b.clock.now_ns() - s0) / 1e6, (unsigned long long)(b.disk.writes - w0), (long long)cpu);
}

} // namespace

int main()
{
    std::printf("block cache: %u slots x %u B, disk %llu blocks; model: 50 us/cmd + seek 0.2-4.2 ms + 100 MB/s\n",
        kSlots, kBlock, (unsigned long long)kDiskBlocks);
    rw("sequential read (cold)", false, false, 8192, false);
    rw("random read (cold)", false, true, 2048, false);
    rw("sequential write + sync", true, false, 8192, true);
    rw("random write + sync", true, true, 2048, true);
    hit_rate("repeated reads", kSlots / 2, 50000);
    hit_rate("repeated reads", kSlots * 2, 50000);
    sync_cost(0);
    sync_cost(64);
    sync_cost(512);
    return 0;
}
