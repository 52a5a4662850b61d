// Where a call's media listens: an even RTP port drawn at random from a range, RTCP on the
// next one (RFC 3550 §11), so that an off-path sender cannot guess it.
#pragma once

#include <stdint.h>

#include <optional>

#include "lib/random.h"
#include "lib/text.h"

namespace oh::media {

// Asterisk's rtp.conf default (rtpstart=10000, rtpend=20000).
struct RtpPortRange {
    uint16_t first { 10000 };
    uint16_t last { 20000 };  // inclusive; the highest RTCP port
    constexpr bool operator==(const RtpPortRange&) const = default;
};

// "FIRST-LAST": 1024 <= FIRST, FIRST + 1 < LAST <= 65535, room for one even/odd pair.
constexpr std::optional<RtpPortRange> parse_rtp_port_range(Str text)
{
    size_t dash = find_char(text, '-');
    if (dash == kNpos)
        return std::nullopt;
    auto first = parse_uint(text.substr(0, dash), 65535);
    auto last = parse_uint(text.substr(dash + 1), 65535);
    if (!first || !last || *first < 1024 || *last < *first + 1)
        return std::nullopt;
    uint32_t even = (*first + 1) & ~1u;
    if (even + 1 > *last)
        return std::nullopt;
    return RtpPortRange { uint16_t(*first), uint16_t(*last) };
}

// RFC 3550 §11: RTP on an even port, RTCP on RTP + 1; both inside the range. `avoid` (the
// last call's port) is never returned when the range holds another pair.
inline uint16_t pick_rtp_port(const RtpPortRange& range, Random& random, uint16_t avoid = 0)
{
    uint32_t even = (uint32_t(range.first) + 1) & ~1u;
    uint32_t pairs = (uint32_t(range.last) - 1 - even) / 2 + 1;
    for (;;) {
        uint32_t port = even + 2 * uint32_t((uint64_t(random.next_u32()) * pairs) >> 32);
        if (port != avoid || pairs == 1)
            return uint16_t(port);
    }
}

} // namespace oh::media
