// Stack behaviour over IPv4: ping replies byte for byte, outgoing pings with RTTs, UDP echo
// of every size, UDP sockets and checksums, and floods of malformed frames.
#include "net_test_util.h"
#include "net/ephemeral_port.h"

#include <set>

namespace nettest {
namespace {

using namespace oh;
using namespace oh::net;
using oh::kNsPerMs;
using oh::kNsPerSec;

Bytes ping_request(uint16_t id, uint16_t seq, const Bytes& payload, Ipv4Address dst = kOurIp)
{
    return ethernet(kOurMac, kPeerMac, 0x0800, ipv4(kPeerIp, dst, 1, icmp_echo(IcmpType::EchoRequest, id, seq, payload)));
}

// IP identification and header checksum are ours to choose; blank them to compare frames.
Bytes without_ip_id(Bytes f)
{
    f[14 + 4] = f[14 + 5] = 0;
    f[14 + 10] = f[14 + 11] = 0;
    return f;
}

TEST_F(StackTest, PingReplyBytes)
{
    start_static();
    stack.set_service(Service::IcmpEcho, ServiceState::Enabled);
    learn(kPeerMac, kPeerIp);
    Bytes payload = pattern(56);
    stack.receive_frame(ping_request(0x4242, 9, payload));
    ASSERT_EQ(device.frames.size(), 1u);
    Bytes reply = device.take();
    Bytes expected = ethernet(kPeerMac, kOurMac, 0x0800, ipv4(kOurIp, kPeerIp, 1, icmp_echo(IcmpType::EchoReply, 0x4242, 9, payload)));
    EXPECT_EQ(without_ip_id(reply), without_ip_id(expected));
    EXPECT_TRUE(parse_ipv4(std::span(reply).subspan(14)).has_value()) << "header checksum valid";
    // The ICMP part, checksum included, is fully determined: check one byte by hand too.
    EXPECT_EQ(reply[34], 0) << "type echo reply";
    EXPECT_EQ(count(Counter::IcmpEchoRepliesOut), 1u);
}

TEST_F(StackTest, PingReplyOfMaximumSize)
{
    start_static();
    stack.set_service(Service::IcmpEcho, ServiceState::Enabled);
    learn(kPeerMac, kPeerIp);
    stack.receive_frame(ping_request(1, 1, pattern(1472)));
    ASSERT_EQ(device.frames.size(), 1u);
    EXPECT_EQ(device.take().size(), kEthernetMaxFrame);
}

TEST_F(StackTest, NoPingReplyWhenDisabledOrBroadcast)
{
    start_static();
    learn(kPeerMac, kPeerIp);
    stack.receive_frame(ping_request(1, 1, pattern(8)));
    EXPECT_TRUE(device.frames.empty());
    stack.set_service(Service::IcmpEcho, ServiceState::Enabled);
    stack.receive_frame(ping_request(1, 2, pattern(8), Ipv4Address(192, 0, 2, 255)));
    EXPECT_TRUE(device.frames.empty());
    EXPECT_EQ(count(Counter::IcmpEchoRequestsIn), 2u);
}

TEST_F(StackTest, PingRequestWithBadChecksumIsDropped)
{
    start_static();
    stack.set_service(Service::IcmpEcho, ServiceState::Enabled);
    learn(kPeerMac, kPeerIp);
    Bytes icmp = icmp_echo(IcmpType::EchoRequest, 1, 1, pattern(8));
    icmp[10] ^= 1;
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, ipv4(kPeerIp, kOurIp, 1, icmp)));
    EXPECT_TRUE(device.frames.empty());
    EXPECT_EQ(count(Counter::DropIcmpChecksum), 1u);
}

