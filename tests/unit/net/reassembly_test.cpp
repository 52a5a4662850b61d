// IPv4 reassembly: the reassembler alone (order, duplicates, limits, timeout) and through
// the Stack into a UDP socket.
#include "net_test_util.h"

#include "net/ip_reassembly.h"

namespace nettest {
namespace {

using namespace oh;
using namespace oh::net;
using oh::Error;
using oh::kNsPerSec;

Ipv4Packet parsed(const Bytes& p)
{
    auto r = parse_ipv4(p);
    EXPECT_TRUE(r.has_value());
    return r.value_or({});
}

TEST(Reassembler, OutOfOrderWithDuplicates)
{
    Ipv4Reassembler r;
    Bytes payload = pattern(3000);
    auto frags = fragment(kPeerIp, kOurIp, 17, 77, payload, 1480);
    ASSERT_EQ(frags.size(), 3u);
    EXPECT_EQ(r.add(parsed(frags[2]), 0).error(), Error::WouldBlock);
    EXPECT_EQ(r.add(parsed(frags[0]), 0).error(), Error::WouldBlock);
    EXPECT_EQ(r.add(parsed(frags[0]), 0).error(), Error::WouldBlock);
    auto whole = r.add(parsed(frags[1]), 0);
    ASSERT_TRUE(whole.has_value());
    EXPECT_EQ(Bytes(whole->begin(), whole->end()), payload);
    EXPECT_EQ(r.in_progress(), 0u);
}

TEST(Reassembler, Limits)
{
    Ipv4Reassembler r;
    auto big = fragment(kPeerIp, kOurIp, 17, 1, pattern(kReassemblyMaxPayload + 8), 1480);
    for (size_t i = 0; i + 1 < big.size(); ++i)
        EXPECT_EQ(r.add(parsed(big[i]), 0).error(), Error::WouldBlock);
    EXPECT_EQ(r.add(parsed(big.back()), 0).error(), Error::NoSpace);
    EXPECT_EQ(r.in_progress(), 0u) << "the oversized datagram's slot is freed";

    auto a = fragment(kPeerIp, kOurIp, 17, 2, pattern(2000), 1000);
    EXPECT_EQ(r.add(parsed(a[0]), 0).error(), Error::WouldBlock);
    EXPECT_EQ(r.expire(kReassemblyTimeout - 1), 0u);
    EXPECT_EQ(r.next_deadline(), kReassemblyTimeout);
    EXPECT_EQ(r.expire(kReassemblyTimeout), 1u);
    EXPECT_EQ(r.in_progress(), 0u);
}

Ipv4Address host(uint8_t n) { return Ipv4Address(198, 51, 100, n); }

// One source holds at most kReassemblyPerSource datagrams: forging many IDs only recycles
// its own slots, and the other sources' datagrams still reassemble.
TEST(Reassembler, OneSourceCannotTakeEverySlot)
{
    Ipv4Reassembler r;
    for (uint16_t id = 0; id < 50; id++) {
        auto forged = fragment(host(66), kOurIp, 17, id, pattern(2000), 1000);
        EXPECT_EQ(r.add(parsed(forged[0]), id * kNsPerMs).error(), Error::WouldBlock);
    }
    EXPECT_EQ(r.in_progress(), kReassemblyPerSource);
    EXPECT_EQ(r.evicted(), 50u - kReassemblyPerSource);
    for (uint8_t n = 1; n <= kReassemblySlots - kReassemblyPerSource; n++) {
        auto real = fragment(host(n), kOurIp, 17, 7, pattern(3000, n), 1480);
        EXPECT_EQ(r.add(parsed(real[0]), 60 * kNsPerMs).error(), Error::WouldBlock);
        EXPECT_EQ(r.add(parsed(real[1]), 60 * kNsPerMs).error(), Error::WouldBlock);
    }
    // Every slot is busy now, but the forger still only competes with itself.
    auto forged = fragment(host(66), kOurIp, 17, 99, pattern(2000), 1000);
    EXPECT_EQ(r.add(parsed(forged[0]), 61 * kNsPerMs).error(), Error::WouldBlock);
    for (uint8_t n = 1; n <= kReassemblySlots - kReassemblyPerSource; n++) {
        auto real = fragment(host(n), kOurIp, 17, 7, pattern(3000, n), 1480);
        auto whole = r.add(parsed(real[2]), 62 * kNsPerMs);
        ASSERT_TRUE(whole.has_value()) << int(n);
        EXPECT_EQ(Bytes(whole->begin(), whole->end()), pattern(3000, n));
    }
}

// The attack: a forged first fragment at regular intervals used to hold the only slot
// for 10 s. Now the PBX's fragmented INVITEs reassemble every time.
TEST(Reassembler, ForgedFirstFragmentsDoNotBlockRealDatagrams)
{
    Ipv4Reassembler r;
    Nanoseconds now = 0;
    int whole = 0;
    for (int round = 0; round < 20; round++, now += kNsPerSec) {
        r.expire(now);
        auto forged = fragment(host(66), kOurIp, 17, uint16_t(round), pattern(2000), 1000);
        (void)r.add(parsed(forged[0]), now); // WouldBlock, never completed
        auto invite = fragment(host(1), kOurIp, 17, uint16_t(1000 + round), pattern(2500), 1480);
        (void)r.add(parsed(invite[0]), now + kNsPerMs);
        whole += r.add(parsed(invite[1]), now + kNsPerMs).has_value();
    }
    EXPECT_EQ(whole, 20);
}

// When several sources fill every slot, a datagram still arriving (younger than
// kReassemblyProtectedAge) is never pushed out; a stale one is, the oldest first.
TEST(Reassembler, EvictionSparesDatagramsStillArriving)
{
    Ipv4Reassembler r;
    for (uint8_t n = 1; n <= kReassemblySlots; n++) {
        auto f = fragment(host(n), kOurIp, 17, 1, pattern(2000), 1000);
        EXPECT_EQ(r.add(parsed(f[0]), n * kNsPerMs).error(), Error::WouldBlock);
    }
    auto late = fragment(host(50), kOurIp, 17, 1, pattern(2000), 1000);
    EXPECT_EQ(r.add(parsed(late[0]), 100 * kNsPerMs).error(), Error::NoMemory);
    EXPECT_EQ(r.evicted(), 0u);
    // host(1)'s datagram is the oldest; past the protected age it gives way.
    EXPECT_EQ(r.add(parsed(late[0]), kReassemblyProtectedAge + 1 * kNsPerMs).error(), Error::WouldBlock);
    EXPECT_EQ(r.evicted(), 1u);
    auto second = fragment(host(2), kOurIp, 17, 1, pattern(2000), 1000);
    EXPECT_TRUE(r.add(parsed(second[1]), kReassemblyProtectedAge + 2 * kNsPerMs).has_value());
    auto first = fragment(host(1), kOurIp, 17, 1, pattern(2000), 1000);
    EXPECT_FALSE(r.add(parsed(first[1]), kReassemblyProtectedAge + 2 * kNsPerMs).has_value());
}

// Forged first fragments from many spoofed addresses keep every slot young; the registrar's
// (a preferred source) datagram still takes the oldest forged slot and completes, while
// another unknown source is refused. Preferred sources never push each other out.
TEST(Reassembler, PreferredSourceGetsThroughSpoofedFlood)
{
    Ipv4Reassembler r;
    Ipv4Address pbx = host(1), trusted = host(2);
    EXPECT_TRUE(r.prefer(pbx));
    EXPECT_TRUE(r.prefer(trusted));
    EXPECT_TRUE(r.prefer(pbx)) << "adding one twice takes no room";
    Nanoseconds t = 0;
    for (uint8_t n = 100; n < 200; n++, t += 100 * kNsPerUs) {
        auto forged = fragment(host(n), kOurIp, 17, n, pattern(2000), 1000);
        (void)r.add(parsed(forged[0]), t);
    }
    EXPECT_EQ(r.in_progress(), kReassemblySlots);
    auto unknown = fragment(host(50), kOurIp, 17, 5, pattern(2000), 1000);
    EXPECT_EQ(r.add(parsed(unknown[0]), t).error(), Error::NoMemory);

    auto invite = fragment(pbx, kOurIp, 17, 9, pattern(4000, 3), 1480);
    ASSERT_EQ(invite.size(), 3u);
    EXPECT_EQ(r.add(parsed(invite[0]), t).error(), Error::WouldBlock);
    // The flood goes on between the INVITE's fragments.
    for (uint8_t n = 200; n < 230; n++) {
        auto forged = fragment(host(n), kOurIp, 17, n, pattern(2000), 1000);
        (void)r.add(parsed(forged[0]), t + 10 * kNsPerUs);
    }
    EXPECT_EQ(r.add(parsed(invite[1]), t + 20 * kNsPerUs).error(), Error::WouldBlock);
    auto whole = r.add(parsed(invite[2]), t + 30 * kNsPerUs);
    ASSERT_TRUE(whole.has_value());
    EXPECT_EQ(Bytes(whole->begin(), whole->end()), pattern(4000, 3));

    // Every slot held by preferred sources: a third preferred datagram is refused, not
    // allowed to push out one still arriving.
    Ipv4Reassembler p;
    for (uint8_t n = 1; n <= kReassemblyPreferred; n++)
        EXPECT_TRUE(p.prefer(host(n)));
    EXPECT_FALSE(p.prefer(host(99))) << "the list is bounded";
    EXPECT_FALSE(p.preferred(host(99)));
    size_t used = 0;
    for (uint8_t n = 1; n <= kReassemblyPreferred && used < kReassemblySlots; n++)
        for (uint16_t id = 0; id < kReassemblyPerSource && used < kReassemblySlots; id++, used++) {
            auto f = fragment(host(n), kOurIp, 17, id, pattern(2000), 1000);
            EXPECT_EQ(p.add(parsed(f[0]), 0).error(), Error::WouldBlock);
        }
    if (used == kReassemblySlots && kReassemblyPreferred * kReassemblyPerSource > kReassemblySlots) {
        auto f = fragment(host(kReassemblyPreferred), kOurIp, 17, 77, pattern(2000), 1000);
        EXPECT_EQ(p.add(parsed(f[0]), kNsPerMs).error(), Error::NoMemory);
        EXPECT_EQ(p.evicted(), 0u);
    }
}

TEST(Reassembler, TimeoutAndMemoryBound)
{
    EXPECT_LE(kReassemblyTimeout, 15 * kNsPerSec); // RFC 791's suggested upper bound
    // Each slot: its payload, a bit per 8-byte block, and a little bookkeeping.
    EXPECT_LE(sizeof(Ipv4Reassembler), kReassemblySlots * (kReassemblyMaxPayload + kReassemblyMaxPayload / 64 + 128));
}

TEST(Reassembler, InconsistentFragments)
{
    Ipv4Reassembler r;
    auto f = fragment(kPeerIp, kOurIp, 17, 4, pattern(100), 1000);
    Bytes odd = ipv4(kPeerIp, kOurIp, 17, pattern(13));
    oh::store_be16(odd.data() + 6, 0x2000);
    odd[10] = odd[11] = 0;
    oh::store_be16(odd.data() + 10, internet_checksum(std::span(odd).first(20)));
    EXPECT_EQ(r.add(parsed(odd), 0).error(), Error::Malformed);
    // Two "last" fragments with different ends.
    auto x = fragment(kPeerIp, kOurIp, 17, 5, pattern(3000), 1480);
    EXPECT_EQ(r.add(parsed(x[2]), 0).error(), Error::WouldBlock);
    auto y = fragment(kPeerIp, kOurIp, 17, 5, pattern(2000), 1480);
    EXPECT_EQ(r.add(parsed(y[1]), 0).error(), Error::Malformed);
    EXPECT_EQ(r.in_progress(), 0u);
}

TEST_F(StackTest, ReassembledDatagramReachesSocket)
{
    start_static();
    auto s = stack.udp_open(5060);
    Bytes message = pattern(3500, 9); // a large SIP INVITE, say
    auto frags = fragment(kPeerIp, kOurIp, 17, 0x4321, udp(kPeerIp, kOurIp, 5060, 5060, message), 1480);
    ASSERT_EQ(frags.size(), 3u);
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, frags[1]));
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, frags[2]));
    EXPECT_EQ(stack.udp_queued(*s), 0u);
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, frags[0]));
    ASSERT_EQ(stack.udp_queued(*s), 1u);
    EXPECT_EQ(count(Counter::IpReassembled), 1u);
    EXPECT_EQ(stack.pool_in_use(), 3u) << "3500 bytes take three pool buffers";
    Bytes out(4000);
    auto r = stack.udp_receive(*s, out);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->datagram, 3500u);
    EXPECT_EQ(r->length, 3500u);
    out.resize(r->length);
    EXPECT_EQ(out, message);
    EXPECT_EQ(stack.pool_in_use(), 0u);
}

