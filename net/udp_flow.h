// A pre-resolved UDP flow: the addresses every datagram from one socket to one destination
// shares, taken from the stack under its lock, so a real-time sender frames its own packets
// and hands them to the NIC without waiting for the stack (the phone's RTP pacer).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/inet.h"
#include "net/mac_address.h"

namespace oh::net {

struct UdpFlow {
    MacAddress destination_mac; // the next hop's: the peer on the link, or the gateway
    MacAddress source_mac;
    Ipv4Address source;
    Ipv4Address destination;
    uint16_t source_port { 0 };
    uint16_t destination_port { 0 };
    uint8_t dscp { 0 };
};

// Writes Ethernet + IPv4 (no options, DF set, so `identification` needs no uniqueness:
// RFC 6864 §4.1) + UDP with its checksum (RFC 768) + payload into `out`, padded to the
// Ethernet minimum. Returns the frame's length, or 0 when the payload does not fit one
// unfragmented frame or `out` is too small.
size_t build_udp_frame(const UdpFlow& flow, uint16_t identification, std::span<const uint8_t> payload,
    std::span<uint8_t> out);

} // namespace oh::net
