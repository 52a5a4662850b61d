// UDP datagrams (RFC 768): parse with checksum validation, write a header with checksum.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/inet.h"
#include "lib/result.h"

namespace oh::net {

constexpr size_t kUdpHeaderSize = 8;
constexpr size_t kUdpMaxPayload = 1500 - 20 - kUdpHeaderSize; // 1472 on Ethernet

struct UdpDatagram {
    uint16_t source_port { 0 };
    uint16_t destination_port { 0 };
    bool had_checksum { false };
    std::span<const uint8_t> payload;
};

// data is the IP payload; the addresses feed the pseudo-header. NeedMore: under 8 bytes or
// the length field exceeds the data. Malformed: length field under 8. Checksum: a non-zero
// checksum that does not verify (zero means "not computed", RFC 768).
Result<UdpDatagram> parse_udp(std::span<const uint8_t> data, Ipv4Address source, Ipv4Address destination);

// Writes the 8-byte header in front of the payload already at out[8..8+length) and fills in
// the checksum (never sent as zero: RFC 768 maps a computed zero to 0xffff).
void write_udp_header(std::span<uint8_t> out, Ipv4Address source, Ipv4Address destination,
    uint16_t source_port, uint16_t destination_port, size_t payload_length);

} // namespace oh::net
