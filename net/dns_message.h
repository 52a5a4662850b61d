// DNS messages (RFC 1035 §4): build an A query, parse the answer with compression pointers
// and CNAME chains.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>
#include <string_view>

#include "lib/inet.h"
#include "lib/result.h"

namespace oh::net {

constexpr uint16_t kDnsPort = 53;
constexpr size_t kDnsHeaderSize = 12;
constexpr size_t kDnsMaxNameText = 253; // dotted text, no trailing dot (RFC 1035 §2.3.4)
constexpr size_t kDnsMaxWireName = 255;
constexpr size_t kDnsMaxQuerySize = kDnsHeaderSize + kDnsMaxWireName + 4;
// A CNAME chain longer than this is treated as a loop.
constexpr int kDnsMaxChain = 8;
// Answer records examined per response; the rest are ignored.
constexpr size_t kDnsMaxAnswers = 32;

// RFC 1035 §4.1.1 RCODE values we tell apart.
enum class DnsRcode : uint8_t {
    NoError = 0,
    FormatError = 1,
    ServerFailure = 2,
    NameError = 3, // NXDOMAIN
    NotImplemented = 4,
    Refused = 5,
};

struct DnsResponse {
    uint16_t id { 0 };
    uint8_t rcode { 0 };
    bool has_address { false }; // false with rcode 0: the name exists but has no A record
    Ipv4Address address;
    uint32_t ttl { 0 };
    uint8_t chain_length { 0 }; // CNAMEs followed to reach the address
};

// Checks a host name (labels of 1-63 characters, at most 253 in all, a trailing dot allowed).
bool is_valid_dns_name(std::string_view name);

// Writes a recursive A/IN query for name; returns its size. InvalidArgument: a bad name.
// NoSpace: out is smaller than the query.
Result<size_t> write_dns_query(std::span<uint8_t> out, uint16_t id, std::string_view name);

// Only peeks at the ID (responses for unknown IDs are dropped before a full parse).
Result<uint16_t> dns_message_id(std::span<const uint8_t> message);

// Parses a response to the A query for name. NeedMore: cut short. Malformed: not a
// response, a bad name or pointer, records running past the end. Unsupported: truncated
// (TC set; we do not fall back to TCP). InvalidArgument: the question is not ours.
Result<DnsResponse> parse_dns_response(std::span<const uint8_t> message, std::string_view name);

// Reads the (possibly compressed) name at offset into out as lower-case dotted text.
// Pointers must point strictly backwards, so a loop cannot form. Returns the offset just
// past the name where it appears (not where its pointers lead).
Result<size_t> read_dns_name(std::span<const uint8_t> message, size_t offset, char (&out)[kDnsMaxWireName + 1],
    size_t& out_length);

} // namespace oh::net
