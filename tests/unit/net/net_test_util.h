// Test helpers for net/: a recording NetDevice, frame builders for a peer host, and a
// Stack fixture on 192.0.2.0/24 with a FakeClock.
#pragma once

#include <stdint.h>

#include <vector>

#include <gtest/gtest.h>

#include "lib/bytes.h"
#include "lib/clock.h"
#include "lib/random.h"
#include "net/arp.h"
#include "net/checksum.h"
#include "net/ethernet.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/stack.h"
#include "net/udp.h"

namespace nettest {

using Bytes = std::vector<uint8_t>;
using oh::Ipv4Address;
using oh::net::MacAddress;

inline const MacAddress kOurMac { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x10 } };
inline const MacAddress kPeerMac { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x20 } };
inline const MacAddress kGatewayMac { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
constexpr Ipv4Address kOurIp { 192, 0, 2, 10 };
constexpr Ipv4Address kPeerIp { 192, 0, 2, 20 };
constexpr Ipv4Address kGatewayIp { 192, 0, 2, 1 };
constexpr Ipv4Address kRemoteIp { 198, 51, 100, 7 }; // off-link: reached via the gateway

class RecordingDevice final : public oh::net::NetDevice {
public:
    oh::Result<void> transmit(std::span<const uint8_t> frame) override
    {
        if (fail)
            return oh::Error::IoError;
        frames.emplace_back(frame.begin(), frame.end());
        return {};
    }
    Bytes take()
    {
        EXPECT_FALSE(frames.empty());
        if (frames.empty())
            return {};
        Bytes f = frames.front();
        frames.erase(frames.begin());
        return f;
    }
    std::vector<Bytes> frames;
    bool fail { false };
};

// Builds frames the way a peer on the wire would.
inline Bytes ethernet(const MacAddress& dst, const MacAddress& src, uint16_t type, const Bytes& payload)
{
    Bytes f(14);
    dst.store(f.data());
    src.store(f.data() + 6);
    oh::store_be16(f.data() + 12, type);
    f.insert(f.end(), payload.begin(), payload.end());
    return f;
}

inline Bytes ipv4(Ipv4Address src, Ipv4Address dst, uint8_t protocol, const Bytes& payload, uint8_t ttl = 64)
{
    Bytes p(20);
    oh::net::Ipv4HeaderFields f;
    f.source = src;
    f.destination = dst;
    f.protocol = oh::net::IpProtocol(protocol);
    f.payload_length = uint16_t(payload.size());
    f.identification = 0x1234;
    f.ttl = ttl;
    oh::net::write_ipv4_header(p, f);
    p.insert(p.end(), payload.begin(), payload.end());
    return p;
}

inline Bytes udp(Ipv4Address src, Ipv4Address dst, uint16_t sport, uint16_t dport, const Bytes& payload)
{
    Bytes d(8);
    d.insert(d.end(), payload.begin(), payload.end());
    oh::net::write_udp_header(d, src, dst, sport, dport, payload.size());
    return d;
}

inline Bytes icmp_echo(oh::net::IcmpType type, uint16_t id, uint16_t seq, const Bytes& payload)
{
    Bytes m(8 + payload.size());
    oh::net::write_icmp_echo(m, type, id, seq, payload);
    return m;
}

inline Bytes arp(oh::net::ArpOperation op, const MacAddress& smac, Ipv4Address sip, const MacAddress& tmac, Ipv4Address tip)
{
    Bytes a(28);
    oh::net::write_arp(a, { op, smac, sip, tmac, tip });
    return a;
}

inline Bytes udp_frame(const MacAddress& smac, Ipv4Address src, Ipv4Address dst, uint16_t sport, uint16_t dport,
    const Bytes& payload, const MacAddress& dmac = kOurMac)
{
    return ethernet(dmac, smac, 0x0800, ipv4(src, dst, 17, udp(src, dst, sport, dport, payload)));
}

// Splits an IP payload into fragments of at most `size` bytes (a multiple of 8).
inline std::vector<Bytes> fragment(Ipv4Address src, Ipv4Address dst, uint8_t protocol, uint16_t id, const Bytes& payload, size_t size)
{
    std::vector<Bytes> out;
    for (size_t offset = 0; offset < payload.size(); offset += size) {
        size_t n = std::min(size, payload.size() - offset);
        Bytes part(payload.begin() + long(offset), payload.begin() + long(offset + n));
        Bytes p = ipv4(src, dst, protocol, part);
        bool more = offset + n < payload.size();
        oh::store_be16(p.data() + 4, id);
        oh::store_be16(p.data() + 6, uint16_t((more ? 0x2000 : 0) | (offset / 8)));
        p[10] = p[11] = 0;
        oh::store_be16(p.data() + 10, oh::net::internet_checksum(std::span(p).first(20)));
        out.push_back(p);
    }
    return out;
}

inline Bytes pattern(size_t n, uint8_t seed = 0)
{
    Bytes b(n);
    for (size_t i = 0; i < n; ++i)
        b[i] = uint8_t(i * 7 + seed);
    return b;
}

// Decoded copy of a UDP frame the stack sent.
struct Sent {
    MacAddress eth_destination;
    MacAddress eth_source;
    Ipv4Address source;
    Ipv4Address destination;
    uint8_t ttl { 0 };
    uint16_t source_port { 0 };
    uint16_t destination_port { 0 };
    bool had_checksum { false };
    Bytes payload;
};

inline Sent decode_udp(const Bytes& frame)
{
    Sent s;
    auto eth = oh::net::parse_ethernet(frame);
    EXPECT_TRUE(eth.has_value());
    if (!eth)
        return s;
    s.eth_destination = eth->destination;
    s.eth_source = eth->source;
    EXPECT_EQ(eth->ether_type, 0x0800);
    auto ip = oh::net::parse_ipv4(eth->payload);
    EXPECT_TRUE(ip.has_value());
    if (!ip)
        return s;
    s.source = ip->source;
    s.destination = ip->destination;
    s.ttl = ip->ttl;
    EXPECT_EQ(ip->protocol, 17);
    auto u = oh::net::parse_udp(ip->payload, ip->source, ip->destination);
    EXPECT_TRUE(u.has_value());
    if (!u)
        return s;
    s.source_port = u->source_port;
    s.destination_port = u->destination_port;
    s.had_checksum = u->had_checksum;
    s.payload.assign(u->payload.begin(), u->payload.end());
    return s;
}

inline oh::net::ArpPacket decode_arp(const Bytes& frame)
{
    auto eth = oh::net::parse_ethernet(frame);
    EXPECT_TRUE(eth.has_value());
    EXPECT_EQ(eth->ether_type, 0x0806);
    auto a = oh::net::parse_arp(eth->payload);
    EXPECT_TRUE(a.has_value());
    return a.value_or({});
}

class StackTest : public ::testing::Test {
protected:
    StackTest()
        : random(42)
        , stack(device, clock, random, kOurMac)
    {
        clock.set(1000 * oh::kNsPerSec);
    }

    void start_static()
    {
        oh::net::NetConfig c;
        c.mode = oh::net::AddressMode::Static;
        c.settings = { kOurIp, 24, kGatewayIp, kGatewayIp };
        stack.start(c);
        advance(oh::net::kArpAnnounceInterval); // let both announcements go out
        device.frames.clear();
    }

    // Teaches the stack a neighbour by having it ask us something.
    void learn(const MacAddress& mac, Ipv4Address ip)
    {
        stack.receive_frame(ethernet(kOurMac, mac, 0x0806, arp(oh::net::ArpOperation::Request, mac, ip, {}, kOurIp)));
        device.frames.clear();
    }

    uint32_t count(oh::net::Counter c) const { return stack.counters().get(c); }

    void advance(oh::Nanoseconds d)
    {
        clock.advance(d);
        stack.poll();
    }

    RecordingDevice device;
    oh::FakeClock clock;
    oh::Xoshiro128 random;
    oh::net::Stack stack;
};

} // namespace nettest
