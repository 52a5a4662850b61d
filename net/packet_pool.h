// A fixed pool of packet buffers: where received datagrams wait for their socket and
// outgoing packets wait for ARP. Nothing is allocated on receive beyond this pool.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "net/ethernet.h"
#include "lib/bytes.h"

namespace oh::net {

template<size_t Count, size_t Size>
class PacketPool {
    static_assert(Count <= 64, "the free map is one 64-bit word");

public:
    static constexpr uint8_t kNone = 0xff;

    // Returns a buffer index, or kNone when every buffer is in use.
    uint8_t allocate()
    {
        for (uint8_t i = 0; i < Count; ++i) {
            if (!(m_used & (uint64_t(1) << i))) {
                m_used |= uint64_t(1) << i;
                m_length[i] = 0;
                m_next[i] = kNone;
                return i;
            }
        }
        return kNone;
    }
    void release(uint8_t i)
    {
        if (i < Count)
            m_used &= ~(uint64_t(1) << i);
    }
    // Datagrams larger than one buffer (reassembled ones) are chains of buffers.
    void link(uint8_t i, uint8_t next) { m_next[i] = next; }
    uint8_t next(uint8_t i) const { return m_next[i]; }
    // Releases a whole chain; returns how many buffers it held.
    size_t release_chain(uint8_t head)
    {
        size_t n = 0;
        for (uint8_t next; head < Count; head = next, ++n) {
            next = m_next[head];
            release(head);
        }
        return n;
    }
    std::span<uint8_t> buffer(uint8_t i) { return { m_data[i], Size }; }
    std::span<const uint8_t> contents(uint8_t i) const { return { m_data[i], m_length[i] }; }
    void set_length(uint8_t i, size_t n) { m_length[i] = uint16_t(n); }
    size_t in_use() const { return size_t(count_bits(m_used)); }
    static constexpr size_t capacity() { return Count; }

private:
    uint64_t m_used { 0 };
    uint16_t m_length[Count] {};
    uint8_t m_next[Count] {};
    uint8_t m_data[Count][Size];
};

} // namespace oh::net