TEST_F(StackTest, SendsPingAndReportsRtt)
{
    start_static();
    learn(kPeerMac, kPeerIp);
    ASSERT_TRUE(stack.ping(kPeerIp, 3, 32).has_value());
    Bytes f = device.take();
    auto eth = parse_ethernet(f);
    auto ip = parse_ipv4(eth->payload);
    ASSERT_TRUE(ip.has_value());
    EXPECT_EQ(ip->destination, kPeerIp);
    auto echo = parse_icmp(ip->payload);
    ASSERT_TRUE(echo.has_value());
    EXPECT_EQ(echo->type, 8);
    EXPECT_EQ(echo->sequence, 3);
    EXPECT_EQ(echo->payload.size(), 32u);

    clock.advance(7 * kNsPerMs);
    Bytes payload(echo->payload.begin(), echo->payload.end());
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800,
        ipv4(kPeerIp, kOurIp, 1, icmp_echo(IcmpType::EchoReply, echo->identifier, 3, payload), 61)));
    auto reply = stack.take_ping_reply();
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->from, kPeerIp);
    EXPECT_EQ(reply->sequence, 3);
    EXPECT_EQ(reply->payload_size, 32);
    EXPECT_EQ(reply->ttl, 61);
    EXPECT_EQ(reply->rtt, 7 * kNsPerMs);
    EXPECT_FALSE(stack.take_ping_reply().has_value());

    // A duplicate or a reply to a sequence never sent is not reported.
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800,
        ipv4(kPeerIp, kOurIp, 1, icmp_echo(IcmpType::EchoReply, echo->identifier, 3, payload))));
    EXPECT_FALSE(stack.take_ping_reply().has_value());
    EXPECT_EQ(count(Counter::DropIcmpUnmatchedReply), 1u);
}

TEST_F(StackTest, UdpEchoEverySize)
{
    start_static();
    stack.set_service(Service::UdpEcho, ServiceState::Enabled);
    learn(kPeerMac, kPeerIp);
    for (size_t n = 1; n <= kUdpMaxPayload; ++n) {
        Bytes payload = pattern(n, uint8_t(n));
        stack.receive_frame(udp_frame(kPeerMac, kPeerIp, kOurIp, 40000, 7, payload));
        ASSERT_EQ(device.frames.size(), 1u) << n;
        Sent s = decode_udp(device.take());
        ASSERT_EQ(s.payload, payload) << n;
        EXPECT_EQ(s.source_port, 7);
        EXPECT_EQ(s.destination_port, 40000);
        EXPECT_EQ(s.destination, kPeerIp);
        EXPECT_EQ(s.eth_destination, kPeerMac);
        EXPECT_TRUE(s.had_checksum);
    }
    EXPECT_EQ(count(Counter::UdpTxDatagrams), kUdpMaxPayload);
    EXPECT_EQ(stack.counters().total_drops(), 0u);
}

TEST_F(StackTest, UdpEchoDisabledMeansNoPort)
{
    start_static();
    learn(kPeerMac, kPeerIp);
    stack.receive_frame(udp_frame(kPeerMac, kPeerIp, kOurIp, 40000, 7, pattern(5)));
    EXPECT_TRUE(device.frames.empty());
    EXPECT_EQ(count(Counter::DropUdpNoPort), 1u);
}

TEST_F(StackTest, UdpChecksumValidation)
{
    start_static();
    auto s = stack.udp_open(5060);
    ASSERT_TRUE(s.has_value());
    Bytes good = udp_frame(kPeerMac, kPeerIp, kOurIp, 5060, 5060, pattern(20));
    Bytes bad = good;
    bad[14 + 20 + 8 + 3] ^= 0x10; // one payload bit
    stack.receive_frame(bad);
    EXPECT_EQ(count(Counter::DropUdpChecksum), 1u);
    EXPECT_EQ(stack.udp_queued(*s), 0u);
    Bytes buf(64);
    EXPECT_EQ(stack.udp_receive(*s, buf).error(), oh::Error::WouldBlock);

    Bytes no_sum = good;
    no_sum[14 + 20 + 6] = no_sum[14 + 20 + 7] = 0; // "no checksum" is legal in IPv4
    stack.receive_frame(no_sum);
    stack.receive_frame(good);
    EXPECT_EQ(stack.udp_queued(*s), 2u);
    auto r = stack.udp_receive(*s, buf);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->length, 20u);
    EXPECT_EQ(r->from, (oh::Endpoint { kPeerIp, 5060 }));
    EXPECT_EQ(Bytes(buf.begin(), buf.begin() + 20), pattern(20));
}

