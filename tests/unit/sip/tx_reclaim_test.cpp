// A pool full of lingering transactions (Timer D/K) must not refuse a new request: the one
// whose linger ends first is reused. Found end to end: after a few calls and registration
// refreshes, the phone could not answer a 407 on its next INVITE.
#include "sip/transaction.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <string>

using namespace oh;
using namespace oh::sip;
using oh::Endpoint;
using oh::Ipv4Address;
using oh::kNsPerMs;
using oh::kNsPerSec;

namespace {

struct NullWire final : SipTransport {
    int sent = 0;
    void send(const Endpoint&, std::span<const uint8_t>) override { sent++; }
};

std::string invite(const std::string& branch, int cseq)
{
    return "INVITE sip:b@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=" + branch +
           "\r\nMax-Forwards: 70\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c" + std::to_string(cseq) +
           "\r\nCSeq: " + std::to_string(cseq) + " INVITE\r\nContent-Length: 0\r\n\r\n";
}

std::string final_response(const std::string& branch, int cseq, int status)
{
    return "SIP/2.0 " + std::to_string(status) + " X\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=" + branch +
           "\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c" + std::to_string(cseq) + "\r\nCSeq: " +
           std::to_string(cseq) + " INVITE\r\nContent-Length: 0\r\n\r\n";
}

TEST(TransactionReclaim, LingeringTransactionsAreReusedWhenThePoolIsFull)
{
    oh::FakeClock clock;
    clock.set(100 * kNsPerSec);
    NullWire wire;
    TransactionLayer layer(wire, clock);
    Endpoint peer { Ipv4Address(192, 0, 2, 1), 5060 };
    // Fill the pool with INVITEs that each got a 407: all in Completed, lingering for Timer D.
    for (size_t i = 0; i < kMaxTransactions; i++) {
        std::string branch = "z9hG4bKr" + std::to_string(i);
        std::string req = invite(branch, int(i + 1));
        ASSERT_TRUE(layer.start_client(sip_test::bytes(req), Method::Invite, uint32_t(i + 1), oh::Str(branch),
                                       peer, 0, 0));
        clock.advance(100 * kNsPerMs);
        Message r;
        std::string resp = final_response(branch, int(i + 1), 407);
        ASSERT_EQ(sip_test::parse_valid(resp, r), oh::Error::None);
        bool deliver = false;
        ASSERT_NE(layer.on_response(r, deliver), nullptr);
    }
    EXPECT_EQ(layer.active(), kMaxTransactions);
    // The next request still gets a transaction: the oldest lingering one.
    std::string next = invite("z9hG4bKnew", 99);
    auto tx = layer.start_client(sip_test::bytes(next), Method::Invite, 99, "z9hG4bKnew", peer, 0, 0);
    ASSERT_TRUE(tx.has_value());
    EXPECT_EQ(layer.reclaimed(), 1u);
    EXPECT_EQ(layer.active(), kMaxTransactions);
    // The reused slot was the first (its Timer D ends first); the others still absorb
    // retransmissions: a repeated 407 for the second one is matched, not delivered again.
    Message again;
    std::string resp = final_response("z9hG4bKr1", 2, 407);
    ASSERT_EQ(sip_test::parse_valid(resp, again), oh::Error::None);
    bool deliver = true;
    EXPECT_NE(layer.on_response(again, deliver), nullptr);
    EXPECT_FALSE(deliver);
}

TEST(TransactionReclaim, LiveTransactionsAreNeverReclaimed)
{
    oh::FakeClock clock;
    NullWire wire;
    TransactionLayer layer(wire, clock);
    Endpoint peer { Ipv4Address(192, 0, 2, 1), 5060 };
    for (size_t i = 0; i < kMaxTransactions; i++) {
        std::string branch = "z9hG4bKl" + std::to_string(i);
        std::string req = invite(branch, int(i + 1));
        ASSERT_TRUE(layer.start_client(sip_test::bytes(req), Method::Invite, uint32_t(i + 1), oh::Str(branch),
                                       peer, 0, 0));
    }
    std::string next = invite("z9hG4bKx", 50);
    auto tx = layer.start_client(sip_test::bytes(next), Method::Invite, 50, "z9hG4bKx", peer, 0, 0);
    ASSERT_TRUE(tx.is_error());
    EXPECT_EQ(tx.error(), oh::Error::NoMemory);
    EXPECT_EQ(layer.reclaimed(), 0u);
}

} // namespace
