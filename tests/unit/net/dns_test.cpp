// DNS: query bytes, response parsing (compression, CNAME chains, truncation, malformed
// names and pointers) and the resolver's retries and timeouts inside a Stack.
#include "net_test_util.h"

#include <string>

#include "lib/crypto/chacha_drbg.h"
#include "net/dns_message.h"
#include "net/dns_resolver.h"
#include "net/ephemeral_port.h"

#include <set>

namespace nettest {
namespace {

using namespace oh;
using namespace oh::net;
using oh::Error;
using oh::kNsPerSec;

Bytes wire_name(const std::string& dotted)
{
    Bytes out;
    size_t start = 0;
    while (start <= dotted.size()) {
        size_t dot = dotted.find('.', start);
        if (dot == std::string::npos)
            dot = dotted.size();
        out.push_back(uint8_t(dot - start));
        out.insert(out.end(), dotted.begin() + long(start), dotted.begin() + long(dot));
        start = dot + 1;
    }
    out.push_back(0);
    return out;
}

void put16(Bytes& b, uint16_t v)
{
    b.push_back(uint8_t(v >> 8));
    b.push_back(uint8_t(v));
}

// A response header and question for qname; records are appended by the caller.
Bytes response_head(uint16_t id, const std::string& qname, uint16_t answers, uint8_t rcode = 0)
{
    Bytes m;
    put16(m, id);
    m.push_back(0x81); // QR, RD
    m.push_back(uint8_t(0x80 | rcode)); // RA
    put16(m, 1);
    put16(m, answers);
    put16(m, 0);
    put16(m, 0);
    Bytes q = wire_name(qname);
    m.insert(m.end(), q.begin(), q.end());
    put16(m, 1);
    put16(m, 1);
    return m;
}

void add_record(Bytes& m, const Bytes& owner, uint16_t type, const Bytes& rdata, uint32_t ttl = 300)
{
    m.insert(m.end(), owner.begin(), owner.end());
    put16(m, type);
    put16(m, 1);
    put16(m, uint16_t(ttl >> 16));
    put16(m, uint16_t(ttl));
    put16(m, uint16_t(rdata.size()));
    m.insert(m.end(), rdata.begin(), rdata.end());
}

const Bytes kPointerToQuestion { 0xc0, 12 };

TEST(DnsMessage, QueryBytes)
{
    uint8_t out[kDnsMaxQuerySize];
    auto n = write_dns_query(out, 0x1234, "sip.Example.org.");
    ASSERT_TRUE(n.has_value());
    const uint8_t expected[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 's', 'i', 'p', 7, 'E', 'x', 'a', 'm', 'p',
        'l', 'e', 3, 'o', 'r', 'g', 0, 0, 1, 0, 1 };
    EXPECT_EQ(Bytes(out, out + *n), Bytes(std::begin(expected), std::end(expected)));
}

TEST(DnsMessage, RejectsBadNames)
{
    uint8_t out[kDnsMaxQuerySize];
    std::string long_label(64, 'a');
    std::string long_name;
    for (int i = 0; i < 64; ++i)
        long_name += "abc.";
    for (std::string bad : { std::string(""), std::string("."), std::string("a..b"), std::string(".a"), long_label,
             long_name, std::string("sp ace.org"), std::string("x\0y", 3) })
        EXPECT_EQ(write_dns_query(out, 1, bad).error(), Error::InvalidArgument) << bad;
    uint8_t tiny[10];
    EXPECT_EQ(write_dns_query(tiny, 1, "example.org").error(), Error::NoSpace);
}

TEST(DnsMessage, SimpleAnswerWithCompression)
{
    Bytes m = response_head(7, "example.org", 1);
    add_record(m, kPointerToQuestion, 1, { 192, 0, 2, 80 }, 3600);
    auto r = parse_dns_response(m, "EXAMPLE.org");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->id, 7);
    EXPECT_TRUE(r->has_address);
    EXPECT_EQ(r->address, Ipv4Address(192, 0, 2, 80));
    EXPECT_EQ(r->ttl, 3600u);
    EXPECT_EQ(r->chain_length, 0);
}

TEST(DnsMessage, FollowsCnameChainInAnyOrder)
{
    // www.example.org -> edge.cdn.example.net -> host.cdn.example.net -> A; records shuffled,
    // names compressed against earlier records, plus an unrelated A record.
    Bytes m = response_head(9, "www.example.org", 4);
    size_t first_record = m.size();
    add_record(m, wire_name("other.example.org"), 1, { 10, 0, 0, 1 });
    size_t second_owner = m.size();
    Bytes host = wire_name("host.cdn.example.net");
    add_record(m, host, 1, { 192, 0, 2, 99 }, 60);
    size_t cdn_suffix = second_owner + 5; // "cdn.example.net" inside the second record's owner
    Bytes edge_rdata = { 4, 'e', 'd', 'g', 'e', 0xc0, uint8_t(cdn_suffix) };
    size_t third = m.size();
    add_record(m, kPointerToQuestion, 5, edge_rdata);
    Bytes edge_owner = { 0xc0, uint8_t(third + 12) }; // the CNAME's rdata
    Bytes host_rdata = { 0xc0, uint8_t(second_owner) };
    add_record(m, edge_owner, 5, host_rdata);
    (void)first_record;
    auto r = parse_dns_response(m, "www.example.org");
    ASSERT_TRUE(r.has_value()) << oh::error_name(r.error());
    EXPECT_TRUE(r->has_address);
    EXPECT_EQ(r->address, Ipv4Address(192, 0, 2, 99));
    EXPECT_EQ(r->chain_length, 2);
    EXPECT_EQ(r->ttl, 60u);
}

TEST(DnsMessage, NxdomainAndNodata)
{
    Bytes nx = response_head(1, "nope.example", 0, 3);
    auto r = parse_dns_response(nx, "nope.example");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->rcode, 3);
    EXPECT_FALSE(r->has_address);
    Bytes nodata = response_head(1, "v6only.example", 1);
    add_record(nodata, kPointerToQuestion, 28, Bytes(16, 0)); // AAAA only
    auto nd = parse_dns_response(nodata, "v6only.example");
    ASSERT_TRUE(nd.has_value());
    EXPECT_EQ(nd->rcode, 0);
    EXPECT_FALSE(nd->has_address);
}

