// DHCP: message parser tests, and the client inside a Stack against a scripted server:
// full exchange, renewal at T1, rebinding at T2, expiry, NAK, static fallback.
#include "net_test_util.h"

#include "net/dhcp_message.h"

namespace nettest {
namespace {

using namespace oh;
using namespace oh::net;
using oh::Error;
using oh::kNsPerSec;

constexpr Ipv4Address kServerIp { 192, 0, 2, 1 };
const MacAddress kServerMac = kGatewayMac;
constexpr Ipv4Address kLeasedIp { 192, 0, 2, 123 };
constexpr Ipv4Address kDnsIp { 192, 0, 2, 53 };

struct ReplyOptions {
    uint32_t lease { 3600 };
    bool t1_t2 { true };
    uint32_t t1 { 1800 };
    uint32_t t2 { 3150 };
    bool server_id { true };
    bool rapid_commit { false }; // RFC 4039 option 80 in the reply
};

Bytes dhcp_reply(DhcpMessageType type, uint32_t xid, Ipv4Address yiaddr, const ReplyOptions& o = {})
{
    Bytes m(240, 0);
    m[0] = 2;
    m[1] = 1;
    m[2] = 6;
    oh::store_be32(m.data() + 4, xid);
    oh::store_be32(m.data() + 16, yiaddr.value);
    kOurMac.store(m.data() + 28);
    oh::store_be32(m.data() + 236, kDhcpMagicCookie);
    auto opt = [&](uint8_t code, std::initializer_list<uint8_t> v) {
        m.push_back(code);
        m.push_back(uint8_t(v.size()));
        m.insert(m.end(), v);
    };
    auto opt32 = [&](uint8_t code, uint32_t v) {
        opt(code, { uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v) });
    };
    opt(53, { uint8_t(type) });
    if (o.server_id)
        opt32(54, kServerIp.value);
    opt32(1, 0xffffff00);
    opt32(3, kServerIp.value);
    opt(6, { 192, 0, 2, 53, 192, 0, 2, 54 });
    opt32(51, o.lease);
    if (o.t1_t2) {
        opt32(58, o.t1);
        opt32(59, o.t2);
    }
    if (o.rapid_commit)
        opt(80, {});
    m.push_back(255);
    return m;
}

TEST(DhcpMessage, ParsesServerReply)
{
    Bytes m = dhcp_reply(DhcpMessageType::Offer, 0xabcdef01, kLeasedIp);
    auto r = parse_dhcp(m);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->op, 2);
    EXPECT_EQ(r->xid, 0xabcdef01u);
    EXPECT_EQ(r->type, DhcpMessageType::Offer);
    EXPECT_EQ(r->yiaddr, kLeasedIp);
    EXPECT_EQ(r->chaddr, kOurMac);
    EXPECT_EQ(r->server_id, kServerIp);
    EXPECT_EQ(r->subnet_mask, Ipv4Address(255, 255, 255, 0));
    EXPECT_EQ(r->router, kServerIp);
    ASSERT_EQ(r->dns_count, 2);
    EXPECT_EQ(r->dns[0], kDnsIp);
    EXPECT_EQ(r->dns[1], Ipv4Address(192, 0, 2, 54));
    EXPECT_TRUE(r->has_lease_time && r->has_t1 && r->has_t2);
    EXPECT_EQ(r->lease_time, 3600u);
    EXPECT_EQ(r->t1, 1800u);
    EXPECT_EQ(r->t2, 3150u);
}

TEST(DhcpMessage, SkipsPadAndUnknownOptions)
{
    Bytes m = dhcp_reply(DhcpMessageType::Ack, 1, kLeasedIp);
    m.pop_back(); // End
    m.insert(m.end(), { 0, 0, 200, 3, 1, 2, 3, 0, 255, 0, 0 });
    auto r = parse_dhcp(m);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->type, DhcpMessageType::Ack);
}

TEST(DhcpMessage, EveryTruncationNeedsMore)
{
    Bytes m = dhcp_reply(DhcpMessageType::Ack, 1, kLeasedIp);
    for (size_t n = 0; n < m.size(); ++n)
        EXPECT_EQ(parse_dhcp(std::span(m).first(n)).error(), Error::NeedMore) << n;
}