TEST_F(StackTest, SocketsDemultiplexAndFilter)
{
    start_static();
    auto a = stack.udp_open(1000);
    auto b = stack.udp_open(2000);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(stack.udp_open(1000).error(), oh::Error::Exists);
    ASSERT_TRUE(stack.udp_connect(*b, { kGatewayIp, 9 }).has_value());
    stack.receive_frame(udp_frame(kPeerMac, kPeerIp, kOurIp, 9, 1000, { 'a' }));
    stack.receive_frame(udp_frame(kPeerMac, kPeerIp, kOurIp, 9, 2000, { 'b' })); // not the connected peer
    stack.receive_frame(udp_frame(kGatewayMac, kGatewayIp, kOurIp, 9, 2000, { 'c' }));
    stack.receive_frame(udp_frame(kPeerMac, kPeerIp, kOurIp, 9, 3000, { 'd' }));
    EXPECT_EQ(stack.udp_queued(*a), 1u);
    EXPECT_EQ(stack.udp_queued(*b), 1u);
    EXPECT_EQ(count(Counter::DropUdpNoPort), 1u);
    EXPECT_EQ(count(Counter::DropUdpWrongPeer), 1u);
    uint8_t c = 0;
    auto r = stack.udp_receive(*b, { &c, 1 });
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(c, 'c');

    // A closed socket's handle goes stale even when the slot is reused.
    stack.udp_close(*a);
    EXPECT_EQ(stack.pool_in_use(), 0u);
    auto again = stack.udp_open(1000);
    ASSERT_TRUE(again.has_value());
    EXPECT_FALSE(*again == *a);
    EXPECT_EQ(stack.udp_receive(*a, { &c, 1 }).error(), oh::Error::InvalidArgument);
}

TEST_F(StackTest, SocketQueuesAreBounded)
{
    start_static();
    auto s = stack.udp_open(5004);
    for (int i = 0; i < 10; ++i)
        stack.receive_frame(udp_frame(kPeerMac, kPeerIp, kOurIp, 5004, 5004, pattern(160, uint8_t(i))));
    EXPECT_EQ(stack.udp_queued(*s), kUdpQueueDepth);
    EXPECT_EQ(count(Counter::DropUdpQueueFull), 10 - kUdpQueueDepth);
    // Oldest first; a short buffer gets a cut datagram and learns its real size.
    uint8_t buf[100];
    auto r = stack.udp_receive(*s, buf);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->length, 100u);
    EXPECT_EQ(r->datagram, 160u);
    EXPECT_EQ(buf[0], pattern(160, 0)[0]);
}

// A media socket connected to its peer: a flood from anyone else never takes the queue
// slots the peer's datagrams need, and is counted apart.
TEST_F(StackTest, ConnectedSocketKeepsItsQueueForThePeer)
{
    start_static();
    auto s = stack.udp_open(10000);
    ASSERT_TRUE(s.has_value());
    ASSERT_TRUE(stack.udp_connect(*s, { kPeerIp, 5004 }).has_value());
    for (int i = 0; i < 10; ++i) {
        stack.receive_frame(udp_frame(kGatewayMac, kGatewayIp, kOurIp, 5004, 10000, pattern(160, uint8_t(i))));
        stack.receive_frame(udp_frame(kPeerMac, kPeerIp, kOurIp, 5006, 10000, pattern(160, uint8_t(i))));
    }
    stack.receive_frame(udp_frame(kPeerMac, kPeerIp, kOurIp, 5004, 10000, pattern(160, 0x55)));
    EXPECT_EQ(stack.udp_queued(*s), 1u);
    EXPECT_EQ(count(Counter::DropUdpWrongPeer), 20u);
    EXPECT_EQ(count(Counter::DropUdpQueueFull), 0u);
    ASSERT_TRUE(stack.udp_disconnect(*s).has_value());
    stack.receive_frame(udp_frame(kGatewayMac, kGatewayIp, kOurIp, 5004, 10000, pattern(160, 1)));
    EXPECT_EQ(stack.udp_queued(*s), 2u);
}

TEST_F(StackTest, SocketsCannotStarveArpQueue)
{
    start_static();
    SocketId sockets[kUdpSockets];
    for (size_t i = 0; i < kUdpSockets; ++i)
        sockets[i] = stack.udp_open(uint16_t(6000 + i)).value();
    // Datagrams of four pool buffers each (reassembled), more than the sockets' share holds.
    constexpr size_t kBig = 4 * kPoolBufferSize - 100;
    static_assert(kUdpSockets * kUdpQueueDepth * 4 > kPoolBuffers, "the sockets could hold the whole pool");
    uint16_t id = 1;
    for (size_t i = 0; i < kUdpSockets; ++i)
        for (size_t j = 0; j < kUdpQueueDepth; ++j)
            for (auto& f : fragment(kPeerIp, kOurIp, 17, id++, udp(kPeerIp, kOurIp, 1, uint16_t(6000 + i), pattern(kBig)), 1480))
                stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, f));
    EXPECT_GT(count(Counter::DropPoolExhausted), 0u);
    EXPECT_LE(stack.pool_in_use(), kPoolBuffers - kArpQueueLimit);
    EXPECT_GT(stack.pool_in_use(), kPoolBuffers - kArpQueueLimit - 4);
    // Unknown next hop: the packet still finds a pool buffer to wait in.
    EXPECT_TRUE(stack.udp_send_to(sockets[0], { Ipv4Address(192, 0, 2, 50), 1 }, pattern(10)).has_value());
}

