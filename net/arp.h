// ARP packets for IPv4 over Ethernet (RFC 826): parse and build.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/inet.h"
#include "lib/result.h"
#include "net/mac_address.h"

namespace oh::net {

constexpr size_t kArpPacketSize = 28;

enum class ArpOperation : uint16_t {
    Request = 1,
    Reply = 2,
};

struct ArpPacket {
    ArpOperation operation { ArpOperation::Request };
    MacAddress sender_mac;
    Ipv4Address sender_ip;
    MacAddress target_mac;
    Ipv4Address target_ip;
};

// NeedMore: shorter than 28 bytes. Unsupported: another hardware/protocol pair.
// Malformed: an unknown operation or a sender address no host may have.
Result<ArpPacket> parse_arp(std::span<const uint8_t> data);

// Writes 28 bytes at the start of out.
void write_arp(std::span<uint8_t> out, const ArpPacket& packet);

} // namespace oh::net
