// The Internet checksum (RFC 1071): one's-complement sum of 16-bit words, used by IPv4,
// ICMP and UDP.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/inet.h"

namespace oh::net {

// Accumulates 16-bit big-endian words; bytes may be added in several pieces as long as every
// piece but the last has an even length (true for the headers we chain).
class Checksum {
public:
    void add(std::span<const uint8_t> data)
    {
        size_t i = 0;
        for (; i + 1 < data.size(); i += 2)
            m_sum += uint32_t(data[i] << 8 | data[i + 1]);
        if (i < data.size())
            m_sum += uint32_t(data[i] << 8);
        fold();
    }
    void add16(uint16_t v)
    {
        m_sum += v;
        fold();
    }
    void add32(uint32_t v)
    {
        add16(uint16_t(v >> 16));
        add16(uint16_t(v));
    }
    // RFC 768 / RFC 1071 §4: the pseudo-header the UDP checksum covers.
    void add_pseudo_header(Ipv4Address src, Ipv4Address dst, uint8_t protocol, uint16_t length)
    {
        add32(src.value);
        add32(dst.value);
        add16(protocol);
        add16(length);
    }
    // The value to store: the complement of the folded sum.
    uint16_t finish() const { return uint16_t(~m_sum); }
    // A message that includes its own checksum field sums to 0xffff when intact.
    bool verifies() const { return uint16_t(m_sum) == 0xffff; }

private:
    void fold()
    {
        // End-around carry until the sum fits 16 bits again (RFC 1071 §2(C)).
        while (m_sum >> 16)
            m_sum = (m_sum & 0xffff) + (m_sum >> 16);
    }
    uint32_t m_sum { 0 };
};

inline uint16_t internet_checksum(std::span<const uint8_t> data)
{
    Checksum c;
    c.add(data);
    return c.finish();
}

} // namespace oh::net
