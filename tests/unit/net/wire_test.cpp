// Parser tests for Ethernet, ARP, IPv4, ICMP and UDP: good, truncated and malformed input.
#include "net_test_util.h"

namespace nettest {
namespace {

using oh::Error;
using namespace oh;
using namespace oh::net;
using oh::store_be16;

TEST(Checksum, Rfc1071Example)
{
    // RFC 1071 §3 worked example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
    const uint8_t data[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
    EXPECT_EQ(internet_checksum(data), uint16_t(~0xddf2));
    const uint8_t odd[] = { 0x01 };
    EXPECT_EQ(internet_checksum(odd), uint16_t(~0x0100));
}

TEST(Ethernet, ParsesHeader)
{
    Bytes f = ethernet(kOurMac, kPeerMac, 0x0800, { 1, 2, 3 });
    auto r = parse_ethernet(f);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->destination, kOurMac);
    EXPECT_EQ(r->source, kPeerMac);
    EXPECT_EQ(r->ether_type, 0x0800);
    ASSERT_EQ(r->payload.size(), 3u);
    EXPECT_EQ(r->payload[2], 3);
}

TEST(Ethernet, TruncatedAndUnsupported)
{
    Bytes f = ethernet(kOurMac, kPeerMac, 0x0800, {});
    for (size_t n = 0; n < 14; ++n)
        EXPECT_EQ(parse_ethernet(std::span(f).first(n)).error(), Error::NeedMore) << n;
    EXPECT_EQ(parse_ethernet(ethernet(kOurMac, kPeerMac, 0x0040, {})).error(), Error::Unsupported);
    EXPECT_EQ(parse_ethernet(ethernet(kOurMac, kPeerMac, 0x8100, {})).error(), Error::Unsupported);
}

TEST(Arp, RoundTripAndWireBytes)
{
    Bytes a = arp(ArpOperation::Reply, kPeerMac, kPeerIp, kOurMac, kOurIp);
    const uint8_t expected_head[] = { 0, 1, 8, 0, 6, 4, 0, 2 };
    EXPECT_EQ(0, memcmp(a.data(), expected_head, 8));
    auto r = parse_arp(a);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->operation, ArpOperation::Reply);
    EXPECT_EQ(r->sender_mac, kPeerMac);
    EXPECT_EQ(r->sender_ip, kPeerIp);
    EXPECT_EQ(r->target_mac, kOurMac);
    EXPECT_EQ(r->target_ip, kOurIp);
}

TEST(Arp, TruncatedAndMalformed)
{
    Bytes a = arp(ArpOperation::Request, kPeerMac, kPeerIp, {}, kOurIp);
    for (size_t n = 0; n < 28; ++n)
        EXPECT_EQ(parse_arp(std::span(a).first(n)).error(), Error::NeedMore) << n;
    Bytes bad_op = a;
    bad_op[7] = 9;
    EXPECT_EQ(parse_arp(bad_op).error(), Error::Malformed);
    Bytes bad_hlen = a;
    bad_hlen[4] = 8;
    EXPECT_EQ(parse_arp(bad_hlen).error(), Error::Unsupported);
    Bytes group_sender = arp(ArpOperation::Request, MacAddress::broadcast(), kPeerIp, {}, kOurIp);
    EXPECT_EQ(parse_arp(group_sender).error(), Error::Malformed);
}

TEST(Ipv4, ParsesAndStripsPadding)
{
    Bytes p = ipv4(kPeerIp, kOurIp, 17, { 9, 8, 7 }, 33);
    p.resize(p.size() + 20, 0); // Ethernet minimum-size padding after the packet
    auto r = parse_ipv4(p);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->source, kPeerIp);
    EXPECT_EQ(r->destination, kOurIp);
    EXPECT_EQ(r->protocol, 17);
    EXPECT_EQ(r->ttl, 33);
    EXPECT_FALSE(r->is_fragment());
    ASSERT_EQ(r->payload.size(), 3u);
    EXPECT_EQ(r->payload[0], 9);
}

TEST(Ipv4, HeaderBytesMatchKnownPacket)
{
    // Checked by hand: 4500+001c+4001+c000+020a+c000+0214 = 0x2093b, folded 0x093d, complement f6c2.
    Bytes p(20);
    Ipv4HeaderFields f { kOurIp, kPeerIp, IpProtocol::Icmp, 8, 0, 64 };
    write_ipv4_header(p, f);
    const uint8_t expected[] = { 0x45, 0, 0, 0x1c, 0, 0, 0, 0, 0x40, 0x01, 0xf6, 0xc2, 192, 0, 2, 10, 192, 0, 2, 20 };
    EXPECT_EQ(Bytes(p.begin(), p.end()), Bytes(std::begin(expected), std::end(expected)));
}

