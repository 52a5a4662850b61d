// IPv4 headers (RFC 791): validate and parse a received packet, write a header to send.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/inet.h"
#include "lib/result.h"

namespace oh::net {

constexpr size_t kIpv4HeaderSize = 20; // without options; we never send options
constexpr size_t kIpMaxPayload = 65535 - kIpv4HeaderSize; // RFC 791 §3.1: total length is 16 bits
constexpr uint8_t kDefaultTtl = 64;

enum class IpProtocol : uint8_t {
    Icmp = 1,
    Udp = 17,
};

struct Ipv4Packet {
    Ipv4Address source;
    Ipv4Address destination;
    uint8_t protocol { 0 };
    uint8_t ttl { 0 };
    uint16_t identification { 0 };
    uint16_t fragment_offset { 0 }; // in bytes
    bool more_fragments { false };
    std::span<const uint8_t> payload; // exactly total_length - header, link padding removed

    bool is_fragment() const { return more_fragments || fragment_offset != 0; }
};

// NeedMore: shorter than the header or than its total length (a truncated packet).
// Malformed: not version 4, a header length under 5 words or total length under the header.
// Checksum: the header checksum does not verify. Fragments parse fine (is_fragment()).
Result<Ipv4Packet> parse_ipv4(std::span<const uint8_t> data);

struct Ipv4HeaderFields {
    Ipv4Address source;
    Ipv4Address destination;
    IpProtocol protocol { IpProtocol::Udp };
    uint16_t payload_length { 0 };
    uint16_t identification { 0 };
    uint8_t ttl { kDefaultTtl };
    uint16_t fragment_offset { 0 }; // bytes, a multiple of 8
    bool more_fragments { false };
    bool dont_fragment { false };
    uint8_t dscp { 0 }; // RFC 2474 §3; RFC 4594 §4.2: telephony media as EF (46)
};

// Writes a 20-byte header with no options and a valid checksum.
void write_ipv4_header(std::span<uint8_t> out, const Ipv4HeaderFields& fields);

} // namespace oh::net
