// Synchronous block access: the acquire/wait/retry loop around the pure cache.
#include "lib/block/block_io.h"

#include "lib/bytes.h"

namespace oh::block {

BlockRef& BlockRef::operator=(BlockRef&& o)
{
    if (this != &o) {
        reset();
        m_cache = o.m_cache;
        m_glue = o.m_glue;
        m_slot = o.m_slot;
        o.m_cache = nullptr;
    }
    return *this;
}

std::span<uint8_t> BlockRef::bytes() const { return m_cache ? m_cache->data(m_slot) : std::span<uint8_t> {}; }

void BlockRef::mark_dirty()
{
    if (!m_cache)
        return;
    m_glue->lock();
    m_cache->mark_dirty(m_slot, m_glue->now());
    m_glue->unlock();
}

void BlockRef::reset()
{
    if (!m_cache)
        return;
    m_glue->lock();
    Wakeup w = m_cache->release(m_slot);
    m_glue->unlock();
    m_glue->wake(w);
    m_cache = nullptr;
}

Result<BlockRef> BlockIo::get(BlockNumber block, Intent intent)
{
    m_glue.lock();
    for (;;) {
        auto r = m_cache.acquire(m_device, block, intent, m_glue.now());
        if (r.is_error()) {
            m_glue.unlock();
            return r.error_info();
        }
        if (r->status == Acquired::Status::Ready) {
            m_glue.unlock();
            return BlockRef(&m_cache, &m_glue, r->slot);
        }
        auto waited = m_glue.wait(*r);
        if (waited.is_error()) {
            m_glue.unlock();
            return waited.error_info();
        }
    }
}

Result<void> BlockIo::read(BlockNumber block, uint32_t offset, std::span<uint8_t> out)
{
    if (offset > block_size() || out.size() > block_size() - offset)
        return Error::InvalidArgument;
    BlockRef ref = TRY(get(block, Intent::Read));
    copy_bytes(out.data(), ref.bytes().data() + offset, out.size());
    return {};
}

Result<void> BlockIo::write(BlockNumber block, uint32_t offset, std::span<const uint8_t> in)
{
    if (offset > block_size() || in.size() > block_size() - offset)
        return Error::InvalidArgument;
    Intent intent = (offset == 0 && in.size() == block_size()) ? Intent::Overwrite : Intent::Modify;
    BlockRef ref = TRY(get(block, intent));
    copy_bytes(ref.bytes().data() + offset, in.data(), in.size());
    ref.mark_dirty();
    return {};
}

// Write back every dirty block, then flush the device's write cache: only then is the
// data durable (a drive may hold completed writes in volatile memory).
Result<void> BlockIo::sync()
{
    m_glue.lock();
    uint64_t ticket = m_cache.sync();
    uint64_t flush = 0;
    for (;;) {
        SyncState s = flush ? m_cache.flush_state(m_device, flush) : m_cache.sync_state(ticket);
        if (s == SyncState::Done && !flush) {
            flush = m_cache.request_flush(m_device);
            if (flush == 0) {
                m_glue.unlock();
                return Error::InvalidArgument;
            }
            continue;
        }
        if (s != SyncState::Pending) {
            m_glue.unlock();
            return s == SyncState::Done ? Result<void> {} : Result<void>(Error::IoError);
        }
        auto waited = m_glue.wait(Acquired { Acquired::Status::WaitSpace, kNoSlot });
        if (waited.is_error()) {
            m_glue.unlock();
            return waited.error_info();
        }
    }
}

} // namespace oh::block