TEST(Ipv4, TruncatedMalformedAndChecksum)
{
    Bytes p = ipv4(kPeerIp, kOurIp, 17, pattern(10));
    for (size_t n = 0; n < p.size(); ++n)
        EXPECT_EQ(parse_ipv4(std::span(p).first(n)).error(), Error::NeedMore) << n;
    Bytes v6 = p;
    v6[0] = 0x65;
    EXPECT_EQ(parse_ipv4(v6).error(), Error::Malformed);
    Bytes short_ihl = p;
    short_ihl[0] = 0x44;
    EXPECT_EQ(parse_ipv4(short_ihl).error(), Error::Malformed);
    Bytes tiny_total = ipv4(kPeerIp, kOurIp, 17, {});
    store_be16(tiny_total.data() + 2, 12);
    EXPECT_EQ(parse_ipv4(tiny_total).error(), Error::Malformed);
    Bytes bad_sum = p;
    bad_sum[15] ^= 1;
    EXPECT_EQ(parse_ipv4(bad_sum).error(), Error::Checksum);
}

TEST(Ipv4, FragmentsAreFlagged)
{
    Bytes p = ipv4(kPeerIp, kOurIp, 17, pattern(16));
    store_be16(p.data() + 6, 0x2000); // MF
    store_be16(p.data() + 10, 0);
    store_be16(p.data() + 10, internet_checksum(std::span(p).first(20)));
    auto r = parse_ipv4(p);
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->is_fragment());
    store_be16(p.data() + 6, 0x0003); // offset 24, last fragment
    store_be16(p.data() + 10, 0);
    store_be16(p.data() + 10, internet_checksum(std::span(p).first(20)));
    auto last = parse_ipv4(p);
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(last->fragment_offset, 24);
}

TEST(Icmp, EchoRoundTrip)
{
    Bytes m = icmp_echo(IcmpType::EchoRequest, 0xbeef, 7, { 'h', 'i' });
    auto r = parse_icmp(m);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->type, 8);
    EXPECT_EQ(r->identifier, 0xbeef);
    EXPECT_EQ(r->sequence, 7);
    EXPECT_EQ(r->payload.size(), 2u);
    for (size_t n = 0; n < 8; ++n)
        EXPECT_EQ(parse_icmp(std::span(m).first(n)).error(), Error::NeedMore);
    m[9] ^= 0x40;
    EXPECT_EQ(parse_icmp(m).error(), Error::Checksum);
}

TEST(Udp, RoundTripWithChecksum)
{
    Bytes d = udp(kPeerIp, kOurIp, 5060, 5061, pattern(33));
    auto r = parse_udp(d, kPeerIp, kOurIp);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->source_port, 5060);
    EXPECT_EQ(r->destination_port, 5061);
    EXPECT_TRUE(r->had_checksum);
    EXPECT_EQ(Bytes(r->payload.begin(), r->payload.end()), pattern(33));
    // The pseudo-header is covered: another destination fails.
    EXPECT_EQ(parse_udp(d, kPeerIp, kGatewayIp).error(), Error::Checksum);
}

TEST(Udp, ZeroChecksumMeansNone)
{
    Bytes d = udp(kPeerIp, kOurIp, 1, 2, { 5 });
    d[6] = d[7] = 0;
    auto r = parse_udp(d, kPeerIp, kOurIp);
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->had_checksum);
}

TEST(Udp, TruncatedAndMalformed)
{
    Bytes d = udp(kPeerIp, kOurIp, 1000, 2000, pattern(4));
    for (size_t n = 0; n < d.size(); ++n)
        EXPECT_EQ(parse_udp(std::span(d).first(n), kPeerIp, kOurIp).error(), Error::NeedMore) << n;
    Bytes short_len = d;
    store_be16(short_len.data() + 4, 7);
    EXPECT_EQ(parse_udp(short_len, kPeerIp, kOurIp).error(), Error::Malformed);
    Bytes flipped = d;
    flipped[9] ^= 0xff;
    EXPECT_EQ(parse_udp(flipped, kPeerIp, kOurIp).error(), Error::Checksum);
}

} // namespace
} // namespace nettest
