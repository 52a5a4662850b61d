// ARP behaviour of the Stack: answering, resolution with a parked packet, retries, ageing,
// gratuitous announcements and conflicts.
#include "net_test_util.h"

namespace nettest {
namespace {

using namespace oh;
using namespace oh::net;
using oh::kNsPerSec;

TEST_F(StackTest, AnnouncesAddressOnStart)
{
    NetConfig c;
    c.mode = AddressMode::Static;
    c.settings = { kOurIp, 24, kGatewayIp, {} };
    stack.start(c);
    ASSERT_EQ(device.frames.size(), 1u);
    Bytes f = device.take();
    EXPECT_EQ(f.size(), 60u); // padded to the Ethernet minimum
    auto eth = parse_ethernet(f);
    EXPECT_TRUE(eth->destination.is_broadcast());
    ArpPacket a = decode_arp(f);
    EXPECT_EQ(a.operation, ArpOperation::Request);
    EXPECT_EQ(a.sender_ip, kOurIp);
    EXPECT_EQ(a.target_ip, kOurIp);
    EXPECT_EQ(a.sender_mac, kOurMac);
    EXPECT_TRUE(a.target_mac.is_zero());
    // RFC 5227: a second announcement two seconds later, then silence.
    advance(kNsPerSec);
    EXPECT_TRUE(device.frames.empty());
    advance(kNsPerSec);
    ASSERT_EQ(device.frames.size(), 1u);
    EXPECT_EQ(decode_arp(device.take()).target_ip, kOurIp);
    advance(10 * kNsPerSec);
    EXPECT_TRUE(device.frames.empty());
    EXPECT_EQ(count(Counter::ArpAnnouncementsOut), 2u);
}

TEST_F(StackTest, GratuitousArpOnAddressChangeOnly)
{
    start_static();
    advance(5 * kNsPerSec);
    device.frames.clear();
    Ipv4Settings same = stack.settings();
    same.dns = kPeerIp;
    stack.configure(same);
    EXPECT_TRUE(device.frames.empty()) << "no announcement when only the DNS server changes";
    Ipv4Settings moved = same;
    moved.address = Ipv4Address(192, 0, 2, 99);
    stack.configure(moved);
    ASSERT_EQ(device.frames.size(), 1u);
    ArpPacket a = decode_arp(device.take());
    EXPECT_EQ(a.sender_ip, moved.address);
    EXPECT_EQ(a.target_ip, moved.address);
}

TEST_F(StackTest, AnswersRequestForOurAddress)
{
    start_static();
    stack.receive_frame(ethernet(MacAddress::broadcast(), kPeerMac, 0x0806,
        arp(ArpOperation::Request, kPeerMac, kPeerIp, {}, kOurIp)));
    ASSERT_EQ(device.frames.size(), 1u);
    Bytes f = device.take();
    EXPECT_EQ(parse_ethernet(f)->destination, kPeerMac);
    ArpPacket a = decode_arp(f);
    EXPECT_EQ(a.operation, ArpOperation::Reply);
    EXPECT_EQ(a.sender_mac, kOurMac);
    EXPECT_EQ(a.sender_ip, kOurIp);
    EXPECT_EQ(a.target_mac, kPeerMac);
    EXPECT_EQ(a.target_ip, kPeerIp);
    // The asker is learnt (RFC 826), so replying to it needs no lookup.
    ASSERT_NE(stack.arp_cache().lookup(kPeerIp), nullptr);
    EXPECT_EQ(*stack.arp_cache().lookup(kPeerIp), kPeerMac);
}

TEST_F(StackTest, IgnoresRequestForOthersAndDoesNotLearnStrangers)
{
    start_static();
    stack.receive_frame(ethernet(MacAddress::broadcast(), kPeerMac, 0x0806,
        arp(ArpOperation::Request, kPeerMac, kPeerIp, {}, Ipv4Address(192, 0, 2, 77))));
    EXPECT_TRUE(device.frames.empty());
    EXPECT_EQ(stack.arp_cache().lookup(kPeerIp), nullptr);
}

TEST_F(StackTest, ResolvesWithQueuedPacket)
{
    start_static();
    stack.set_service(Service::IcmpEcho, ServiceState::Enabled);
    auto s = stack.udp_open(4000);
    ASSERT_TRUE(s.has_value());
    ASSERT_TRUE(stack.udp_send_to(*s, { kPeerIp, 5000 }, pattern(100)).has_value());
    // The datagram waits; an ARP request goes out instead.
    ASSERT_EQ(device.frames.size(), 1u);
    ArpPacket req = decode_arp(device.take());
    EXPECT_EQ(req.operation, ArpOperation::Request);
    EXPECT_EQ(req.target_ip, kPeerIp);
    EXPECT_EQ(req.sender_ip, kOurIp);
    EXPECT_EQ(stack.pool_in_use(), 1u);

    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0806, arp(ArpOperation::Reply, kPeerMac, kPeerIp, kOurMac, kOurIp)));
    ASSERT_EQ(device.frames.size(), 1u);
    Sent sent = decode_udp(device.take());
    EXPECT_EQ(sent.eth_destination, kPeerMac);
    EXPECT_EQ(sent.destination, kPeerIp);
    EXPECT_EQ(sent.source_port, 4000);
    EXPECT_EQ(sent.destination_port, 5000);
    EXPECT_EQ(sent.payload, pattern(100));
    EXPECT_EQ(stack.pool_in_use(), 0u);

    // Now cached: the next datagram goes straight out.
    ASSERT_TRUE(stack.udp_send_to(*s, { kPeerIp, 5000 }, pattern(3)).has_value());
    ASSERT_EQ(device.frames.size(), 1u);
    EXPECT_EQ(decode_udp(device.take()).payload.size(), 3u);
}