// RFC 3261 §18.1.1 lets a SIP message over UDP be as long as IPv4 carries: the largest UDP
// payload, 65,535 - 20 (IP header) - 8 (UDP header) = 65,507 bytes (RFC 791 §3.1, RFC 768),
// arriving last fragment first, reaches the socket whole; one byte more cannot exist.
TEST_F(StackTest, LargestUdpDatagramReachesSocket)
{
    start_static();
    auto s = stack.udp_open(5060);
    constexpr size_t kLargest = 65535 - 20 - 8;
    Bytes message = pattern(kLargest, 3);
    auto frags = fragment(kPeerIp, kOurIp, 17, 0x5151, udp(kPeerIp, kOurIp, 5060, 5060, message), 1480);
    for (size_t i = frags.size(); i > 0; i--)
        stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, frags[i - 1]));
    ASSERT_EQ(stack.udp_queued(*s), 1u);
    Bytes out(kLargest + 100);
    auto r = stack.udp_receive(*s, out);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->datagram, kLargest);
    ASSERT_EQ(r->length, kLargest);
    out.resize(r->length);
    EXPECT_EQ(out, message);
    EXPECT_EQ(stack.pool_in_use(), 0u);
    // A "datagram" reaching past 65,535 bytes (the ping of death, RFC 4963 §4) is refused.
    Bytes over = udp(kPeerIp, kOurIp, 5060, 5060, pattern(kLargest));
    over.resize(over.size() + 8, 0xaa);
    auto bad = fragment(kPeerIp, kOurIp, 17, 0x5152, over, 1480);
    for (auto& f : bad)
        stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, f));
    EXPECT_EQ(stack.udp_queued(*s), 0u);
    EXPECT_EQ(stack.pool_in_use(), 0u);
}

