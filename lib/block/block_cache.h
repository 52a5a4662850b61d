// Block cache policy: lookup by (device, block), one read per miss however many readers,
// delayed write-back, elevator-ordered I/O, LRU eviction of clean blocks. Pure: no locks,
// no sleeping. The kernel glue holds a lock around every call and turns the Wait states
// below into sleeps on a per-slot wait queue and one "space" wait queue.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <bit>
#include <span>

#include "lib/block/block_device.h"
#include "lib/clock.h"
#include "lib/result.h"

namespace oh::block {

constexpr uint32_t kNoSlot = 0xffffffffu;
constexpr size_t kMaxDevices = 4;

enum class EntryState : uint8_t {
    Free,         // not holding any block
    PendingRead,  // read queued or in flight: data invalid; readers wait on the slot
    Clean,        // data matches the disk
    Dirty,        // data newer than the disk; written back by flush()/sync()/pressure
    PendingWrite, // write-back queued or in flight: data frozen; writers wait on the slot
    Failed,       // the read failed; the next acquire() reports IoError and forgets it
};

// What the caller means to do with a block.
enum class Intent : uint8_t {
    Read,      // shared pin, data must be valid
    Modify,    // exclusive write pin, data must be valid (read-modify-write)
    Overwrite, // exclusive write pin, the caller rewrites the whole block: no disk read
};

// One cache slot. Kept in caller-provided storage (see BlockCacheStorage).
struct CacheEntry {
    BlockNumber block { 0 };
    Nanoseconds dirty_since { 0 }; // when it first became dirty (flusher age)
    uint64_t dirty_seq { 0 };      // sequence number of its oldest unwritten change (sync)
    uint64_t last_use { 0 };
    uint32_t hash_next { kNoSlot }; // bucket chain; also the free-list link
    uint32_t lru_prev { kNoSlot };
    uint32_t lru_next { kNoSlot };
    uint16_t readers { 0 };
    DeviceId device { 0 };
    EntryState state { EntryState::Free };
    bool writer { false };       // an exclusive write pin is held
    bool queued { false };       // waiting in the cache's I/O queue, not yet submitted
    bool in_flight { false };    // submitted to the device
    bool write_failed { false }; // last write-back failed; retried by the next flush
    bool in_lru { false };
};

struct CacheConfig {
    uint32_t block_size { 512 };
    Nanoseconds max_dirty_age { kNsPerSec }; // the flusher writes blocks older than this
    uint32_t dirty_limit { 0 };              // 0: 3/4 of the slots
    uint32_t max_read_burst { 8 };           // reads dispatched in a row while writes wait
    uint32_t pressure_batch { 8 };           // write-backs started when space runs out
};

struct CacheStats {
    uint64_t hits { 0 }; // Ready acquisitions of a cached block (a retry after a wait counts too)
    uint64_t misses { 0 };
    uint64_t coalesced { 0 }; // a reader found the read already pending
    uint64_t reads_issued { 0 };
    uint64_t writes_issued { 0 };
    uint64_t read_errors { 0 };
    uint64_t write_errors { 0 };
    uint64_t evictions { 0 };
    uint64_t waits_block { 0 };
    uint64_t waits_space { 0 };
    uint64_t submit_busy { 0 };
    uint64_t flushes { 0 };
    uint64_t flush_errors { 0 };
};

// The result of acquire(): either a pinned block, or what to wait for before retrying.
struct Acquired {
    enum class Status : uint8_t {
        Ready,     // `slot` is pinned; use data(slot), then release(slot)
        WaitBlock, // sleep until `slot` is woken by complete(), then call acquire() again
        WaitSpace, // every slot is dirty or pinned: sleep until complete() reports space
    };
    Status status { Status::Ready };
    uint32_t slot { kNoSlot };
};

// What complete() tells the glue to wake.
struct Wakeup {
    uint32_t slot { kNoSlot }; // waiters on this slot
    bool space { false };      // waiters for space
};

// Sync progress for a ticket from sync().
enum class SyncState : uint8_t { Pending, Done, Failed };

class BlockCache {
public:
    // `entries` and `data` (entries.size() * block_size bytes) and `buckets` (a power of
    // two, at least entries.size()) are owned by the caller and live as long as the cache.
    BlockCache(std::span<CacheEntry> entries, std::span<uint32_t> buckets, std::span<uint8_t> data,
        const CacheConfig& config);
    BlockCache(const BlockCache&) = delete;
    BlockCache& operator=(const BlockCache&) = delete;

    Result<void> attach(DeviceId id, BlockDevice& device, BlockNumber block_count, uint32_t max_in_flight);