TEST(DhcpMessage, Malformed)
{
    Bytes good = dhcp_reply(DhcpMessageType::Ack, 1, kLeasedIp);
    auto expect_malformed = [](Bytes m, const char* what) {
        EXPECT_EQ(parse_dhcp(m).error(), Error::Malformed) << what;
    };
    Bytes b = good;
    b[0] = 3;
    expect_malformed(b, "op");
    b = good;
    b[2] = 16;
    expect_malformed(b, "hlen");
    b = good;
    b[239] ^= 1;
    expect_malformed(b, "cookie");
    b = good;
    b[241] = 2; // message type option with length 2
    expect_malformed(b, "type length");
    b = good;
    b[242] = 9;
    expect_malformed(b, "type value");
    b = good;
    b.pop_back();
    b.insert(b.end(), { 1, 3, 255, 255, 255, 255 });
    expect_malformed(b, "mask length");
    b = good;
    b.pop_back();
    b.insert(b.end(), { 6, 5, 1, 2, 3, 4, 5, 255 });
    expect_malformed(b, "dns list length");
}

TEST(DhcpMessage, DiscoverBytes)
{
    uint8_t out[kDhcpMaxRequestSize];
    DhcpRequestFields f;
    f.type = DhcpMessageType::Discover;
    f.xid = 0x01020304;
    f.chaddr = kOurMac;
    size_t n = write_dhcp_request(out, f);
    EXPECT_EQ(n, 300u);
    EXPECT_EQ(out[0], 1);
    EXPECT_EQ(out[1], 1);
    EXPECT_EQ(out[2], 6);
    EXPECT_EQ(oh::load_be32(out + 4), 0x01020304u);
    EXPECT_EQ(MacAddress::from(out + 28), kOurMac);
    EXPECT_EQ(oh::load_be32(out + 236), kDhcpMagicCookie);
    const uint8_t first_options[] = { 53, 1, 1, 61, 7, 1, 0x02, 0, 0, 0, 0, 0x10, 55, 6, 1, 3, 6, 51, 58, 59, 57, 2, 0x02, 0x40, 255 };
    EXPECT_EQ(Bytes(out + 240, out + 240 + sizeof first_options), Bytes(std::begin(first_options), std::end(first_options)));
    // Our own parser reads it back (as a BOOTREQUEST).
    auto back = parse_dhcp({ out, n });
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->type, DhcpMessageType::Discover);
}

// What the client sent, as the server sees it.
struct ClientMessage {
    DhcpMessageType type { DhcpMessageType::None };
    uint32_t xid { 0 };
    Ipv4Address ip_source, ip_destination, ciaddr, requested, server_id;
    MacAddress eth_destination;
    oh::Nanoseconds at { 0 };
    bool rapid_commit { false };
};

class DhcpTest : public StackTest {
protected:
    void start_dhcp(const char* config = "dhcp")
    {
        auto c = parse_net_config(config);
        ASSERT_TRUE(c.has_value());
        stack.start(*c);
        serve();
    }

    // The scripted server: answers ARP for itself, records DHCP messages, and (if told to)
    // offers kLeasedIp and acknowledges requests for it.
    void serve()
    {
        while (!device.frames.empty()) {
            Bytes f = device.take();
            auto eth = parse_ethernet(f);
            ASSERT_TRUE(eth.has_value());
            if (eth->ether_type == 0x0806) {
                ArpPacket a = parse_arp(eth->payload).value();
                if (a.operation == ArpOperation::Request && a.target_ip == kServerIp && answer_arp)
                    stack.receive_frame(ethernet(kOurMac, kServerMac, 0x0806, arp(ArpOperation::Reply, kServerMac, kServerIp, kOurMac, a.sender_ip)));
                continue;
            }
            Sent s = decode_udp(f);
            ASSERT_EQ(s.source_port, 68);
            ASSERT_EQ(s.destination_port, 67);
            auto m = parse_dhcp(s.payload);
            ASSERT_TRUE(m.has_value());
            seen.push_back({ m->type, m->xid, s.source, s.destination, m->ciaddr, m->requested_address, m->server_id, s.eth_destination, clock.now_ns(), m->rapid_commit });
            if (!answer)
                continue;
            if (m->type == DhcpMessageType::Discover && ack_discover)
                reply(DhcpMessageType::Ack, m->xid);
            else if (m->type == DhcpMessageType::Discover)
                reply(DhcpMessageType::Offer, m->xid);
            else if (m->type == DhcpMessageType::Request) {
                reply(nak ? DhcpMessageType::Nak : DhcpMessageType::Ack, m->xid);
                nak = false; // one NAK, or client and server would loop forever
            }
        }
    }

