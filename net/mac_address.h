// Ethernet MAC address value type (48 bits, kept in wire order).
#pragma once

#include <stdint.h>

#include "lib/bytes.h"

namespace oh::net {

struct MacAddress {
    uint8_t bytes[6] {};

    static constexpr MacAddress broadcast() { return { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } }; }
    static MacAddress from(const uint8_t* p)
    {
        MacAddress m;
        copy_bytes(m.bytes, p, 6);
        return m;
    }
    void store(uint8_t* p) const { copy_bytes(p, bytes, 6); }

    constexpr bool is_broadcast() const
    {
        for (uint8_t b : bytes)
            if (b != 0xff)
                return false;
        return true;
    }
    // IEEE 802-2014 §8.2: the I/G bit (lsb of the first octet) marks group addresses.
    constexpr bool is_multicast() const { return bytes[0] & 1; }
    constexpr bool is_zero() const
    {
        for (uint8_t b : bytes)
            if (b != 0)
                return false;
        return true;
    }
    constexpr bool operator==(const MacAddress&) const = default;
};

} // namespace oh::net