TEST_F(StackTest, LostFragmentTimesOut)
{
    start_static();
    auto s = stack.udp_open(5060);
    auto frags = fragment(kPeerIp, kOurIp, 17, 1, udp(kPeerIp, kOurIp, 5060, 5060, pattern(2000)), 1480);
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, frags[0]));
    EXPECT_LE(stack.next_deadline(), clock.now_ns() + kReassemblyTimeout);
    advance(kReassemblyTimeout);
    EXPECT_EQ(count(Counter::DropIpReassemblyTimeout), 1u);
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, frags[1]));
    EXPECT_EQ(stack.udp_queued(*s), 0u);
}

TEST_F(StackTest, ReassembledChecksumStillVerified)
{
    start_static();
    auto s = stack.udp_open(5060);
    Bytes datagram = udp(kPeerIp, kOurIp, 5060, 5060, pattern(2000));
    datagram[1500] ^= 1;
    for (const Bytes& f : fragment(kPeerIp, kOurIp, 17, 2, datagram, 1480))
        stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, f));
    EXPECT_EQ(count(Counter::IpReassembled), 1u);
    EXPECT_EQ(count(Counter::DropUdpChecksum), 1u);
    EXPECT_EQ(stack.udp_queued(*s), 0u);
}

} // namespace
} // namespace nettest