    void reply(DhcpMessageType type, uint32_t xid)
    {
        Bytes payload = dhcp_reply(type, xid, type == DhcpMessageType::Nak ? Ipv4Address() : kLeasedIp, options);
        // Servers broadcast to unconfigured clients (or unicast to yiaddr); both are accepted.
        Ipv4Address dst = stack.configured() ? stack.settings().address : Ipv4Address(0xffffffff);
        stack.receive_frame(udp_frame(kServerMac, kServerIp, dst, 67, 68, payload));
    }

    void run_for(oh::Nanoseconds d, oh::Nanoseconds step = kNsPerSec)
    {
        for (oh::Nanoseconds t = 0; t < d; t += step) {
            advance(step);
            serve();
        }
    }

    size_t count_seen(DhcpMessageType type) const
    {
        size_t n = 0;
        for (const auto& m : seen)
            n += m.type == type;
        return n;
    }

    std::vector<ClientMessage> seen;
    ReplyOptions options;
    bool answer { true };
    bool answer_arp { true };
    bool nak { false };
    bool ack_discover { false }; // a rapid-commit server: ACK straight after DISCOVER
};

TEST_F(DhcpTest, FullExchange)
{
    start_dhcp();
    ASSERT_EQ(seen.size(), 2u);
    const ClientMessage& discover = seen[0];
    EXPECT_EQ(discover.type, DhcpMessageType::Discover);
    EXPECT_TRUE(discover.ip_source.is_unspecified());
    EXPECT_TRUE(discover.ip_destination.is_broadcast());
    EXPECT_TRUE(discover.eth_destination.is_broadcast());
    const ClientMessage& request = seen[1];
    EXPECT_EQ(request.type, DhcpMessageType::Request);
    EXPECT_EQ(request.xid, discover.xid);
    EXPECT_EQ(request.requested, kLeasedIp);
    EXPECT_EQ(request.server_id, kServerIp);
    EXPECT_TRUE(request.ciaddr.is_unspecified());
    EXPECT_TRUE(request.ip_destination.is_broadcast());

    EXPECT_EQ(stack.dhcp().state(), DhcpState::Bound);
    ASSERT_TRUE(stack.configured());
    EXPECT_EQ(stack.settings().address, kLeasedIp);
    EXPECT_EQ(stack.settings().prefix_length, 24);
    EXPECT_EQ(stack.settings().gateway, kServerIp);
    EXPECT_EQ(stack.settings().dns, kDnsIp);
    EXPECT_EQ(stack.dhcp().lease().lease_seconds, 3600u);
    EXPECT_EQ(count(Counter::DhcpLeases), 1u);
    EXPECT_EQ(count(Counter::ArpAnnouncementsOut), 1u) << "gratuitous ARP for the new address";
}