TEST_F(StackTest, SendErrors)
{
    auto s = stack.udp_open(0);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(stack.udp_send_to(*s, { kPeerIp, 1 }, pattern(1)).error(), oh::Error::Unreachable) << "no address yet";
    NetConfig c;
    c.mode = AddressMode::Static;
    c.settings = { kOurIp, 24, {}, {} };
    stack.start(c);
    EXPECT_EQ(stack.udp_send_to(*s, { kRemoteIp, 1 }, pattern(1)).error(), oh::Error::Unreachable) << "no gateway";
    EXPECT_EQ(stack.udp_send_to(*s, { kPeerIp, 1 }, pattern(kUdpMaxDatagramPayload + 1)).error(), oh::Error::NoSpace);
    EXPECT_EQ(stack.udp_send(*s, pattern(1)).error(), oh::Error::InvalidArgument) << "not connected";
    device.fail = true;
    EXPECT_EQ(stack.udp_send_to(*s, { Ipv4Address(192, 0, 2, 255), 1 }, pattern(1)).error(), oh::Error::IoError);
    EXPECT_EQ(count(Counter::DropTxDevice), 1u);
}

TEST_F(StackTest, BroadcastGoesToBroadcastMac)
{
    start_static();
    auto s = stack.udp_open(0);
    ASSERT_TRUE(stack.udp_send_to(*s, { Ipv4Address(255, 255, 255, 255), 9 }, pattern(4)).has_value());
    EXPECT_TRUE(decode_udp(device.take()).eth_destination.is_broadcast());
}

TEST_F(StackTest, DropsAreCountedByReason)
{
    start_static();
    auto s = stack.udp_open(5060);
    Bytes good = udp_frame(kPeerMac, kPeerIp, kOurIp, 1, 5060, pattern(8));
    stack.receive_frame(std::span(good).first(10));
    EXPECT_EQ(count(Counter::DropEthTruncated), 1u);
    stack.receive_frame(std::span(good).first(30));
    EXPECT_EQ(count(Counter::DropIpTruncated), 1u);
    Bytes other_mac = good;
    other_mac[5] = 0x77;
    stack.receive_frame(other_mac);
    EXPECT_EQ(count(Counter::DropEthNotForUs), 1u);
    Bytes ipv6 = good;
    ipv6[12] = 0x86;
    ipv6[13] = 0xdd;
    stack.receive_frame(ipv6);
    EXPECT_EQ(count(Counter::DropEthUnsupported), 1u);
    Bytes bad_ip_sum = good;
    bad_ip_sum[14 + 8] ^= 1; // TTL changes, checksum does not
    stack.receive_frame(bad_ip_sum);
    EXPECT_EQ(count(Counter::DropIpChecksum), 1u);
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, ipv4(kPeerIp, kGatewayIp, 17, udp(kPeerIp, kGatewayIp, 1, 5060, {}))));
    EXPECT_EQ(count(Counter::DropIpNotForUs), 1u);
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, ipv4(kPeerIp, kOurIp, 6, pattern(20))));
    EXPECT_EQ(count(Counter::DropIpUnsupportedProtocol), 1u);
    Bytes frag = ipv4(kPeerIp, kOurIp, 17, udp(kPeerIp, kOurIp, 1, 5060, pattern(8)));
    frag[6] = 0x20;
    frag.resize(20 + 7); // a non-final fragment must carry a multiple of 8 bytes
    oh::store_be16(frag.data() + 2, 27);
    frag[10] = frag[11] = 0;
    oh::store_be16(frag.data() + 10, internet_checksum(std::span(frag).first(20)));
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, frag));
    EXPECT_EQ(count(Counter::IpFragmentsIn), 1u);
    EXPECT_EQ(count(Counter::DropIpMalformed), 1u);
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, ipv4(Ipv4Address(255, 255, 255, 255), kOurIp, 17, pattern(8))));
    EXPECT_EQ(count(Counter::DropIpBadSource), 1u);
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0806, pattern(20)));
    EXPECT_EQ(count(Counter::DropArpTruncated), 1u);
    EXPECT_EQ(stack.udp_queued(*s), 0u);
    EXPECT_EQ(stack.counters().total_drops(), 10u);
}

