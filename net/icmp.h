// ICMP messages (RFC 792): parse any message, build echo request/reply.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/result.h"

namespace oh::net {

constexpr size_t kIcmpHeaderSize = 8;

enum class IcmpType : uint8_t {
    EchoReply = 0,
    DestinationUnreachable = 3,
    EchoRequest = 8,
    TimeExceeded = 11,
};

struct IcmpMessage {
    uint8_t type { 0 };
    uint8_t code { 0 };
    uint16_t identifier { 0 }; // echo only: the first half of the "rest of header" word
    uint16_t sequence { 0 };   // echo only: the second half
    std::span<const uint8_t> payload;
};

// NeedMore: under 8 bytes. Checksum: the message checksum does not verify.
Result<IcmpMessage> parse_icmp(std::span<const uint8_t> data);

// Writes an echo request/reply header followed by payload; out must hold 8 + payload bytes.
// Returns the message length.
size_t write_icmp_echo(std::span<uint8_t> out, IcmpType type, uint16_t identifier,
    uint16_t sequence, std::span<const uint8_t> payload);

} // namespace oh::net