TEST_F(DhcpTest, RenewsAtT1)
{
    start_dhcp();
    seen.clear();
    run_for(1790 * kNsPerSec, 10 * kNsPerSec);
    EXPECT_TRUE(seen.empty());
    run_for(10 * kNsPerSec);
    ASSERT_EQ(seen.size(), 1u);
    const ClientMessage& renew = seen[0];
    EXPECT_EQ(renew.type, DhcpMessageType::Request);
    EXPECT_EQ(renew.ciaddr, kLeasedIp);
    EXPECT_EQ(renew.ip_source, kLeasedIp);
    EXPECT_EQ(renew.ip_destination, kServerIp) << "renewal is unicast to the server";
    EXPECT_EQ(renew.eth_destination, kServerMac);
    EXPECT_TRUE(renew.requested.is_unspecified());
    EXPECT_TRUE(renew.server_id.is_unspecified());
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Bound);
    EXPECT_EQ(count(Counter::DhcpLeases), 2u);
    EXPECT_EQ(count(Counter::ArpAnnouncementsOut), kArpAnnounceCount) << "same address: no new announcement";
    // The new lease counts from the ACK: next renewal 1800 s later.
    seen.clear();
    run_for(1790 * kNsPerSec, 10 * kNsPerSec);
    EXPECT_TRUE(seen.empty());
    run_for(20 * kNsPerSec);
    EXPECT_EQ(seen.size(), 1u);
}

TEST_F(DhcpTest, RebindsAtT2ThenExpires)
{
    start_dhcp();
    answer = false;
    seen.clear();
    run_for(1800 * kNsPerSec, 10 * kNsPerSec);
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Renewing);
    // RENEWING retransmits at half the time left to T2, at least 60 s apart.
    run_for(1349 * kNsPerSec);
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Renewing);
    size_t renews = seen.size();
    EXPECT_GE(renews, 4u);
    EXPECT_LE(renews, 8u);
    for (size_t i = 1; i < seen.size(); ++i)
        EXPECT_GE(seen[i].at - seen[i - 1].at, 60 * kNsPerSec);
    for (const auto& m : seen)
        EXPECT_EQ(m.ip_destination, kServerIp);
    run_for(2 * kNsPerSec);
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Rebinding);
    const ClientMessage& rebind = seen.back();
    EXPECT_EQ(rebind.type, DhcpMessageType::Request);
    EXPECT_TRUE(rebind.ip_destination.is_broadcast()) << "rebinding asks any server";
    EXPECT_EQ(rebind.ciaddr, kLeasedIp);
    EXPECT_EQ(rebind.ip_source, kLeasedIp);
    EXPECT_TRUE(stack.configured());

    // Nobody answers: at 3600 s the address goes and discovery starts over.
    run_for(445 * kNsPerSec);
    EXPECT_TRUE(stack.configured());
    run_for(10 * kNsPerSec);
    EXPECT_FALSE(stack.configured());
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Selecting);
    EXPECT_EQ(seen.back().type, DhcpMessageType::Discover);
}

TEST_F(DhcpTest, RebindingAckRestoresLease)
{
    start_dhcp();
    answer_arp = false; // the server is unreachable by unicast: renewals never arrive
    run_for(3200 * kNsPerSec, 10 * kNsPerSec);
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Bound) << "the broadcast REQUEST at T2 was answered";
    EXPECT_TRUE(stack.configured());
    EXPECT_EQ(seen.back().ip_destination, Ipv4Address(0xffffffff));
    EXPECT_GT(count(Counter::DropArpUnresolved), 0u);
}

TEST_F(DhcpTest, DefaultT1T2)
{
    options.t1_t2 = false;
    options.lease = 1000;
    start_dhcp();
    seen.clear();
    run_for(499 * kNsPerSec);
    EXPECT_TRUE(seen.empty());
    run_for(2 * kNsPerSec);
    EXPECT_EQ(seen.size(), 1u) << "T1 = lease / 2";
}

TEST_F(DhcpTest, DiscoverRetransmitsWithBackoff)
{
    answer = false;
    start_dhcp();
    run_for(60 * kNsPerSec, kNsPerSec / 10);
    ASSERT_GE(seen.size(), 4u);
    // 4, 8, 16, 32 s apart, each within ±1 s.
    for (size_t i = 1; i < 4; ++i) {
        double gap = double(seen[i].at - seen[i - 1].at) / double(kNsPerSec);
        double nominal = double(4u << (i - 1));
        EXPECT_NEAR(gap, nominal, 1.1) << i;
    }
    EXPECT_FALSE(stack.configured());
}