TEST(DnsMessage, EveryTruncationNeedsMore)
{
    Bytes m = response_head(5, "a.example", 2);
    add_record(m, kPointerToQuestion, 5, wire_name("b.example"));
    add_record(m, wire_name("b.example"), 1, { 1, 2, 3, 4 });
    ASSERT_TRUE(parse_dns_response(m, "a.example").has_value());
    for (size_t n = 0; n < m.size(); ++n)
        EXPECT_EQ(parse_dns_response(std::span(m).first(n), "a.example").error(), Error::NeedMore) << n;
}

TEST(DnsMessage, MalformedNamesAndPointers)
{
    auto parse = [](const Bytes& m) { return parse_dns_response(m, "example.org").error(); };
    Bytes base = response_head(1, "example.org", 1);
    Bytes self = base;
    add_record(self, { 0xc0, uint8_t(base.size()) }, 1, { 1, 2, 3, 4 }); // points at itself
    EXPECT_EQ(parse(self), Error::Malformed);
    Bytes forward = base;
    add_record(forward, { 0xc0, 0xff }, 1, { 1, 2, 3, 4 });
    EXPECT_EQ(parse(forward), Error::Malformed);
    Bytes extended = base;
    add_record(extended, { 0x41, 0 }, 1, { 1, 2, 3, 4 });
    EXPECT_EQ(parse(extended), Error::Malformed);
    Bytes long_name = base;
    Bytes name;
    for (int i = 0; i < 5; ++i) {
        name.push_back(63);
        name.insert(name.end(), 63, 'x');
    }
    name.push_back(0);
    add_record(long_name, name, 1, { 1, 2, 3, 4 });
    EXPECT_EQ(parse(long_name), Error::Malformed);
    Bytes short_a = base;
    add_record(short_a, kPointerToQuestion, 1, { 1, 2, 3 });
    EXPECT_EQ(parse(short_a), Error::Malformed);
    // A CNAME loop: example.org -> x.example.org -> example.org.
    Bytes loop = response_head(1, "example.org", 2);
    size_t first = loop.size();
    add_record(loop, kPointerToQuestion, 5, { 1, 'x', 0xc0, 12 });
    add_record(loop, { 0xc0, uint8_t(first + 12) }, 5, kPointerToQuestion);
    EXPECT_EQ(parse(loop), Error::Malformed);
    Bytes query = base;
    query[2] &= 0x7f; // QR clear: a query, not a response
    EXPECT_EQ(parse(query), Error::Malformed);
    Bytes truncated = base;
    truncated[2] |= 0x02;
    EXPECT_EQ(parse(truncated), Error::Unsupported);
    EXPECT_EQ(parse_dns_response(base, "example.com").error(), Error::InvalidArgument);
}