namespace nettest {
namespace {

using namespace oh::net;

// Collects the frames the stack sent, checks them as fragments of one datagram and returns
// the reassembled IP payload.
Bytes reassemble_sent(std::vector<Bytes> frames, size_t expected_fragments, uint8_t protocol)
{
    EXPECT_EQ(frames.size(), expected_fragments);
    Ipv4Reassembler r;
    Bytes whole;
    uint16_t id = 0;
    for (size_t i = 0; i < frames.size(); ++i) {
        auto eth = parse_ethernet(frames[i]);
        auto ip = parse_ipv4(eth->payload);
        EXPECT_TRUE(ip.has_value());
        if (!ip)
            return {};
        EXPECT_EQ(ip->protocol, protocol);
        EXPECT_EQ(eth->destination, kPeerMac);
        if (i == 0)
            id = ip->identification;
        EXPECT_EQ(ip->identification, id) << "one datagram, one ID";
        EXPECT_EQ(ip->more_fragments, i + 1 < frames.size());
        EXPECT_LE(frames[i].size(), kEthernetMaxFrame);
        auto done = r.add(ip.value(), 0);
        if (done)
            whole.assign(done->begin(), done->end());
    }
    return whole;
}

TEST_F(StackTest, LargeUdpIsFragmented)
{
    start_static();
    learn(kPeerMac, kPeerIp);
    auto s = stack.udp_open(5060);
    Bytes message = pattern(3000, 3);
    ASSERT_TRUE(stack.udp_send_to(*s, { kPeerIp, 5062 }, message).has_value());
    // 3008 bytes of UDP: 1480 + 1480 + 48.
    ASSERT_EQ(device.frames.size(), 3u);
    auto second = parse_ipv4(parse_ethernet(device.frames[1])->payload);
    EXPECT_EQ(second->fragment_offset, 1480);
    EXPECT_EQ(second->payload.size(), 1480u);
    Bytes datagram = reassemble_sent(device.frames, 3, 17);
    auto udp_view = parse_udp(datagram, kOurIp, kPeerIp);
    ASSERT_TRUE(udp_view.has_value()) << "checksum over the whole datagram verifies";
    EXPECT_EQ(Bytes(udp_view->payload.begin(), udp_view->payload.end()), message);
    EXPECT_EQ(count(Counter::IpFragmentsOut), 2u);
}

TEST_F(StackTest, FragmentsWaitForArpTogether)
{
    start_static();
    auto s = stack.udp_open(5060);
    ASSERT_TRUE(stack.udp_send_to(*s, { kPeerIp, 5062 }, pattern(4000)).has_value());
    ASSERT_EQ(device.frames.size(), 1u);
    EXPECT_EQ(decode_arp(device.take()).target_ip, kPeerIp);
    // Only one parking slot left: a second three-fragment datagram is refused whole.
    EXPECT_EQ(stack.udp_send_to(*s, { Ipv4Address(192, 0, 2, 77), 1 }, pattern(4000)).error(), oh::Error::NoMemory);
    device.frames.clear();
    stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0806, arp(ArpOperation::Reply, kPeerMac, kPeerIp, kOurMac, kOurIp)));
    Bytes datagram = reassemble_sent(device.frames, 3, 17);
    auto udp_view = parse_udp(datagram, kOurIp, kPeerIp);
    ASSERT_TRUE(udp_view.has_value());
    EXPECT_EQ(Bytes(udp_view->payload.begin(), udp_view->payload.end()), pattern(4000));
}