TEST_F(DhcpTest, StaticFallbackAfterTimeout)
{
    answer = false;
    start_dhcp("dhcp,fallback=192.0.2.10/24,gw=192.0.2.1,dns=192.0.2.1,timeout=20");
    run_for(19 * kNsPerSec);
    EXPECT_FALSE(stack.configured());
    run_for(2 * kNsPerSec);
    ASSERT_TRUE(stack.configured());
    EXPECT_EQ(stack.settings().address, kOurIp);
    EXPECT_TRUE(stack.dhcp().fallback_applied());
    EXPECT_EQ(count(Counter::ArpAnnouncementsOut), 1u);
    // Discovery continues; a server that turns up later wins.
    answer = true;
    run_for(70 * kNsPerSec);
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Bound);
    EXPECT_EQ(stack.settings().address, kLeasedIp);
    EXPECT_FALSE(stack.dhcp().fallback_applied());
}

TEST_F(DhcpTest, NakRestartsDiscovery)
{
    nak = true;
    start_dhcp();
    ASSERT_EQ(seen.size(), 4u);
    EXPECT_EQ(seen[1].type, DhcpMessageType::Request);
    EXPECT_EQ(seen[2].type, DhcpMessageType::Discover) << "NAK sends the client back to INIT";
    EXPECT_NE(seen[2].xid, seen[0].xid) << "a fresh transaction";
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Bound) << "the second attempt is acknowledged";
}

TEST_F(DhcpTest, IgnoresForeignAndMalformedReplies)
{
    answer = false;
    start_dhcp();
    uint32_t xid = seen[0].xid;
    stack.receive_frame(udp_frame(kServerMac, kServerIp, Ipv4Address(0xffffffff), 67, 68, dhcp_reply(DhcpMessageType::Offer, xid + 1, kLeasedIp)));
    EXPECT_EQ(count(Counter::DropDhcpIgnored), 1u);
    stack.receive_frame(udp_frame(kServerMac, kServerIp, Ipv4Address(0xffffffff), 67, 68, dhcp_reply(DhcpMessageType::Ack, xid, kLeasedIp)));
    EXPECT_EQ(count(Counter::DropDhcpIgnored), 2u) << "an ACK while selecting";
    Bytes cut = dhcp_reply(DhcpMessageType::Offer, xid, kLeasedIp);
    cut.resize(100);
    stack.receive_frame(udp_frame(kServerMac, kServerIp, Ipv4Address(0xffffffff), 67, 68, cut));
    EXPECT_EQ(count(Counter::DropDhcpMalformed), 1u);
    ReplyOptions no_server;
    no_server.server_id = false;
    stack.receive_frame(udp_frame(kServerMac, kServerIp, Ipv4Address(0xffffffff), 67, 68, dhcp_reply(DhcpMessageType::Offer, xid, kLeasedIp, no_server)));
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Selecting);
    EXPECT_FALSE(stack.configured());
}

TEST_F(DhcpTest, LinkUpVerifiesLease)
{
    start_dhcp();
    run_for(100 * kNsPerSec);
    seen.clear();
    uint32_t announcements = count(Counter::ArpAnnouncementsOut);
    stack.link_changed(LinkState::Up);
    serve();
    ASSERT_EQ(seen.size(), 1u);
    const ClientMessage& reboot = seen[0];
    EXPECT_EQ(reboot.type, DhcpMessageType::Request);
    EXPECT_EQ(reboot.requested, kLeasedIp) << "INIT-REBOOT asks for the address it holds";
    EXPECT_TRUE(reboot.ciaddr.is_unspecified());
    EXPECT_TRUE(reboot.server_id.is_unspecified());
    EXPECT_TRUE(reboot.ip_source.is_unspecified());
    EXPECT_TRUE(reboot.ip_destination.is_broadcast());
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Bound);
    EXPECT_EQ(stack.settings().address, kLeasedIp);
    EXPECT_EQ(count(Counter::ArpAnnouncementsOut), announcements + 1) << "re-announced on link up";
}

