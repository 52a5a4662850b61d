// DHCP messages (RFC 2131 §2, options RFC 2132): parse a server's reply, build a client's
// DISCOVER/REQUEST/DECLINE/RELEASE.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/inet.h"
#include "lib/result.h"
#include "net/mac_address.h"

namespace oh::net {

constexpr uint16_t kDhcpServerPort = 67;
constexpr uint16_t kDhcpClientPort = 68;
constexpr size_t kDhcpFixedSize = 236;              // op .. file, RFC 2131 Figure 1
constexpr size_t kDhcpMinSize = kDhcpFixedSize + 4; // plus the magic cookie
constexpr uint32_t kDhcpMagicCookie = 0x63825363;   // RFC 2131 §3
constexpr size_t kDhcpMaxDnsServers = 2;

// RFC 2132 §9.6.
enum class DhcpMessageType : uint8_t {
    None = 0,
    Discover = 1,
    Offer = 2,
    Request = 3,
    Decline = 4,
    Ack = 5,
    Nak = 6,
    Release = 7,
    Inform = 8,
};

// RFC 2132 option codes the client uses.
enum class DhcpOption : uint8_t {
    Pad = 0,
    SubnetMask = 1,
    Router = 3,
    DomainNameServer = 6,
    HostName = 12,
    RequestedAddress = 50,
    LeaseTime = 51,
    MessageType = 53,
    ServerIdentifier = 54,
    ParameterRequestList = 55,
    MaxMessageSize = 57,
    RenewalTime = 58,   // T1
    RebindingTime = 59, // T2
    ClientIdentifier = 61,
    RapidCommit = 80, // RFC 4039 §4: no data
    End = 255,
};

struct DhcpMessage {
    uint8_t op { 0 }; // 1 BOOTREQUEST, 2 BOOTREPLY
    uint32_t xid { 0 };
    uint16_t flags { 0 };
    Ipv4Address ciaddr;
    Ipv4Address yiaddr;
    Ipv4Address siaddr;
    MacAddress chaddr; // the first six octets (hlen 6 checked)
    DhcpMessageType type { DhcpMessageType::None };
    Ipv4Address server_id;
    Ipv4Address requested_address; // option 50 (client messages)
    Ipv4Address subnet_mask;
    Ipv4Address router;
    Ipv4Address dns[kDhcpMaxDnsServers];
    uint8_t dns_count { 0 };
    uint32_t lease_time { 0 }; // seconds; fields below are valid only when has_*
    uint32_t t1 { 0 };
    uint32_t t2 { 0 };
    bool has_subnet_mask { false };
    bool has_lease_time { false };
    bool has_t1 { false };
    bool has_t2 { false };
    bool rapid_commit { false }; // RFC 4039: an ACK answering a DISCOVER directly
};

// NeedMore: cut short (before the cookie, inside an option, or no End option).
// Malformed: wrong op/htype/hlen, a bad cookie, or an option whose length is wrong for its
// type. Unknown options are skipped. The sname/file overload (option 52) is not followed.
Result<DhcpMessage> parse_dhcp(std::span<const uint8_t> data);

struct DhcpRequestFields {
    DhcpMessageType type { DhcpMessageType::Discover };
    uint32_t xid { 0 };
    uint16_t secs { 0 };
    MacAddress chaddr;
    Ipv4Address ciaddr;            // RENEWING/REBINDING/RELEASE: our address
    Ipv4Address requested_address; // SELECTING/INIT-REBOOT REQUEST, DECLINE (option 50)
    Ipv4Address server_id;         // SELECTING REQUEST, DECLINE, RELEASE (option 54)
    bool broadcast_flag { false };
    bool rapid_commit { false };   // DISCOVER: accept an ACK straight away (RFC 4039 §4.1)
};

constexpr size_t kDhcpMaxRequestSize = 300;

// Writes a client message into out (at least kDhcpMaxRequestSize bytes); returns its size.
size_t write_dhcp_request(std::span<uint8_t> out, const DhcpRequestFields& fields);

} // namespace oh::net