TEST_F(StackTest, UdpEchoThroughFragmentsBothWays)
{
    start_static();
    stack.set_service(Service::UdpEcho, ServiceState::Enabled);
    learn(kPeerMac, kPeerIp);
    std::vector<size_t> sizes = { 1472, 1473, 1480, 1481, 2952, 2953, kUdpMaxDatagramPayload };
    for (size_t n = 1500; n < kUdpMaxDatagramPayload; n += 97)
        sizes.push_back(n);
    uint16_t id = 100;
    for (size_t n : sizes) {
        Bytes payload = pattern(n, uint8_t(n));
        Bytes datagram = udp(kPeerIp, kOurIp, 40000, 7, payload);
        auto frags = fragment(kPeerIp, kOurIp, 17, id++, datagram, 1480);
        for (const Bytes& f : frags)
            stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, f));
        size_t expected = (n + 8 + 1479) / 1480;
        Bytes echoed = reassemble_sent(device.frames, expected, 17);
        device.frames.clear();
        auto view = parse_udp(echoed, kOurIp, kPeerIp);
        ASSERT_TRUE(view.has_value()) << n;
        EXPECT_EQ(Bytes(view->payload.begin(), view->payload.end()), payload) << n;
        EXPECT_EQ(view->destination_port, 40000);
    }
    EXPECT_EQ(stack.counters().total_drops(), 0u);
}

TEST_F(StackTest, BigPingAnsweredWithFragments)
{
    start_static();
    stack.set_service(Service::IcmpEcho, ServiceState::Enabled);
    learn(kPeerMac, kPeerIp);
    Bytes echo = icmp_echo(IcmpType::EchoRequest, 9, 4, pattern(3000));
    for (const Bytes& f : fragment(kPeerIp, kOurIp, 1, 55, echo, 1480))
        stack.receive_frame(ethernet(kOurMac, kPeerMac, 0x0800, f));
    Bytes reply = reassemble_sent(device.frames, 3, 1);
    auto m = parse_icmp(reply);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->type, 0);
    EXPECT_EQ(m->identifier, 9);
    EXPECT_EQ(m->sequence, 4);
    EXPECT_EQ(Bytes(m->payload.begin(), m->payload.end()), pattern(3000));
}

} // namespace
} // namespace nettest
