// Random local ports for UDP sockets opened with port 0 and for DNS queries (RFC 6056).
#pragma once

#include <stdint.h>

#include <optional>

#include "lib/random.h"

namespace oh::net {

// RFC 6335 §6: the dynamic range. Configured ports (SIP 5060, the RTP range) lie below it.
constexpr uint16_t kEphemeralFirst = 49152;
constexpr uint32_t kEphemeralCount = 65536 - kEphemeralFirst;
constexpr int kEphemeralRandomTries = 8;

// RFC 6056 §3.3.2 (Algorithm 2): a fresh random port per try, so that no port is more likely
// than another; after kEphemeralRandomTries taken ones, §3.3.1 (Algorithm 1): the next free
// port after a random one, which finds a port whenever the range has one.
template<typename IsFree>
std::optional<uint16_t> pick_ephemeral_port(Random& random, IsFree&& is_free)
{
    auto draw = [&] { return uint32_t((uint64_t(random.next_u32()) * kEphemeralCount) >> 32); };
    for (int i = 0; i < kEphemeralRandomTries; i++) {
        uint16_t port = uint16_t(kEphemeralFirst + draw());
        if (is_free(port))
            return port;
    }
    uint32_t start = draw();
    for (uint32_t i = 0; i < kEphemeralCount; i++) {
        uint16_t port = uint16_t(kEphemeralFirst + (start + i) % kEphemeralCount);
        if (is_free(port))
            return port;
    }
    return std::nullopt;
}

} // namespace oh::net