class DnsTest : public StackTest {
protected:
    void SetUp() override
    {
        start_static(); // DNS server = gateway 192.0.2.1
        learn(kGatewayMac, kGatewayIp);
    }

    struct Query {
        uint16_t id;
        uint16_t port;
        std::string name;
    };

    Query take_query()
    {
        Sent s = decode_udp(device.take());
        EXPECT_EQ(s.destination, kGatewayIp);
        EXPECT_EQ(s.destination_port, 53);
        Query q { oh::load_be16(s.payload.data()), s.source_port, {} };
        char text[kDnsMaxWireName + 1];
        size_t length = 0;
        EXPECT_TRUE(read_dns_name(s.payload, 12, text, length).has_value());
        q.name.assign(text, length);
        return q;
    }

    void answer(const Query& q, const Bytes& message, Ipv4Address from = kGatewayIp)
    {
        stack.receive_frame(udp_frame(kGatewayMac, from, kOurIp, 53, q.port, message));
    }
};

TEST_F(DnsTest, Resolves)
{
    auto h = stack.resolve("pbx.example.org");
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(stack.take_resolved(*h).error(), Error::WouldBlock);
    Query q = take_query();
    EXPECT_EQ(q.name, "pbx.example.org");
    Bytes m = response_head(q.id, "pbx.example.org", 1);
    add_record(m, kPointerToQuestion, 1, { 192, 0, 2, 5 });
    answer(q, m);
    auto r = stack.take_resolved(*h);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, Ipv4Address(192, 0, 2, 5));
    EXPECT_EQ(stack.take_resolved(*h).error(), Error::InvalidArgument) << "taken once";
}

TEST_F(DnsTest, RetriesThenTimesOut)
{
    auto h = stack.resolve("slow.example");
    Query first = take_query();
    advance(2 * kNsPerSec - 1);
    EXPECT_TRUE(device.frames.empty());
    advance(1);
    Query second = take_query();
    EXPECT_EQ(second.id, first.id);
    advance(4 * kNsPerSec);
    take_query();
    advance(8 * kNsPerSec - 1);
    EXPECT_EQ(stack.take_resolved(*h).error(), Error::WouldBlock);
    advance(1);
    EXPECT_TRUE(device.frames.empty());
    EXPECT_EQ(stack.take_resolved(*h).error(), Error::Timeout);
    EXPECT_EQ(count(Counter::DnsTimeouts), 1u);
}

TEST_F(DnsTest, AnswerToRetryCompletes)
{
    auto h = stack.resolve("late.example");
    take_query();
    advance(2 * kNsPerSec);
    Query retry = take_query();
    Bytes m = response_head(retry.id, "late.example", 1);
    add_record(m, kPointerToQuestion, 1, { 192, 0, 2, 6 });
    answer(retry, m);
    EXPECT_EQ(stack.take_resolved(*h).value(), Ipv4Address(192, 0, 2, 6));
}

TEST_F(DnsTest, IgnoresSpoofsAndErrors)
{
    auto h = stack.resolve("pbx.example.org");
    Query q = take_query();
    Bytes good = response_head(q.id, "pbx.example.org", 1);
    add_record(good, kPointerToQuestion, 1, { 192, 0, 2, 5 });
    Bytes wrong_id = good;
    wrong_id[1] ^= 1;
    answer(q, wrong_id);
    answer(q, good, kPeerIp); // not our server
    Bytes other_question = response_head(q.id, "evil.example.org", 1);
    add_record(other_question, kPointerToQuestion, 1, { 6, 6, 6, 6 });
    answer(q, other_question);
    EXPECT_EQ(count(Counter::DropDnsIgnored), 3u);
    Bytes garbage = good;
    garbage.resize(20);
    answer(q, garbage);
    EXPECT_EQ(count(Counter::DropDnsMalformed), 1u);
    EXPECT_EQ(stack.take_resolved(*h).error(), Error::WouldBlock);
    answer(q, good);
    EXPECT_EQ(stack.take_resolved(*h).value(), Ipv4Address(192, 0, 2, 5));
}

