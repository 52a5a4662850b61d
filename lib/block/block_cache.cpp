// Block cache: lookup, pinning, dirty tracking, eviction, flush and sync.
#include "lib/block/block_cache.h"

namespace oh::block {

BlockCache::BlockCache(std::span<CacheEntry> entries, std::span<uint32_t> buckets, std::span<uint8_t> data,
    const CacheConfig& config)
    : m_config(config)
{
    if (m_config.block_size == 0)
        m_config.block_size = 512;
    // Mismatched storage shrinks the cache rather than overrunning it.
    size_t usable = entries.size();
    if (data.size() / m_config.block_size < usable)
        usable = data.size() / m_config.block_size;
    if (usable > 0xfffffff0u)
        usable = 0xfffffff0u;
    m_entries = entries.first(usable);
    m_data = data.first(usable * m_config.block_size);
    m_buckets = buckets.first(buckets.empty() ? 0 : std::bit_floor(buckets.size()));
    if (m_config.dirty_limit == 0 || m_config.dirty_limit > usable)
        m_config.dirty_limit = uint32_t(usable - usable / 4);
    if (m_config.dirty_limit == 0)
        m_config.dirty_limit = 1;
    for (auto& b : m_buckets)
        b = kNoSlot;
    for (size_t i = usable; i > 0; i--) {
        m_entries[i - 1] = CacheEntry {};
        m_entries[i - 1].hash_next = m_free_head;
        m_free_head = uint32_t(i - 1);
    }
}

Result<void> BlockCache::attach(DeviceId id, BlockDevice& device, BlockNumber block_count, uint32_t max_in_flight)
{
    if (id >= kMaxDevices || m_devices[id].driver || max_in_flight == 0)
        return Error::InvalidArgument;
    if (m_buckets.empty() || m_entries.empty())
        return Error::NoMemory;
    m_devices[id] = Device {};
    m_devices[id].driver = &device;
    m_devices[id].block_count = block_count;
    m_devices[id].max_in_flight = max_in_flight;
    return {};
}

uint32_t BlockCache::bucket_of(DeviceId device, BlockNumber block) const
{
    uint64_t h = (block ^ (uint64_t(device) << 56)) * 0x9e3779b97f4a7c15ull;
    return uint32_t(h >> 32) & uint32_t(m_buckets.size() - 1);
}

uint32_t BlockCache::find(DeviceId device, BlockNumber block) const
{
    if (m_buckets.empty())
        return kNoSlot;
    for (uint32_t s = m_buckets[bucket_of(device, block)]; s != kNoSlot; s = m_entries[s].hash_next) {
        if (m_entries[s].device == device && m_entries[s].block == block)
            return s;
    }
    return kNoSlot;
}

void BlockCache::hash_remove(uint32_t slot)
{
    CacheEntry& e = m_entries[slot];
    uint32_t* link = &m_buckets[bucket_of(e.device, e.block)];
    while (*link != kNoSlot && *link != slot)
        link = &m_entries[*link].hash_next;
    if (*link == slot)
        *link = e.hash_next;
    e.hash_next = kNoSlot;
}

void BlockCache::lru_push_front(uint32_t slot)
{
    CacheEntry& e = m_entries[slot];
    if (e.in_lru)
        return;
    e.lru_prev = kNoSlot;
    e.lru_next = m_lru_head;
    if (m_lru_head != kNoSlot)
        m_entries[m_lru_head].lru_prev = slot;
    m_lru_head = slot;
    if (m_lru_tail == kNoSlot)
        m_lru_tail = slot;
    e.in_lru = true;
}

void BlockCache::lru_remove(uint32_t slot)
{
    CacheEntry& e = m_entries[slot];
    if (!e.in_lru)
        return;
    if (e.lru_prev != kNoSlot)
        m_entries[e.lru_prev].lru_next = e.lru_next;
    else
        m_lru_head = e.lru_next;
    if (e.lru_next != kNoSlot)
        m_entries[e.lru_next].lru_prev = e.lru_prev;
    else
        m_lru_tail = e.lru_prev;
    e.lru_prev = e.lru_next = kNoSlot;
    e.in_lru = false;
}

// Only clean (or failed) unpinned blocks may be evicted: dirty data exists nowhere else.
void BlockCache::maybe_make_evictable(uint32_t slot)
{
    CacheEntry& e = m_entries[slot];
    if ((e.state == EntryState::Clean || e.state == EntryState::Failed) && e.readers == 0 && !e.writer)
        lru_push_front(slot);
}

void BlockCache::free_slot(uint32_t slot)
{
    lru_remove(slot);
    hash_remove(slot);
    CacheEntry& e = m_entries[slot];
    e = CacheEntry {};
    e.hash_next = m_free_head;
    m_free_head = slot;
}

uint32_t BlockCache::allocate(DeviceId device, BlockNumber block)
{
    uint32_t slot = m_free_head;
    if (slot != kNoSlot) {
        m_free_head = m_entries[slot].hash_next;
    } else {
        slot = m_lru_tail;
        if (slot == kNoSlot)
            return kNoSlot;
        lru_remove(slot);
        hash_remove(slot);
        m_stats.evictions++;
    }
    CacheEntry& e = m_entries[slot];
    e = CacheEntry {};
    e.device = device;
    e.block = block;
    uint32_t& bucket = m_buckets[bucket_of(device, block)];
    e.hash_next = bucket;
    bucket = slot;
    return slot;
}

bool BlockCache::has_space() const { return m_free_head != kNoSlot || m_lru_tail != kNoSlot; }

bool BlockCache::over_dirty_limit() const { return m_dirty >= m_config.dirty_limit; }

void BlockCache::enqueue(uint32_t slot)
{
    CacheEntry& e = m_entries[slot];
    e.queued = true;
    if (e.state == EntryState::PendingRead)
        m_devices[e.device].queued_reads++;
    else
        m_devices[e.device].queued_writes++;
}

bool BlockCache::start_writeback(uint32_t slot)
{
    CacheEntry& e = m_entries[slot];
    if (e.state != EntryState::Dirty || e.writer)
        return false;
    e.state = EntryState::PendingWrite;
    enqueue(slot);
    return true;
}

// Back-pressure: the oldest dirty blocks go to disk so that their slots become clean.
void BlockCache::relieve_pressure()
{
    for (uint32_t n = 0; n < m_config.pressure_batch; n++) {
        uint32_t oldest = kNoSlot;
        for (uint32_t s = 0; s < m_entries.size(); s++) {
            const CacheEntry& e = m_entries[s];
            if (e.state == EntryState::Dirty && !e.writer
                && (oldest == kNoSlot || e.dirty_seq < m_entries[oldest].dirty_seq))
                oldest = s;
        }
        if (oldest == kNoSlot)
            return;
        start_writeback(oldest);
    }
}

Result<Acquired> BlockCache::acquire(DeviceId device, BlockNumber block, Intent intent, Nanoseconds now)
{
    if (device >= kMaxDevices || !m_devices[device].driver || block >= m_devices[device].block_count)
        return Error::InvalidArgument;
    uint32_t slot = find(device, block);
    auto result = slot != kNoSlot ? acquire_hit(slot, intent, now) : acquire_miss(device, block, intent, now);
    dispatch();
    return result;
}

Result<Acquired> BlockCache::acquire_hit(uint32_t slot, Intent intent, Nanoseconds now)
{
    CacheEntry& e = m_entries[slot];
    using S = Acquired::Status;
    switch (e.state) {
    case EntryState::Failed: {
        DeviceId device = e.device;
        BlockNumber block = e.block;
        free_slot(slot);
        if (intent == Intent::Overwrite)
            return acquire_miss(device, block, intent, now);
        return Error::IoError;
    }
    case EntryState::PendingRead:
        // A second reader of a block being read waits for the same transfer.
        m_stats.coalesced++;
        m_stats.waits_block++;
        return Acquired { S::WaitBlock, slot };
    case EntryState::PendingWrite:
        if (intent != Intent::Read) {
            // The buffer is being written to disk: changing it now could tear the block.
            m_stats.waits_block++;
            return Acquired { S::WaitBlock, slot };
        }
        break;
    case EntryState::Clean:
    case EntryState::Dirty:
        if (intent != Intent::Read) {
            if (e.writer) {
                m_stats.waits_block++;
                return Acquired { S::WaitBlock, slot };
            }
            if (e.state == EntryState::Clean && over_dirty_limit()) {
                relieve_pressure();
                m_stats.waits_space++;
                return Acquired { S::WaitSpace, kNoSlot };
            }
        }
        break;
    case EntryState::Free:
        return Error::InvalidArgument; // unreachable: free slots are not hashed
    }
    m_stats.hits++;
    lru_remove(slot);
    e.last_use = ++m_use_clock;
    if (intent == Intent::Read)
        e.readers++;
    else
        e.writer = true;
    return Acquired { S::Ready, slot };
}

Result<Acquired> BlockCache::acquire_miss(DeviceId device, BlockNumber block, Intent intent, Nanoseconds)
{
    using S = Acquired::Status;
    if (intent != Intent::Read && over_dirty_limit()) {
        relieve_pressure();
        m_stats.waits_space++;
        return Acquired { S::WaitSpace, kNoSlot };
    }
    uint32_t slot = allocate(device, block);
    if (slot == kNoSlot) {
        relieve_pressure();
        m_stats.waits_space++;
        return Acquired { S::WaitSpace, kNoSlot };
    }
    m_stats.misses++;
    CacheEntry& e = m_entries[slot];
    e.state = EntryState::PendingRead;
    e.last_use = ++m_use_clock;
    if (intent == Intent::Overwrite) {
        // No read: the writer fills the buffer. Until mark_dirty() it stays PendingRead so
        // that readers wait instead of seeing a half-written block.
        e.writer = true;
        return Acquired { S::Ready, slot };
    }
    enqueue(slot);
    m_stats.waits_block++;
    return Acquired { S::WaitBlock, slot };
}

std::span<uint8_t> BlockCache::data(uint32_t slot)
{
    if (slot >= m_entries.size())
        return {};
    return m_data.subspan(size_t(slot) * m_config.block_size, m_config.block_size);
}

void BlockCache::mark_dirty(uint32_t slot, Nanoseconds now)
{
    if (slot >= m_entries.size() || !m_entries[slot].writer)
        return; // only a write pin may change a block
    CacheEntry& e = m_entries[slot];
    if (e.state == EntryState::Dirty)
        return; // keep the age and sequence of its oldest unwritten change
    e.state = EntryState::Dirty;
    e.dirty_since = now;
    e.dirty_seq = ++m_seq;
    m_dirty++;
}

Wakeup BlockCache::release(uint32_t slot)
{
    Wakeup w;
    if (slot >= m_entries.size())
        return w;
    CacheEntry& e = m_entries[slot];
    if (e.writer) {
        e.writer = false;
        w.slot = slot;
        if (e.state == EntryState::PendingRead) {
            free_slot(slot); // an Overwrite pin released without writing anything
            w.space = true;
            return w;
        }
        if (e.state == EntryState::Dirty && e.dirty_seq <= m_sync_target)
            start_writeback(slot); // a sync is waiting for this block
    } else if (e.readers > 0) {
        e.readers--;
    }
    maybe_make_evictable(slot);
    w.space = e.in_lru;
    dispatch();
    return w;
}

Nanoseconds BlockCache::flush(Nanoseconds now)
{
    Nanoseconds next = 0;
    for (uint32_t s = 0; s < m_entries.size(); s++) {
        CacheEntry& e = m_entries[s];
        if (e.state != EntryState::Dirty)
            continue;
        Nanoseconds due = e.dirty_since + m_config.max_dirty_age;
        if (due <= now && start_writeback(s))
            continue;
        if (due <= now)
            due = now + m_config.max_dirty_age; // pinned by a writer: look again later
        if (next == 0 || due < next)
            next = due;
    }
    dispatch();
    return next;
}

uint64_t BlockCache::sync()
{
    m_sync_target = m_seq;
    for (uint32_t s = 0; s < m_entries.size(); s++)
        start_writeback(s);
    dispatch();
    return m_sync_target;
}

SyncState BlockCache::sync_state(uint64_t ticket) const
{
    SyncState result = SyncState::Done;
    for (const CacheEntry& e : m_entries) {
        if ((e.state == EntryState::Dirty || e.state == EntryState::PendingWrite) && e.dirty_seq <= ticket) {
            if (e.state == EntryState::Dirty && e.write_failed)
                return SyncState::Failed;
            result = SyncState::Pending;
        }
    }
    return result;
}

uint32_t BlockCache::in_flight(DeviceId device) const
{
    return device < kMaxDevices ? m_devices[device].in_flight : 0;
}

EntryState BlockCache::state_of(DeviceId device, BlockNumber block) const
{
    uint32_t s = find(device, block);
    return s == kNoSlot ? EntryState::Free : m_entries[s].state;
}

} // namespace oh::block
