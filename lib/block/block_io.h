// Synchronous block access over the cache for filesystem code: pins, waits, copies.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/block/block_cache.h"

namespace oh::block {

// What the environment provides around the pure cache: a lock held during every cache call,
// a condition-variable style wait, and a wake-up. The kernel sleeps on per-slot wait queues;
// hosted tests complete simulated disk I/O inside wait().
class CacheGlue {
public:
    virtual void lock() = 0;
    virtual void unlock() = 0;
    // Called with the lock held: release it, sleep until `what` may have changed, relock.
    // An error (Timeout) aborts the access.
    virtual Result<void> wait(const Acquired& what) = 0;
    // Wake whoever waits for what `w` names (called without the lock).
    virtual void wake(const Wakeup& w) = 0;
    virtual Nanoseconds now() = 0;

protected:
    ~CacheGlue() = default;
};

// A pinned block; unpins on destruction.
class BlockRef {
public:
    BlockRef() = default;
    BlockRef(const BlockRef&) = delete;
    BlockRef& operator=(const BlockRef&) = delete;
    BlockRef(BlockRef&& o) : m_cache(o.m_cache), m_glue(o.m_glue), m_slot(o.m_slot) { o.m_cache = nullptr; }
    BlockRef& operator=(BlockRef&& o);
    ~BlockRef() { reset(); }

    std::span<uint8_t> bytes() const;
    void mark_dirty();
    void reset();
    bool valid() const { return m_cache != nullptr; }

private:
    friend class BlockIo;
    BlockRef(BlockCache* cache, CacheGlue* glue, uint32_t slot) : m_cache(cache), m_glue(glue), m_slot(slot) { }

    BlockCache* m_cache { nullptr };
    CacheGlue* m_glue { nullptr };
    uint32_t m_slot { kNoSlot };
};

// One device seen through the cache.
class BlockIo {
public:
    BlockIo(BlockCache& cache, CacheGlue& glue, DeviceId device) : m_cache(cache), m_glue(glue), m_device(device) { }

    Result<BlockRef> get(BlockNumber block, Intent intent);
    // Byte-range helpers (the range must lie inside one block).
    Result<void> read(BlockNumber block, uint32_t offset, std::span<uint8_t> out);
    Result<void> write(BlockNumber block, uint32_t offset, std::span<const uint8_t> in);
    // Start a sync of every dirty block and wait until it is on disk.
    Result<void> sync();
    uint32_t block_size() const { return m_cache.block_size(); }

private:
    BlockCache& m_cache;
    CacheGlue& m_glue;
    DeviceId m_device;
};

} // namespace oh::block