TEST_F(DnsTest, NameErrorAndLimits)
{
    auto h = stack.resolve("missing.example");
    Query q = take_query();
    answer(q, response_head(q.id, "missing.example", 0, 3));
    EXPECT_EQ(stack.take_resolved(*h).error(), Error::NotFound);
    EXPECT_EQ(stack.resolve("bad..name").error(), Error::InvalidArgument);
    for (size_t i = 0; i < kDnsQueries; ++i)
        ASSERT_TRUE(stack.resolve("busy.example").has_value());
    EXPECT_EQ(stack.resolve("one.more").error(), Error::NoMemory);
}

// RFC 5452 §9.2: each query from its own random port with its own random ID.
TEST_F(DnsTest, QueryIdsAndPortsVaryPerQuery)
{
    std::set<uint16_t> ids, ports;
    for (int i = 0; i < 40; i++) {
        auto h = stack.resolve("pbx.example.org");
        ASSERT_TRUE(h.has_value());
        Query q = take_query();
        EXPECT_GE(q.port, kEphemeralFirst);
        ids.insert(q.id);
        ports.insert(q.port);
        Bytes m = response_head(q.id, "pbx.example.org", 1);
        add_record(m, kPointerToQuestion, 1, { 192, 0, 2, 5 });
        answer(q, m);
        ASSERT_TRUE(stack.take_resolved(*h).has_value());
    }
    // 40 draws from 2^16 IDs and 2^14 ports: a handful of repeats at most, never a sequence.
    EXPECT_GE(ids.size(), 38u);
    EXPECT_GE(ports.size(), 36u);
}

TEST_F(DnsTest, ConcurrentQueriesUseDifferentPorts)
{
    std::set<uint16_t> ports;
    for (size_t i = 0; i < kDnsQueries; ++i) {
        ASSERT_TRUE(stack.resolve("busy.example").has_value());
        ports.insert(take_query().port);
    }
    EXPECT_EQ(ports.size(), kDnsQueries);
    // While pending, a query's port is not handed to a socket.
    for (uint16_t p : ports)
        EXPECT_EQ(stack.udp_open(p).error(), Error::Exists);
}

TEST_F(DnsTest, RefusesAnswersAtTheWrongPortOrWithTheWrongId)
{
    auto h = stack.resolve("pbx.example.org");
    Query q = take_query();
    Bytes good = response_head(q.id, "pbx.example.org", 1);
    add_record(good, kPointerToQuestion, 1, { 192, 0, 2, 5 });
    // The right ID at another port: a spoofer who guessed the ID but not the port.
    Query wrong_port = q;
    wrong_port.port = uint16_t(q.port == 65535 ? kEphemeralFirst : q.port + 1);
    answer(wrong_port, good);
    EXPECT_EQ(count(Counter::DropDnsWrongPort), 1u);
    // The right port with every other ID but one: none is taken.
    Bytes wrong_id = good;
    for (int delta = 1; delta < 64; delta++) {
        oh::store_be16(wrong_id.data(), uint16_t(q.id + delta));
        answer(q, wrong_id);
    }
    EXPECT_EQ(count(Counter::DropDnsIgnored), 63u);
    EXPECT_EQ(stack.take_resolved(*h).error(), Error::WouldBlock);
    answer(q, good);
    EXPECT_EQ(stack.take_resolved(*h).value(), Ipv4Address(192, 0, 2, 5));
    // Once answered the port is closed: a duplicate answer is refused at the port.
    answer(q, good);
    EXPECT_EQ(count(Counter::DropDnsWrongPort), 2u);
    EXPECT_EQ(count(Counter::DropUdpNoPort), 0u);
}