TEST_F(StackTest, OffLinkGoesThroughGateway)
{
    start_static();
    auto s = stack.udp_open(0);
    ASSERT_TRUE(stack.udp_send_to(*s, { kRemoteIp, 53 }, pattern(8)).has_value());
    ArpPacket req = decode_arp(device.take());
    EXPECT_EQ(req.target_ip, kGatewayIp);
    stack.receive_frame(ethernet(kOurMac, kGatewayMac, 0x0806, arp(ArpOperation::Reply, kGatewayMac, kGatewayIp, kOurMac, kOurIp)));
    Sent sent = decode_udp(device.take());
    EXPECT_EQ(sent.eth_destination, kGatewayMac);
    EXPECT_EQ(sent.destination, kRemoteIp);
    EXPECT_GE(sent.source_port, 49152);
}

TEST_F(StackTest, RetriesThenDropsQueuedPacket)
{
    start_static();
    auto s = stack.udp_open(4000);
    ASSERT_TRUE(stack.udp_send_to(*s, { kPeerIp, 5000 }, pattern(10)).has_value());
    EXPECT_EQ(decode_arp(device.take()).target_ip, kPeerIp);
    for (int i = 0; i < 2; ++i) {
        advance(kNsPerSec);
        ASSERT_EQ(device.frames.size(), 1u) << "retry " << i;
        EXPECT_EQ(decode_arp(device.take()).target_ip, kPeerIp);
    }
    advance(kNsPerSec);
    EXPECT_TRUE(device.frames.empty());
    EXPECT_EQ(count(Counter::DropArpUnresolved), 1u);
    EXPECT_EQ(count(Counter::ArpRequestsOut), 3u);
    EXPECT_EQ(stack.pool_in_use(), 0u);
    EXPECT_EQ(stack.arp_cache().find(kPeerIp), nullptr);
}

TEST_F(StackTest, QueueIsBounded)
{
    start_static();
    auto s = stack.udp_open(4000);
    for (size_t i = 0; i < kArpQueueLimit; ++i)
        ASSERT_TRUE(stack.udp_send_to(*s, { kPeerIp, 5000 }, pattern(10)).has_value());
    EXPECT_TRUE(stack.udp_send_to(*s, { kPeerIp, 5000 }, pattern(10)).is_error());
    EXPECT_EQ(count(Counter::DropArpQueueFull), 1u);
    EXPECT_EQ(count(Counter::ArpRequestsOut), 1u) << "one request per destination";
    device.frames.clear();
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0806, arp(ArpOperation::Reply, kPeerMac, kPeerIp, kOurMac, kOurIp)));
    EXPECT_EQ(device.frames.size(), kArpQueueLimit);
}

TEST_F(StackTest, EntriesAgeOut)
{
    start_static();
    learn(kPeerMac, kPeerIp);
    ASSERT_NE(stack.arp_cache().lookup(kPeerIp), nullptr);
    advance(kArpReachableTime - kNsPerSec);
    EXPECT_NE(stack.arp_cache().lookup(kPeerIp), nullptr);
    advance(kNsPerSec);
    EXPECT_EQ(stack.arp_cache().lookup(kPeerIp), nullptr);
    EXPECT_EQ(count(Counter::ArpExpired), 1u);
    // Sending now needs a fresh lookup.
    auto s = stack.udp_open(4000);
    ASSERT_TRUE(stack.udp_send_to(*s, { kPeerIp, 5000 }, pattern(10)).has_value());
    EXPECT_EQ(decode_arp(device.take()).target_ip, kPeerIp);
}

TEST_F(StackTest, RefreshKeepsEntryAlive)
{
    start_static();
    learn(kPeerMac, kPeerIp);
    advance(kArpReachableTime / 2);
    // A gratuitous ARP from the peer with a new MAC updates the existing entry.
    MacAddress moved { { 0x02, 0, 0, 0, 0, 0x99 } };
    stack.receive_frame(ethernet(MacAddress::broadcast(), moved, 0x0806, arp(ArpOperation::Request, moved, kPeerIp, {}, kPeerIp)));
    advance(kArpReachableTime / 2 + kNsPerSec);
    ASSERT_NE(stack.arp_cache().lookup(kPeerIp), nullptr);
    EXPECT_EQ(*stack.arp_cache().lookup(kPeerIp), moved);
}

TEST_F(StackTest, CacheEvictsOldestWhenFull)
{
    start_static();
    for (uint8_t i = 0; i < kArpCacheEntries + 1; ++i) {
        MacAddress m { { 0x02, 0, 0, 0, 1, i } };
        learn(m, Ipv4Address(192, 0, 2, uint8_t(100 + i)));
        clock.advance(kNsPerSec);
    }
    EXPECT_EQ(stack.arp_cache().size(), kArpCacheEntries);
    EXPECT_EQ(stack.arp_cache().lookup(Ipv4Address(192, 0, 2, 100)), nullptr);
    EXPECT_NE(stack.arp_cache().lookup(Ipv4Address(192, 0, 2, 108)), nullptr);
}

TEST_F(StackTest, ConflictIsCountedNotLearnt)
{
    start_static();
    stack.receive_frame(ethernet(MacAddress::broadcast(), kPeerMac, 0x0806, arp(ArpOperation::Request, kPeerMac, kOurIp, {}, kOurIp)));
    EXPECT_EQ(count(Counter::ArpConflicts), 1u);
    EXPECT_EQ(stack.arp_cache().find(kOurIp), nullptr);
}

} // namespace
} // namespace nettest