TEST_F(StackTest, MalformedFloodLeavesStackWorking)
{
    start_static();
    stack.set_service(Service::IcmpEcho, ServiceState::Enabled);
    stack.set_service(Service::UdpEcho, ServiceState::Enabled);
    learn(kPeerMac, kPeerIp);
    oh::Xoshiro128 rng(7);
    const Bytes seeds[] = {
        udp_frame(kPeerMac, kPeerIp, kOurIp, 1, 7, pattern(40)),
        ping_request(1, 1, pattern(40)),
        ethernet(kOurMac, kPeerMac, 0x0806, arp(ArpOperation::Request, kPeerMac, kPeerIp, {}, kOurIp)),
    };
    for (int i = 0; i < 20000; ++i) {
        Bytes f;
        if (i % 4 == 0) {
            f.resize(rng.next_u32() % 200);
            for (auto& b : f)
                b = uint8_t(rng.next_u32());
        } else {
            f = seeds[rng.next_u32() % 3];
            uint32_t how = rng.next_u32() % 3;
            if (how != 1)
                f.resize(14 + rng.next_u32() % (f.size() - 13));
            for (int k = 0, flips = how != 0 ? 1 + int(rng.next_u32() % 3) : 0; k < flips && f.size() > 14; ++k)
                f[14 + rng.next_u32() % (f.size() - 14)] ^= uint8_t(1 + rng.next_u32() % 255);
        }
        stack.receive_frame(f);
        if (i % 1000 == 0)
            advance(kNsPerSec);
    }
    for (size_t c = 0; c < kCounterCount; ++c)
        if (stack.counters().get(Counter(c)))
            std::printf("%s=%u ", counter_name(Counter(c)), stack.counters().get(Counter(c)));
    std::printf("\n");
    EXPECT_GT(count(Counter::DropIpChecksum), 1000u);
    EXPECT_GT(count(Counter::DropIpTruncated), 1000u);
    EXPECT_GT(count(Counter::DropArpTruncated), 1000u);
    EXPECT_GT(count(Counter::DropEthNotForUs), 1000u);
    EXPECT_GT(count(Counter::DropIcmpChecksum) + count(Counter::DropUdpChecksum), 50u);
    // Still alive: a clean ping gets its reply and nothing is left in the pool.
    device.frames.clear();
    learn(kPeerMac, kPeerIp);
    stack.receive_frame(ping_request(5, 5, pattern(16)));
    ASSERT_EQ(device.frames.size(), 1u);
    auto eth = parse_ethernet(device.frames[0]);
    auto ip = parse_ipv4(eth->payload);
    ASSERT_TRUE(ip.has_value());
    EXPECT_EQ(parse_icmp(ip->payload)->type, 0);
    EXPECT_EQ(stack.pool_in_use(), 0u);
}

TEST(StackSize, FitsTheBudget)
{
    // The pool and the reassembly buffers (lib/sizing.h; the ARM build's own are checked by
    // `make arm-size`), and the rest of the stack under 8 KiB.
    EXPECT_LE(sizeof(Stack), kPoolBuffers * kPoolBufferSize + sizeof(Ipv4Reassembler) + 8u * 1024u);
    std::printf("sizeof(Stack) = %zu bytes (pool %zu x %zu = %zu)\n", sizeof(Stack), kPoolBuffers, kPoolBufferSize,
        kPoolBuffers * kPoolBufferSize);
}

// RFC 6056 §3.3: port 0 gives a random free port of the dynamic range, not the next one.
TEST_F(StackTest, EphemeralPortsAreRandomAndFree)
{
    std::set<uint16_t> ports;
    SocketId held = stack.udp_open(0).value();
    uint16_t held_port = stack.udp_local_port(held).value();
    for (int i = 0; i < 40; i++) {
        auto s = stack.udp_open(0);
        ASSERT_TRUE(s.has_value());
        uint16_t p = stack.udp_local_port(*s).value();
        EXPECT_GE(p, kEphemeralFirst);
        EXPECT_NE(p, held_port);
        ports.insert(p);
        stack.udp_close(*s);
    }
    EXPECT_GE(ports.size(), 36u);
    bool consecutive = true;
    for (auto it = ports.begin(); std::next(it) != ports.end(); ++it)
        consecutive &= *std::next(it) == *it + 1;
    EXPECT_FALSE(consecutive);
}

} // namespace
} // namespace nettest
