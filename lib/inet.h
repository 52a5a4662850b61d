// IPv4 address and UDP endpoint value types shared by net/ (the stack) and sip/ (its user).
#pragma once

#include <stdint.h>

#include <optional>

#include "lib/text.h"

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

// "a.b.c.d", four decimal octets of at most three digits each, nothing else (RFC 3986 §3.2.2's
// IPv4address, leading zeros allowed as inet_aton's decimal form reads them).
constexpr std::optional<Ipv4Address> parse_dotted_quad(Str s)
{
    uint32_t v = 0;
    for (int part = 0; part < 4; part++) {
        size_t end = 0;
        while (end < s.size() && is_digit(s[end]))
            end++;
        auto octet = end <= 3 ? parse_uint(s.substr(0, end), 255) : std::nullopt;
        if (!octet)
            return std::nullopt;
        v = (v << 8) | *octet;
        s.remove_prefix(end);
        if (part < 3) {
            if (s.empty() || s[0] != '.')
                return std::nullopt;
            s.remove_prefix(1);
        }
    }
    if (!s.empty())
        return std::nullopt;
    return Ipv4Address(v);
}

} // namespace oh