TEST_F(DhcpTest, LinkUpOnAnotherNetworkGetsNak)
{
    start_dhcp();
    nak = true;
    seen.clear();
    stack.link_changed(LinkState::Up);
    serve();
    ASSERT_GE(seen.size(), 3u);
    EXPECT_EQ(seen[1].type, DhcpMessageType::Discover) << "NAK: the lease is gone, start over";
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Bound);
}

TEST_F(DhcpTest, LinkUpWithoutAnswerKeepsLease)
{
    start_dhcp();
    answer = false;
    seen.clear();
    stack.link_changed(LinkState::Up);
    run_for(200 * kNsPerSec);
    EXPECT_EQ(seen.size(), 1u + kDhcpMaxRequestRetries);
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Bound);
    EXPECT_TRUE(stack.configured());
    EXPECT_EQ(stack.settings().address, kLeasedIp);
}

TEST_F(DhcpTest, LinkUpWhileSelectingRetriesAtOnce)
{
    answer = false;
    start_dhcp();
    run_for(30 * kNsPerSec);
    size_t before = seen.size();
    stack.link_changed(LinkState::Up);
    serve();
    ASSERT_EQ(seen.size(), before + 1);
    EXPECT_EQ(seen.back().type, DhcpMessageType::Discover);
    EXPECT_EQ(seen.back().at, clock.now_ns());
}

} // namespace
} // namespace nettest

namespace nettest {
namespace {

// RFC 4039 §4: the Rapid Commit option is code 80 with length 0.
TEST(DhcpMessage, RapidCommitOption)
{
    uint8_t out[kDhcpMaxRequestSize];
    DhcpRequestFields f;
    f.type = DhcpMessageType::Discover;
    f.xid = 7;
    f.chaddr = kOurMac;
    f.rapid_commit = true;
    size_t n = write_dhcp_request(out, f);
    bool found = false;
    for (size_t i = 240; i + 1 < n && out[i] != 255; i += out[i] == 0 ? 1 : 2 + out[i + 1])
        found |= out[i] == 80 && out[i + 1] == 0;
    EXPECT_TRUE(found) << "option 80, length 0, before End";
    f.type = DhcpMessageType::Request; // only a DISCOVER asks for it (§4.1)
    n = write_dhcp_request(out, f);
    for (size_t i = 240; i + 1 < n && out[i] != 255; i += out[i] == 0 ? 1 : 2 + out[i + 1])
        EXPECT_NE(out[i], 80);
    ReplyOptions o;
    o.rapid_commit = true;
    auto m = parse_dhcp(dhcp_reply(DhcpMessageType::Ack, 7, kLeasedIp, o));
    ASSERT_TRUE(m.has_value());
    EXPECT_TRUE(m->rapid_commit);
    Bytes bad = dhcp_reply(DhcpMessageType::Ack, 7, kLeasedIp);
    bad.back() = 80; // replace End: option 80 with length 1, then End
    bad.push_back(1);
    bad.push_back(0);
    bad.push_back(255);
    EXPECT_EQ(parse_dhcp(bad).error(), Error::Malformed);
}

TEST_F(DhcpTest, DiscoverAsksForRapidCommit)
{
    start_dhcp();
    ASSERT_GE(seen.size(), 1u);
    EXPECT_TRUE(seen[0].rapid_commit);
}

TEST_F(DhcpTest, RapidCommitAckBindsInOneRoundTrip)
{
    ack_discover = true;
    options.rapid_commit = true;
    start_dhcp();
    ASSERT_EQ(seen.size(), 1u) << "no REQUEST: the ACK answered the DISCOVER";
    EXPECT_EQ(seen[0].type, DhcpMessageType::Discover);
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Bound);
    ASSERT_TRUE(stack.configured());
    EXPECT_EQ(stack.settings().address, kLeasedIp);
    EXPECT_EQ(stack.dhcp().lease().server, kServerIp);
    // It renews like any lease: a unicast REQUEST to that server at T1.
    run_for(1801 * kNsPerSec, 10 * kNsPerSec);
    ASSERT_GE(seen.size(), 2u);
    EXPECT_EQ(seen[1].type, DhcpMessageType::Request);
    EXPECT_EQ(seen[1].ip_destination, kServerIp);
}

TEST_F(DhcpTest, AckWithoutRapidCommitIsIgnoredWhileSelecting)
{
    ack_discover = true; // a confused server: a plain ACK to a DISCOVER
    start_dhcp();
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Selecting);
    EXPECT_FALSE(stack.configured());
}