TEST_F(DnsTest, TwoQueriesDoNotTakeEachOthersAnswers)
{
    auto ha = stack.resolve("a.example");
    Query a = take_query();
    auto hb = stack.resolve("b.example");
    Query b = take_query();
    ASSERT_NE(a.port, b.port);
    // b's answer (b's ID, b's name) sent to a's port matches nothing there.
    Bytes for_b = response_head(b.id, "b.example", 1);
    add_record(for_b, kPointerToQuestion, 1, { 192, 0, 2, 8 });
    answer(a, for_b);
    EXPECT_EQ(count(Counter::DropDnsIgnored), 1u);
    EXPECT_EQ(stack.take_resolved(*ha).error(), Error::WouldBlock);
    answer(b, for_b);
    EXPECT_EQ(stack.take_resolved(*hb).value(), Ipv4Address(192, 0, 2, 8));
}

// The resolver with the generator the kernel and the ARM port give it.
class RecordingDnsHost final : public DnsHost {
public:
    std::span<uint8_t> dns_buffer() override { return buffer; }
    void dns_send(size_t length, Ipv4Address, uint16_t local_port) override
    {
        sent_ports.push_back(local_port);
        sent_ids.push_back(oh::load_be16(buffer));
        (void)length;
    }
    bool dns_port_available(uint16_t local_port) const override { return local_port != taken; }
    void dns_completed(uint16_t) override { }
    uint8_t buffer[512] {};
    std::vector<uint16_t> sent_ports, sent_ids;
    uint16_t taken { 0 };
};

TEST(DnsResolverDrbg, PortsAndIdsFromTheDrbg)
{
    uint8_t seed[32] = { 1, 2, 3 };
    oh::crypto::ChaChaDrbg drbg(seed);
    RecordingDnsHost host;
    DnsResolver resolver(host, drbg);
    resolver.set_server(Ipv4Address(192, 0, 2, 1));
    std::set<uint16_t> ports, ids;
    for (int i = 0; i < 200; i++) {
        auto h = resolver.resolve("pbx.example.org", 0);
        ASSERT_TRUE(h.has_value());
        uint16_t port = host.sent_ports.back(), id = host.sent_ids.back();
        EXPECT_TRUE(resolver.uses_port(port));
        ports.insert(port);
        ids.insert(id);
        Bytes m = response_head(id, "pbx.example.org", 1);
        add_record(m, kPointerToQuestion, 1, { 192, 0, 2, 5 });
        // At the wrong port, or from the wrong server: not taken.
        EXPECT_EQ(resolver.receive(m, Ipv4Address(192, 0, 2, 1), uint16_t(port ^ 1), 0).error(), Error::NotFound);
        EXPECT_EQ(resolver.receive(m, Ipv4Address(192, 0, 2, 9), port, 0).error(), Error::NotFound);
        ASSERT_TRUE(resolver.receive(m, Ipv4Address(192, 0, 2, 1), port, 0).has_value());
        EXPECT_FALSE(resolver.uses_port(port));
        ASSERT_TRUE(resolver.take_result(*h).has_value());
    }
    // 200 draws: about 1.2 repeats expected among 2^14 ports, 0.3 among 2^16 IDs.
    EXPECT_GE(ports.size(), 192u);
    EXPECT_GE(ids.size(), 196u);
}

TEST(DnsResolverDrbg, AvoidsPortsTheHostHolds)
{
    // A host whose every port but one is taken still gets a query out, from that port.
    class OnePortHost final : public DnsHost {
    public:
        std::span<uint8_t> dns_buffer() override { return buffer; }
        void dns_send(size_t, Ipv4Address, uint16_t local_port) override { sent = local_port; }
        bool dns_port_available(uint16_t p) const override { return p == 60001; }
        void dns_completed(uint16_t) override { }
        uint8_t buffer[512] {};
        uint16_t sent { 0 };
    } host;
    uint8_t seed[32] = { 9 };
    oh::crypto::ChaChaDrbg drbg(seed);
    DnsResolver resolver(host, drbg);
    resolver.set_server(Ipv4Address(192, 0, 2, 1));
    ASSERT_TRUE(resolver.resolve("a.example", 0).has_value());
    EXPECT_EQ(host.sent, 60001);
    if (kDnsQueries > 1)
        EXPECT_EQ(resolver.resolve("b.example", 0).error(), Error::Busy) << "the one port is in use";
}

} // namespace
} // namespace nettest
