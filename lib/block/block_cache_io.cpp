// Block cache I/O scheduling: reads before writes, C-SCAN elevator, completions.
#include "lib/block/block_cache.h"

namespace oh::block {

void BlockCache::dispatch()
{
    // submit() may complete synchronously (a RAM disk) and re-enter through complete();
    // the outer call keeps going until no device can take more.
    if (m_dispatching)
        return;
    m_dispatching = true;
    for (DeviceId id = 0; id < kMaxDevices; id++) {
        if (m_devices[id].driver)
            dispatch_device(id);
    }
    m_dispatching = false;
}

// A requested flush waits for the device to drain, goes out alone, and holds back
// everything queued after it, so it covers exactly the writes completed before it.
bool BlockCache::dispatch_flush(DeviceId id)
{
    Device& d = m_devices[id];
    if (d.flush_in_flight)
        return true;
    if (d.flush_requested == d.flush_issued)
        return false;
    if (d.in_flight > 0 || d.busy)
        return true;
    IoRequest req { IoOp::Flush, id, 0, nullptr, 0, kNoSlot };
    d.flush_in_flight = true;
    d.in_flight++;
    uint64_t previous = d.flush_issued;
    d.flush_issued = d.flush_requested;
    m_stats.flushes++;
    if (d.driver->submit(req).is_error()) {
        d.flush_in_flight = false;
        d.in_flight--;
        d.flush_issued = previous;
        d.busy = true;
        m_stats.flushes--;
        m_stats.submit_busy++;
    }
    return true;
}

uint64_t BlockCache::request_flush(DeviceId device)
{
    if (device >= kMaxDevices || !m_devices[device].driver)
        return 0;
    uint64_t ticket = ++m_devices[device].flush_requested;
    dispatch();
    return ticket;
}

SyncState BlockCache::flush_state(DeviceId device, uint64_t ticket) const
{
    if (device >= kMaxDevices || ticket == 0)
        return SyncState::Failed;
    const Device& d = m_devices[device];
    if (d.flush_done < ticket)
        return SyncState::Pending;
    return d.flush_ok ? SyncState::Done : SyncState::Failed;
}

Wakeup BlockCache::complete_flush(const IoRequest& request, IoStatus status)
{
    Device& d = m_devices[request.device];
    if (!d.flush_in_flight)
        return {}; // not ours
    d.flush_in_flight = false;
    if (d.in_flight > 0)
        d.in_flight--;
    d.busy = false;
    d.flush_done = d.flush_issued;
    d.flush_ok = status == IoStatus::Ok;
    if (!d.flush_ok)
        m_stats.flush_errors++;
    dispatch();
    return Wakeup { kNoSlot, true };
}

void BlockCache::dispatch_device(DeviceId id)
{
    Device& d = m_devices[id];
    if (dispatch_flush(id))
        return;
    while (!d.busy && d.in_flight < d.max_in_flight && d.queued_reads + d.queued_writes > 0) {
        // Reads first: someone is waiting for them, while write-back is only owed. A cap on
        // reads in a row keeps a steady read load from starving write-back forever.
        IoOp op;
        if (d.queued_writes == 0)
            d.read_burst = 0;
        if (d.queued_reads > 0 && (d.queued_writes == 0 || d.read_burst < m_config.max_read_burst)) {
            op = IoOp::Read;
            d.read_burst++;
        } else {
            op = IoOp::Write;
            d.read_burst = 0;
        }
        uint32_t slot = pick_next(id, op);
        if (slot == kNoSlot) {
            // Counters disagree with the entries: a bug of ours; resynchronise, never spin.
            if (op == IoOp::Read)
                d.queued_reads = 0;
            else
                d.queued_writes = 0;
            continue;
        }
        CacheEntry& e = m_entries[slot];
        IoRequest req { op, id, e.block, data(slot).data(), m_config.block_size, slot };
        e.queued = false;
        e.in_flight = true;
        (op == IoOp::Read ? d.queued_reads : d.queued_writes)--;
        d.in_flight++;
        BlockNumber previous_head = d.head;
        d.head = e.block;
        if (op == IoOp::Read)
            m_stats.reads_issued++;
        else
            m_stats.writes_issued++;
        if (d.driver->submit(req).is_error()) {
            // Not accepted: put it back and wait for a completion to free the driver.
            e.queued = true;
            e.in_flight = false;
            (op == IoOp::Read ? d.queued_reads : d.queued_writes)++;
            (op == IoOp::Read ? m_stats.reads_issued : m_stats.writes_issued)--;
            d.in_flight--;
            d.head = previous_head;
            d.busy = true;
            m_stats.submit_busy++;
        }
    }
}

// C-SCAN: the nearest queued block at or after the head, else wrap to the lowest one.
uint32_t BlockCache::pick_next(DeviceId id, IoOp op) const
{
    EntryState want = op == IoOp::Read ? EntryState::PendingRead : EntryState::PendingWrite;
    BlockNumber head = m_devices[id].head;
    uint32_t ahead = kNoSlot, lowest = kNoSlot;
    for (uint32_t s = 0; s < m_entries.size(); s++) {
        const CacheEntry& e = m_entries[s];
        if (!e.queued || e.device != id || e.state != want)
            continue;
        if (e.block >= head && (ahead == kNoSlot || e.block < m_entries[ahead].block))
            ahead = s;
        if (lowest == kNoSlot || e.block < m_entries[lowest].block)
            lowest = s;
    }
    return ahead != kNoSlot ? ahead : lowest;
}

Wakeup BlockCache::complete(const IoRequest& request, IoStatus status)
{
    if (request.device >= kMaxDevices)
        return {};
    if (request.op == IoOp::Flush)
        return complete_flush(request, status);
    uint32_t slot = request.tag;
    if (slot >= m_entries.size())
        return {};
    CacheEntry& e = m_entries[slot];
    if (!e.in_flight || e.device != request.device || e.block != request.block)
        return {}; // not a request of ours: a confused driver must not corrupt the cache
    Device& d = m_devices[request.device];
    e.in_flight = false;
    if (d.in_flight > 0)
        d.in_flight--;
    d.busy = false;
    Wakeup w = finish(slot, request.op, status);
    dispatch();
    w.space = w.space || has_space();
    return w;
}

Wakeup BlockCache::finish(uint32_t slot, IoOp op, IoStatus status)
{
    CacheEntry& e = m_entries[slot];
    Wakeup w { slot, false };
    if (op == IoOp::Read) {
        if (status == IoStatus::Ok) {
            e.state = EntryState::Clean;
        } else {
            e.state = EntryState::Failed; // waiters see IoError once, then it is forgotten
            m_stats.read_errors++;
        }
    } else if (status == IoStatus::Ok) {
        e.state = EntryState::Clean;
        e.write_failed = false;
        if (m_dirty > 0)
            m_dirty--;
    } else {
        // Keep the data: it exists nowhere else. The flusher retries; sync reports Failed.
        e.state = EntryState::Dirty;
        e.write_failed = true;
        m_stats.write_errors++;
    }
    maybe_make_evictable(slot);
    w.space = e.in_lru;
    return w;
}

} // namespace oh::block
