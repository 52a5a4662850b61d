// IPv4 address and UDP endpoint value types shared by net/ (the stack) and sip/ (its user).
#pragma once

#include <stdint.h>

namespace oh {

// Host byte order inside; the wire format is produced by net/ with store_be32.
struct Ipv4Address {
    uint32_t value { 0 };

    constexpr Ipv4Address() = default;
    constexpr explicit Ipv4Address(uint32_t v) : value(v) { }
    constexpr Ipv4Address(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
        : value((uint32_t(a) << 24) | (uint32_t(b) << 16) | (uint32_t(c) << 8) | d)
    {
    }
    constexpr uint8_t octet(int i) const { return uint8_t(value >> (24 - 8 * i)); }
    constexpr bool is_unspecified() const { return value == 0; }
    constexpr bool is_broadcast() const { return value == 0xffffffffu; }
    constexpr bool is_multicast() const { return (value >> 28) == 0xe; }
    constexpr bool operator==(const Ipv4Address&) const = default;
};

struct Endpoint {
    Ipv4Address address {};
    uint16_t port { 0 };
    constexpr bool operator==(const Endpoint&) const = default;
};

} // namespace oh
