// Ethernet II framing: parse a received frame's header, write one for transmission.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/result.h"
#include "net/mac_address.h"

namespace oh::net {

// IEEE 802.3-2018 §3.1.1: destination, source, length/type; no FCS (the NIC strips it).
constexpr size_t kEthernetHeaderSize = 14;
constexpr size_t kEthernetMtu = 1500;
constexpr size_t kEthernetMaxFrame = kEthernetHeaderSize + kEthernetMtu;
// §4.2.3.3: frames shorter than 64 bytes with FCS (60 without) are padded by the sender.
constexpr size_t kEthernetMinFrame = 60;

enum class EtherType : uint16_t {
    Ipv4 = 0x0800,
    Arp = 0x0806,
    Vlan = 0x8100,
    Ipv6 = 0x86dd,
};

struct EthernetFrame {
    MacAddress destination;
    MacAddress source;
    uint16_t ether_type { 0 };
    std::span<const uint8_t> payload;
};

// NeedMore: shorter than a header. Unsupported: an 802.3 length field (LLC frames) or an
// 802.1Q tag, which this stack does not speak.
Result<EthernetFrame> parse_ethernet(std::span<const uint8_t> frame);

// Writes the 14-byte header at the start of out (which must hold at least that).
void write_ethernet_header(std::span<uint8_t> out, const MacAddress& destination,
    const MacAddress& source, EtherType type);

} // namespace oh::net