    Result<Acquired> acquire(DeviceId device, BlockNumber block, Intent intent, Nanoseconds now);
    std::span<uint8_t> data(uint32_t slot);
    // Record a change made under a write pin (before release()).
    // release() drops a pin; what it returns is woken as for complete().
    void mark_dirty(uint32_t slot, Nanoseconds now);
    Wakeup release(uint32_t slot);

    // The driver reports a finished request (the one it was given, unchanged).
    Wakeup complete(const IoRequest& request, IoStatus status);

    // Flusher: start write-back of blocks dirty for at least max_dirty_age. Returns when
    // the next block will come of age (or 0 when nothing is dirty), for the flusher's sleep.
    Nanoseconds flush(Nanoseconds now);
    // Start write-back of everything dirty now (all devices); poll sync_state(ticket).
    uint64_t sync();
    SyncState sync_state(uint64_t ticket) const;
    // Ask the device to make its completed writes durable (a barrier: queued I/O waits until
    // the flush is done). Poll flush_state(device, ticket); 0 means a bad device.
    uint64_t request_flush(DeviceId device);
    SyncState flush_state(DeviceId device, uint64_t ticket) const;

    const CacheStats& stats() const { return m_stats; }
    uint32_t capacity() const { return uint32_t(m_entries.size()); }
    uint32_t block_size() const { return m_config.block_size; }
    uint32_t dirty_count() const { return m_dirty; }
    uint32_t in_flight(DeviceId device) const;
    // For tests and the debugger: the state of (device, block), Free when not cached.
    EntryState state_of(DeviceId device, BlockNumber block) const;
    bool has_space() const;

private:
    struct Device {
        BlockDevice* driver { nullptr };
        BlockNumber block_count { 0 };
        BlockNumber head { 0 }; // elevator position: last block dispatched
        uint32_t max_in_flight { 1 };
        uint32_t in_flight { 0 };
        uint32_t queued_reads { 0 };
        uint32_t queued_writes { 0 };
        uint32_t read_burst { 0 };
        bool busy { false }; // submit() said Busy: wait for a completion
        uint64_t flush_requested { 0 }; // tickets handed out
        uint64_t flush_issued { 0 };    // the newest ticket sent to the device
        uint64_t flush_done { 0 };      // the newest ticket completed
        bool flush_in_flight { false };
        bool flush_ok { true };         // how the newest completed flush went
    };

    uint32_t bucket_of(DeviceId device, BlockNumber block) const;
    uint32_t find(DeviceId device, BlockNumber block) const;
    uint32_t allocate(DeviceId device, BlockNumber block);
    void hash_remove(uint32_t slot);
    void lru_push_front(uint32_t slot);
    void lru_remove(uint32_t slot);
    void maybe_make_evictable(uint32_t slot);
    void free_slot(uint32_t slot);
    Result<Acquired> acquire_hit(uint32_t slot, Intent intent, Nanoseconds now);
    Result<Acquired> acquire_miss(DeviceId device, BlockNumber block, Intent intent, Nanoseconds now);
    bool over_dirty_limit() const;
    void relieve_pressure();
    bool start_writeback(uint32_t slot);
    void enqueue(uint32_t slot);

    // Elevator (block_cache_io.cpp).
    void dispatch();
    void dispatch_device(DeviceId id);
    bool dispatch_flush(DeviceId id);
    Wakeup complete_flush(const IoRequest& request, IoStatus status);
    uint32_t pick_next(DeviceId id, IoOp op) const;
    Wakeup finish(uint32_t slot, IoOp op, IoStatus status);

    std::span<CacheEntry> m_entries;
    std::span<uint32_t> m_buckets;
    std::span<uint8_t> m_data;
    CacheConfig m_config;
    Device m_devices[kMaxDevices] {};
    CacheStats m_stats {};
    uint32_t m_free_head { kNoSlot };
    uint32_t m_lru_head { kNoSlot }; // most recently used
    uint32_t m_lru_tail { kNoSlot }; // eviction candidate
    uint32_t m_dirty { 0 };          // Dirty + PendingWrite
    uint64_t m_seq { 0 };            // change sequence, for sync tickets
    uint64_t m_use_clock { 0 };
    uint64_t m_sync_target { 0 };    // writer releases at or below this are written at once
    bool m_dispatching { false };
};

// Static storage for a cache of N blocks of BlockSize bytes (a global in the kernel).
template<size_t N, size_t BlockSize>
struct BlockCacheStorage {
    static constexpr size_t kBuckets = std::bit_ceil(N);
    CacheEntry entries[N];
    uint32_t buckets[kBuckets];
    alignas(64) uint8_t data[N * BlockSize];
};

} // namespace oh::block