// INIT-REBOOT at boot (RFC 2131 §3.2, §4.4.2): a lease remembered from the last boot is asked
// for at once, in one REQUEST with the address and no server identifier or ciaddr, and used
// only once acknowledged; NAK or silence starts discovery. The host hears of each lease.
class RememberedLeaseTest : public DhcpTest, public StackListener {
protected:
    void on_dhcp_lease(const DhcpLease& lease) override { leases.push_back(lease); }
    void boot_with(Ipv4Address remembered)
    {
        stack.set_listener(this);
        NetConfig c;
        c.remembered = remembered;
        c.remembered_server = kServerIp;
        stack.start(c);
        serve();
    }
    std::vector<DhcpLease> leases;
};

TEST_F(RememberedLeaseTest, AskedForInOneRoundTrip)
{
    boot_with(kLeasedIp);
    ASSERT_EQ(seen.size(), 1u) << "no DISCOVER, no OFFER";
    const ClientMessage& r = seen[0];
    EXPECT_EQ(r.type, DhcpMessageType::Request);
    EXPECT_EQ(r.requested, kLeasedIp);
    EXPECT_TRUE(r.ciaddr.is_unspecified()) << "§4.3.2: ciaddr zero in INIT-REBOOT";
    EXPECT_TRUE(r.server_id.is_unspecified()) << "§4.3.2: no server identifier in INIT-REBOOT";
    EXPECT_TRUE(r.ip_source.is_unspecified());
    EXPECT_TRUE(r.ip_destination.is_broadcast());
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Bound);
    EXPECT_EQ(stack.settings().address, kLeasedIp);
    ASSERT_EQ(leases.size(), 1u);
    EXPECT_EQ(leases[0].settings.address, kLeasedIp);
    EXPECT_EQ(leases[0].server, kServerIp);
}

TEST_F(RememberedLeaseTest, RefusedAddressStartsDiscovery)
{
    nak = true; // another network, or the address went to someone else
    boot_with(Ipv4Address(192, 0, 2, 77));
    ASSERT_GE(seen.size(), 3u);
    EXPECT_EQ(seen[0].requested, Ipv4Address(192, 0, 2, 77));
    EXPECT_EQ(seen[1].type, DhcpMessageType::Discover);
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Bound);
    EXPECT_EQ(stack.settings().address, kLeasedIp);
    ASSERT_EQ(leases.size(), 2u);
    EXPECT_TRUE(leases[0].settings.address.is_unspecified()) << "the refused lease is forgotten";
    EXPECT_EQ(leases[1].settings.address, kLeasedIp);
}

TEST_F(RememberedLeaseTest, UnansweredIsNotUsedAndDiscoveryFollows)
{
    answer = false;
    boot_with(kLeasedIp);
    EXPECT_FALSE(stack.configured()) << "not ACKed: nothing says the lease is still valid";
    run_for(30 * kNsPerSec, 100 * kNsPerMs);
    EXPECT_FALSE(stack.configured());
    ASSERT_GE(seen.size(), 2u);
    EXPECT_EQ(seen[0].type, DhcpMessageType::Request);
    EXPECT_EQ(seen[1].type, DhcpMessageType::Discover) << "a server that does not know us is silent";
    EXPECT_LE(seen[1].at - seen[0].at, kDhcpBootRebootWait + 100 * kNsPerMs);
    EXPECT_EQ(stack.dhcp().state(), DhcpState::Selecting);
    answer = true;
    run_for(70 * kNsPerSec);
    EXPECT_EQ(stack.settings().address, kLeasedIp) << "discovery still finds a lease";
}
} // namespace
} // namespace nettest
