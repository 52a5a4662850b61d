// Transaction layer timers and matching (RFC 3261 §17.1.1-§17.2.3, RFC 6026), driven by a FakeClock.
#include "sip/builder.h"
#include "sip/transaction.h"
#include "sip/user_agent.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

using namespace oh;
using namespace oh::sip;
using oh::Endpoint;
using oh::Ipv4Address;
using oh::kNsPerMs;
using oh::kNsPerSec;
using oh::Nanoseconds;

namespace {

struct Sent {
    Nanoseconds at;
    std::string text;
};

struct Wire final : SipTransport {
    oh::FakeClock* clock;
    std::vector<Sent> sent;
    void send(const Endpoint&, std::span<const uint8_t> d) override
    {
        sent.push_back({ clock->now_ns(), std::string(reinterpret_cast<const char*>(d.data()), d.size()) });
    }
};

struct Events final : TransactionEvents {
    int timeouts = 0;
    void on_transaction_timeout(Transaction&) override { timeouts++; }
};

struct TxTest : ::testing::Test {
    oh::FakeClock clock;
    Wire wire;
    Events events;
    TransactionLayer layer { wire, clock };
    Endpoint peer { Ipv4Address(192, 0, 2, 1), 5060 };
    void SetUp() override
    {
        wire.clock = &clock;
        clock.set(100 * kNsPerSec);
    }
    void step_to(Nanoseconds t)
    {
        while (clock.now_ns() < t) {
            clock.advance(10 * kNsPerMs);
            layer.poll(events);
        }
    }
    std::string request(const std::string& method, const std::string& branch)
    {
        return method + " sip:b@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=" + branch +
            "\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c1\r\nCSeq: 1 " + method +
            "\r\nRoute: <sip:proxy;lr>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    }
    std::vector<double> times() const
    {
        std::vector<double> t;
        for (auto& s : wire.sent)
            t.push_back(double(s.at - 100 * kNsPerSec) / 1e9);
        return t;
    }
};

TEST_F(TxTest, InviteClientTimerAAndB)
{
    std::string inv = request("INVITE", "z9hG4bKa");
    ASSERT_TRUE(layer.start_client(sip_test::bytes(inv), Method::Invite, 1, "z9hG4bKa", peer, 0, 0));
    step_to(clock.now_ns() + 40 * kNsPerSec);
    EXPECT_EQ(times(), (std::vector<double> { 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 }));
    EXPECT_EQ(events.timeouts, 1); // Timer B at 64*T1
    EXPECT_EQ(layer.active(), 0u);
}

TEST_F(TxTest, NonInviteClientTimerECappedAtT2AndF)
{
    std::string opt = request("OPTIONS", "z9hG4bKe");
    ASSERT_TRUE(layer.start_client(sip_test::bytes(opt), Method::Options, 1, "z9hG4bKe", peer, 0, 0));
    step_to(clock.now_ns() + 40 * kNsPerSec);
    EXPECT_EQ(times(), (std::vector<double> { 0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5 }));
    EXPECT_EQ(events.timeouts, 1);
}

TEST_F(TxTest, InviteClientAcksFailureAndAbsorbsRetransmissions)
{
    std::string inv = request("INVITE", "z9hG4bKf");
    ASSERT_TRUE(layer.start_client(sip_test::bytes(inv), Method::Invite, 1, "z9hG4bKf", peer, 0, 0));
    std::string resp = "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKf\r\n"
                       "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n\r\n";
    Message r;
    ASSERT_EQ(sip_test::parse_valid(resp, r), oh::Error::None);
    bool deliver = false;
    ASSERT_NE(layer.on_response(r, deliver), nullptr);
    EXPECT_TRUE(deliver);
    ASSERT_EQ(wire.sent.size(), 2u);
    Message ack;
    ASSERT_EQ(sip_test::parse_valid(wire.sent[1].text, ack), oh::Error::None);
    EXPECT_EQ(ack.method, Method::Ack);
    EXPECT_EQ(ack.request_uri, "sip:b@192.0.2.1");
    EXPECT_EQ(ack.to, "<sip:b@x>;tag=2");
    EXPECT_EQ(ack.cseq, 1u);
    EXPECT_EQ(ack.top_via, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKf");
    ASSERT_NE(ack.find(HeaderId::Route), nullptr);
    // A retransmitted 486 is not delivered again; the ACK is repeated instead.
    ASSERT_NE(layer.on_response(r, deliver), nullptr);
    EXPECT_FALSE(deliver);
    EXPECT_EQ(wire.sent.size(), 3u);
    // No INVITE retransmissions after the final response; Timer D frees the slot.
    step_to(clock.now_ns() + 33 * kNsPerSec);
    EXPECT_EQ(wire.sent.size(), 3u);
    EXPECT_EQ(layer.active(), 0u);
    EXPECT_EQ(events.timeouts, 0);
}

TEST_F(TxTest, ServerAbsorbsRetransmissionsAndRepeatsResponse)
{
    std::string opt = request("OPTIONS", "z9hG4bKs");
    Message m;
    ASSERT_EQ(sip_test::parse_valid(opt, m), oh::Error::None);
    Transaction* tx = nullptr;
    ASSERT_EQ(layer.on_request(m, peer, tx), TransactionLayer::Verdict::New);
    ASSERT_NE(tx, nullptr);
    std::string ok = "SIP/2.0 200 OK\r\n\r\n";
    layer.respond(*tx, sip_test::bytes(ok), 200);
    Transaction* again = nullptr;
    EXPECT_EQ(layer.on_request(m, peer, again), TransactionLayer::Verdict::Absorbed);
    EXPECT_EQ(wire.sent.size(), 2u);
    // The same branch from another sent-by is another transaction (§17.2.3).
    std::string other = opt;
    other.replace(other.find("192.0.2.10:5060"), 15, "192.0.2.11:5060");
    Message m2;
    ASSERT_EQ(sip_test::parse_valid(other, m2), oh::Error::None);
    EXPECT_EQ(layer.on_request(m2, peer, again), TransactionLayer::Verdict::New);
    // Timer J frees the first after 64*T1.
    step_to(clock.now_ns() + 33 * kNsPerSec);
    EXPECT_EQ(layer.active(), 1u);
}

TEST_F(TxTest, InviteServerTimerGUntilAckThenConfirmed)
{
    std::string inv = request("INVITE", "z9hG4bKg");
    Message m;
    ASSERT_EQ(sip_test::parse_valid(inv, m), oh::Error::None);
    Transaction* tx = nullptr;
    ASSERT_EQ(layer.on_request(m, peer, tx), TransactionLayer::Verdict::New);
    std::string busy = "SIP/2.0 486 Busy Here\r\n\r\n";
    layer.respond(*tx, sip_test::bytes(busy), 486);
    step_to(clock.now_ns() + 2 * kNsPerSec);
    EXPECT_EQ(times(), (std::vector<double> { 0, 0.5, 1.5 }));
    std::string ack = request("ACK", "z9hG4bKg");
    ack.replace(ack.find("CSeq: 1 ACK"), 11, "CSeq: 1 ACK");
    Message a;
    ASSERT_EQ(sip_test::parse_valid(ack, a), oh::Error::None);
    Transaction* none = nullptr;
    EXPECT_EQ(layer.on_request(a, peer, none), TransactionLayer::Verdict::Absorbed);
    step_to(clock.now_ns() + 10 * kNsPerSec);
    EXPECT_EQ(wire.sent.size(), 3u);
    EXPECT_EQ(layer.active(), 0u); // Timer I
    EXPECT_EQ(events.timeouts, 0);
}

TEST_F(TxTest, PoolExhaustionIsReported)
{
    std::string opt = request("OPTIONS", "z9hG4bKp");
    for (size_t i = 0; i < kMaxTransactions; i++)
        ASSERT_TRUE(layer.start_client(sip_test::bytes(opt), Method::Options, 1, "z9hG4bKp", peer, 0, 0));
    EXPECT_EQ(layer.start_client(sip_test::bytes(opt), Method::Options, 1, "z9hG4bKp", peer, 0, 0).error(),
              oh::Error::NoMemory);
}

TEST(Footprint, MainObjectsFitAMicrocontroller)
{
    // Printed for the report; the bound keeps the phone core well inside an M7's RAM.
    printf("sizeof: SipUserAgent=%zu TransactionLayer=%zu Transaction=%zu Call=%zu Dialog=%zu "
           "Registration=%zu SourceGuard=%zu Message=%zu SessionDescription=%zu\n",
           sizeof(SipUserAgent), sizeof(TransactionLayer), sizeof(Transaction), sizeof(Call), sizeof(Dialog),
           sizeof(Registration), sizeof(SourceGuard), sizeof(Message), sizeof(SessionDescription));
    // The transactions' buffers are most of it (lib/sizing.h; the ARM build's Compact sizes
    // are checked by `make arm-size`); the rest stays under 24 KiB.
    EXPECT_LT(sizeof(SipUserAgent), (kMaxTransactions + 1) * kMaxSentMessageSize + 24u * 1024);
    EXPECT_LT(sizeof(Message), kMaxHeaders * sizeof(Header) + 512);
}

} // namespace
