// Pre-resolved UDP flows (net/udp_flow.h): frames built outside the stack must be what a
// receiver accepts (RFC 791 header checksum, RFC 768 UDP checksum over the pseudo-header),
// carry DF and the DSCP asked for, and go to the next hop the stack's ARP cache knows.
#include "tests/unit/net/net_test_util.h"

#include "net/udp_flow.h"

namespace nettest {
namespace {

using oh::net::build_udp_frame;
using oh::net::UdpFlow;

TEST_F(StackTest, FlowNeedsAResolvedNextHop)
{
    start_static();
    auto s = stack.udp_open(4000);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(stack.udp_flow(*s, { kPeerIp, 5004 }).error(), oh::Error::WouldBlock);
    EXPECT_EQ(stack.udp_flow(*s, { Ipv4Address(255, 255, 255, 255), 5004 }).error(), oh::Error::InvalidArgument);
    EXPECT_EQ(stack.udp_flow(*s, { kPeerIp, 0 }).error(), oh::Error::InvalidArgument);
    EXPECT_EQ(stack.udp_flow(oh::net::SocketId {}, { kPeerIp, 5004 }).error(), oh::Error::InvalidArgument);
    learn(kPeerMac, kPeerIp);
    auto f = stack.udp_flow(*s, { kPeerIp, 5004 });
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->destination_mac, kPeerMac);
    EXPECT_EQ(f->source_mac, kOurMac);
    EXPECT_EQ(f->source, kOurIp);
    EXPECT_EQ(f->source_port, 4000);
    EXPECT_EQ(f->destination_port, 5004);
}

TEST_F(StackTest, FlowOffLinkGoesToTheGateway)
{
    start_static();
    auto s = stack.udp_open(4000);
    learn(kGatewayMac, kGatewayIp);
    auto f = stack.udp_flow(*s, { kRemoteIp, 7078 });
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->destination_mac, kGatewayMac);
    EXPECT_EQ(f->destination, kRemoteIp);
}

TEST(UdpFlow, FramesParseAndVerifyAtEverySize)
{
    UdpFlow flow { kPeerMac, kOurMac, kOurIp, kPeerIp, 4000, 5004, 46 };
    Bytes out(1600);
    for (size_t n : { size_t(0), size_t(1), size_t(17), size_t(18), size_t(19), size_t(172), size_t(1471),
             size_t(1472) }) {
        Bytes payload = pattern(n, uint8_t(n));
        size_t len = build_udp_frame(flow, uint16_t(0xbeef + n), payload, out);
        ASSERT_EQ(len, std::max<size_t>(14 + 20 + 8 + n, 60)) << n;
        Bytes frame(out.begin(), out.begin() + long(len));
        Sent sent = decode_udp(frame); // parse_ipv4 and parse_udp verify both checksums
        EXPECT_EQ(sent.eth_destination, kPeerMac);
        EXPECT_EQ(sent.eth_source, kOurMac);
        EXPECT_EQ(sent.source, kOurIp);
        EXPECT_EQ(sent.destination, kPeerIp);
        EXPECT_EQ(sent.source_port, 4000);
        EXPECT_EQ(sent.destination_port, 5004);
        EXPECT_TRUE(sent.had_checksum);
        EXPECT_EQ(sent.payload, payload) << n;
        // RFC 791 §3.1: flags DF (0x4000), no fragment offset; RFC 2474: DSCP in the top six
        // bits of the former TOS octet; the identification as given.
        EXPECT_EQ(oh::load_be16(frame.data() + 14 + 6), 0x4000);
        EXPECT_EQ(frame[14 + 1], 46 << 2);
        EXPECT_EQ(oh::load_be16(frame.data() + 14 + 4), uint16_t(0xbeef + n));
        EXPECT_EQ(frame[14 + 8], 64) << "TTL";
    }
}

TEST(UdpFlow, RefusesWhatDoesNotFit)
{
    UdpFlow flow { kPeerMac, kOurMac, kOurIp, kPeerIp, 4000, 5004, 0 };
    Bytes out(1600);
    EXPECT_EQ(build_udp_frame(flow, 1, pattern(1473), out), 0u) << "would need fragmentation";
    Bytes small(59);
    EXPECT_EQ(build_udp_frame(flow, 1, pattern(1), small), 0u) << "shorter than the padded minimum";
    Bytes exact(42 + 172);
    EXPECT_EQ(build_udp_frame(flow, 1, pattern(172), exact), 42u + 172u);
}

TEST(UdpFlow, MatchesWhatTheStackSends)
{
    // The same datagram through the stack and through the flow: every byte but the IPv4
    // identification, flags, DSCP and header checksum is the same.
    RecordingDevice device;
    oh::FakeClock clock;
    oh::Xoshiro128 random(7);
    oh::net::Stack stack(device, clock, random, kOurMac);
    oh::net::NetConfig c;
    c.mode = oh::net::AddressMode::Static;
    c.settings = { kOurIp, 24, kGatewayIp, kGatewayIp };
    stack.start(c);
    auto s = stack.udp_open(4000);
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0806,
        arp(oh::net::ArpOperation::Request, kPeerMac, kPeerIp, {}, kOurIp)));
    device.frames.clear();
    Bytes payload = pattern(172, 3);
    ASSERT_TRUE(stack.udp_send_to(*s, { kPeerIp, 5004 }, payload).has_value());
    Bytes via_stack = device.take();
    auto flow = stack.udp_flow(*s, { kPeerIp, 5004 });
    ASSERT_TRUE(flow.has_value());
    Bytes out(1600);
    size_t len = build_udp_frame(*flow, 0, payload, out);
    ASSERT_EQ(len, via_stack.size());
    for (size_t i = 0; i < len; i++) {
        bool ip_varies = (i >= 14 + 4 && i < 14 + 8) || i == 14 + 1 || i == 14 + 10 || i == 14 + 11;
        if (!ip_varies) {
            EXPECT_EQ(out[i], via_stack[i]) << "byte " << i;
        }
    }
}

} // namespace
} // namespace nettest
