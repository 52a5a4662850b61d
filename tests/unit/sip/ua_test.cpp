// User agent behaviour per RFC section, against a scripted peer on a lossless simulated net.
#include "sim.h"

#include <gtest/gtest.h>

using namespace sip_test;
using oh::kNsPerMs;
using oh::kNsPerSec;

namespace {

// A scripted SIP peer: records what it receives and sends whatever text a test writes.
class Peer final : public Node {
public:
    Peer(SimNet& net, Endpoint self) : m_net(net), self(self) { net.attach(self, *this); }
    void deliver(std::span<const uint8_t> d, const Endpoint& from) override
    {
        got.emplace_back(reinterpret_cast<const char*>(d.data()), d.size());
    }
    void poll() override { }
    Nanoseconds next_wakeup() const override { return 0; }
    void send(const Endpoint& to, const std::string& text) { m_net.submit(self, to, bytes(keep(text))); }

    // The received messages whose start line begins with `prefix`.
    std::vector<std::string> starting(const std::string& prefix) const
    {
        std::vector<std::string> out;
        for (auto& g : got)
            if (g.rfind(prefix, 0) == 0)
                out.push_back(g);
        return out;
    }
    Message parsed(const std::string& text) const
    {
        Message m;
        EXPECT_EQ(sip_test::parse_valid(text, m), oh::Error::None) << text;
        return m;
    }

    std::vector<std::string> got;

private:
    SimNet& m_net;

public:
    Endpoint self;
};

std::string header(const Message& m, HeaderId id)
{
    const Header* h = m.find(id);
    return h ? std::string(std::string_view(h->value)) : std::string();
}

struct Fixture : ::testing::Test {
    oh::FakeClock clock;
    SimNet net { clock, 42 };
    Endpoint pbx_ep { Ipv4Address(192, 0, 2, 1), 5060 };
    Endpoint phone_ep { Ipv4Address(192, 0, 2, 10), 5060 };
    Endpoint stranger_ep { Ipv4Address(198, 51, 100, 66), 5070 };
    SipConfig cfg = phone_config("alice", phone_ep, pbx_ep);

    void SetUp() override
    {
        clock.set(5000 * kNsPerSec);
        net.set_impairment(0, 0, 1, 1);
    }
    void run(double seconds) { net.run_for(Nanoseconds(seconds * 1e9)); }
};

// ---- Registration (RFC 3261 §10, RFC 2617, RFC 3581) ----------------------------------------

struct RegisterTest : Fixture {
    Registrar registrar { net, clock, pbx_ep };
    std::unique_ptr<Phone> phone;
    void make()
    {
        registrar.passwords["alice"] = "secret";
        phone = std::make_unique<Phone>(net, clock, cfg, 9);
    }
    std::vector<std::string> registers() const
    {
        std::vector<std::string> out;
        for (auto& l : net.log())
            if (l.text.rfind("REGISTER ", 0) == 0)
                out.push_back(l.text);
        return out;
    }
};

TEST_F(RegisterTest, DigestQopAuthAndRequestUriWithoutUser)
{
    make();
    ASSERT_TRUE(phone->ua.start_register());
    run(1);
    ASSERT_EQ(phone->ua.registration_state(), RegState::Registered);
    auto regs = registers();
    ASSERT_EQ(regs.size(), 2u);
    EXPECT_EQ(regs[0].rfind("REGISTER sip:192.0.2.1 SIP/2.0\r\n", 0), 0u);
    ASSERT_EQ(registrar.authorizations.size(), 1u);
    auto cred = parse_credentials(registrar.authorizations[0]);
    ASSERT_TRUE(cred);
    EXPECT_EQ(cred->qop, "auth");
    EXPECT_EQ(cred->nc, "00000001");
    EXPECT_EQ(cred->cnonce.size(), 16u);
    EXPECT_EQ(cred->uri, "sip:192.0.2.1");
    EXPECT_EQ(phone->rec.reg, std::vector<RegState> { RegState::Registered });
    EXPECT_EQ(registrar.bindings["alice"], phone_ep);
}

TEST_F(RegisterTest, RefreshBeforeExpiryHandlesStaleNonce)
{
    cfg.expires = 120;
    make();
    ASSERT_TRUE(phone->ua.start_register());
    run(1);
    ASSERT_EQ(registrar.registers, 2);
    run(85); // refresh at 3/4 of 120 s = 90 s
    EXPECT_EQ(registrar.registers, 2);
    run(10);
    // The cached nonce is older than 32 s: stale=true, answered once more, no failure.
    EXPECT_EQ(registrar.registers, 4);
    EXPECT_EQ(registrar.stale_challenges, 1);
    EXPECT_EQ(registrar.auth_failures, 0);
    EXPECT_EQ(phone->ua.registration_state(), RegState::Registered);
    for (auto s : phone->rec.reg)
        EXPECT_EQ(s, RegState::Registered);
    // The Call-ID stays, the CSeq rises.
    Message a, b;
    auto regs = registers();
    ASSERT_EQ(parse_valid(regs[0], a), oh::Error::None);
    ASSERT_EQ(parse_valid(regs[3], b), oh::Error::None);
    EXPECT_EQ(a.call_id, b.call_id);
    EXPECT_EQ(b.cseq, a.cseq + 3);
}

TEST_F(RegisterTest, WrongPasswordNeverLoops)
{
    make();
    registrar.passwords["alice"] = "other";
    ASSERT_TRUE(phone->ua.start_register());
    run(20);
    EXPECT_EQ(registers().size(), 2u); // one challenge answered, then stop
    ASSERT_EQ(phone->ua.registration_state(), RegState::Failed);
    EXPECT_EQ(phone->rec.reg_status.back(), 401);
    run(60); // back-off: one more try after 30-38 s
    EXPECT_EQ(registers().size(), 4u);
}

TEST_F(RegisterTest, TimeoutsBackOffExponentially)
{
    make();
    registrar.silent = true;
    ASSERT_TRUE(phone->ua.start_register());
    run(600);
    // Attempts at ~0, ~62, ~154, ~306, ~578 s with 11 transmissions each (Timer E/F).
    auto regs = registers();
    EXPECT_GE(regs.size(), 33u);
    EXPECT_LE(regs.size(), 55u);
    EXPECT_EQ(phone->ua.registration_state(), RegState::Failed);
    EXPECT_EQ(phone->rec.reg_status.back(), 408);
    std::vector<Nanoseconds> starts;
    Nanoseconds last = 0;
    for (auto& l : net.log())
        if (l.text.rfind("REGISTER ", 0) == 0) {
            if (!last || l.at - last > 20 * kNsPerSec)
                starts.push_back(l.at);
            last = l.at;
        }
    ASSERT_GE(starts.size(), 3u);
    EXPECT_GT(starts[2] - starts[1], starts[1] - starts[0]);
}

TEST_F(RegisterTest, IntervalTooBriefRetriesWithMinExpires)
{
    cfg.expires = 30;
    make();
    registrar.min_expires = 90;
    ASSERT_TRUE(phone->ua.start_register());
    run(2);
    ASSERT_EQ(phone->ua.registration_state(), RegState::Registered);
    EXPECT_EQ(registrar.granted["alice"], 90u);
    Message last;
    ASSERT_EQ(parse_valid(registers().back(), last), oh::Error::None);
    EXPECT_EQ(header(last, HeaderId::Expires), "90");
}

TEST_F(RegisterTest, RportLearnsPublicAddressForContact)
{
    make();
    Endpoint outside { Ipv4Address(203, 0, 113, 5), 40000 };
    net.nat(phone_ep, outside);
    ASSERT_TRUE(phone->ua.start_register());
    run(2);
    ASSERT_EQ(phone->ua.registration_state(), RegState::Registered);
    EXPECT_EQ(registrar.bindings["alice"], outside);
    Message last;
    ASSERT_EQ(parse_valid(registers().back(), last), oh::Error::None);
    EXPECT_EQ(header(last, HeaderId::Contact), "<sip:alice@203.0.113.5:40000>");
    // The same REGISTER removes the binding of the private address (RFC 3261 §10.2.2), so a
    // proxy does not fork calls to both.
    const oh::sip::Header* first = last.find(HeaderId::Contact);
    ASSERT_NE(first, nullptr);
    const oh::sip::Header* second = last.next(HeaderId::Contact, first);
    ASSERT_NE(second, nullptr);
    char stale[64];
    snprintf(stale, sizeof stale, "<sip:alice@%u.%u.%u.%u:%u>;expires=0", phone_ep.address.octet(0),
             phone_ep.address.octet(1), phone_ep.address.octet(2), phone_ep.address.octet(3), phone_ep.port);
    EXPECT_EQ(std::string_view(second->value), stale);
    // A refresh after that binds only the public address.
    size_t before = registers().size();
    run(3700);
    ASSERT_GT(registers().size(), before);
    Message refresh;
    ASSERT_EQ(parse_valid(registers().back(), refresh), oh::Error::None);
    const oh::sip::Header* c1 = refresh.find(HeaderId::Contact);
    ASSERT_NE(c1, nullptr);
    EXPECT_EQ(refresh.next(HeaderId::Contact, c1), nullptr);
}

TEST_F(RegisterTest, KeepAliveAndUnregister)
{
    make();
    ASSERT_TRUE(phone->ua.start_register());
    run(60);
    int pings = 0;
    for (auto& l : net.log())
        pings += l.text == "\r\n\r\n";
    EXPECT_EQ(pings, 2); // every 25 s
    ASSERT_TRUE(phone->ua.unregister());
    run(2);
    EXPECT_EQ(phone->ua.registration_state(), RegState::Unregistered);
    EXPECT_EQ(registrar.bindings.count("alice"), 0u);
    Message last;
    ASSERT_EQ(parse_valid(registers().back(), last), oh::Error::None);
    EXPECT_EQ(header(last, HeaderId::Expires), "0");
}

// ---- Calls as UAS (RFC 3261 §13.3, §9.2, §12, §14; RFC 3264) --------------------------------

struct CallTest : Fixture {
    std::unique_ptr<Peer> pbx;
    std::unique_ptr<Peer> stranger;
    std::unique_ptr<Phone> phone;
    int cseq = 100;
    void make()
    {
        pbx = std::make_unique<Peer>(net, pbx_ep);
        stranger = std::make_unique<Peer>(net, stranger_ep);
        phone = std::make_unique<Phone>(net, clock, cfg, 11);
    }
    static std::string sdp(const std::string& ip, int port, const std::string& dir = "sendrecv", int version = 1)
    {
        return "v=0\r\no=pbx 77 " + std::to_string(version) + " IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip +
            "\r\nt=0 0\r\nm=audio " + std::to_string(port) +
            " RTP/AVP 8 96\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:96 telephone-event/8000\r\na=" + dir + "\r\n";
    }
    std::string request(const std::string& method, const std::string& branch, const std::string& to_tag,
                        int seq, const std::string& body = "", const std::string& ctype = "application/sdp",
                        const std::string& from_ip = "192.0.2.1", const std::string& call_id = "call-1")
    {
        std::string s = method + " sip:alice@192.0.2.10:5060 SIP/2.0\r\nVia: SIP/2.0/UDP " + from_ip +
            ":5060;branch=" + branch + ";rport\r\nMax-Forwards: 70\r\nFrom: \"Bob\" <sip:bob@192.0.2.1>;tag=pbxtag\r\n"
            "To: <sip:alice@192.0.2.1>" + (to_tag.empty() ? "" : ";tag=" + to_tag) + "\r\nCall-ID: " + call_id +
            "\r\nCSeq: " + std::to_string(seq) + " " + (method == "ACK" || method == "CANCEL" ? "INVITE" : method) +
            "\r\nContact: <sip:bob@" + from_ip + ":5060>\r\n";
        if (method == "ACK" || method == "CANCEL")
            s.replace(s.find(" INVITE\r\nContact"), 7, " " + method);
        if (!body.empty())
            s += "Content-Type: " + ctype + "\r\n";
        return s + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }
    std::string to_tag_of(const std::string& response)
    {
        Message m = pbx->parsed(response);
        auto to = parse_name_addr(m.to);
        return to ? std::string(std::string_view(to->tag())) : "";
    }
    std::string reply_ok(const Message& req)
    {
        std::string s = "SIP/2.0 200 OK\r\n";
        for (auto* h = req.find(HeaderId::Via); h; h = req.next(HeaderId::Via, h))
            s += "Via: " + std::string(std::string_view(h->value)) + "\r\n";
        return s + "From: " + std::string(std::string_view(req.from)) + "\r\nTo: " +
            std::string(std::string_view(req.to)) + "\r\nCall-ID: " + std::string(std::string_view(req.call_id)) +
            "\r\nCSeq: " + std::to_string(req.cseq) + " " + std::string(std::string_view(req.cseq_method_text)) +
            "\r\nContent-Length: 0\r\n\r\n";
    }
    // Rings the phone with an offer; returns the phone's To tag from its 180.
    std::string ring()
    {
        pbx->send(phone_ep, request("INVITE", "z9hG4bKinv1", "", 1, sdp("198.51.100.5", 12000)));
        run(0.1);
        auto ringing = pbx->starting("SIP/2.0 180");
        EXPECT_EQ(ringing.size(), 1u);
        return ringing.empty() ? "" : to_tag_of(ringing[0]);
    }
};

TEST_F(CallTest, IncomingRingAnswerAckAndRemoteBye)
{
    make();
    std::string tag = ring();
    EXPECT_EQ(pbx->starting("SIP/2.0 100").size(), 1u);
    ASSERT_EQ(phone->rec.incoming.size(), 1u);
    EXPECT_EQ(phone->rec.last_from, "sip:bob@192.0.2.1");
    ASSERT_TRUE(phone->ua.answer(phone->rec.incoming[0]));
    run(0.1);
    auto oks = pbx->starting("SIP/2.0 200");
    ASSERT_EQ(oks.size(), 1u);
    Message ok = pbx->parsed(oks[0]);
    SessionDescription answer;
    ASSERT_TRUE(parse_sdp(ok.body, answer));
    ASSERT_EQ(answer.media_count, 1);
    EXPECT_EQ(answer.media[0].formats[0].pt, 8);  // PCMA, the offerer's choice
    EXPECT_EQ(answer.media[0].formats[1].pt, 96); // its telephone-event PT, not 101
    EXPECT_EQ(answer.media[0].port, 4000);
    ASSERT_EQ(phone->rec.media.size(), 1u);
    EXPECT_EQ(phone->rec.media[0].remote.port, 12000);
    EXPECT_EQ(phone->rec.media[0].te_pt, 96);
    EXPECT_EQ(phone->rec.media[0].codec, Codec::Pcma);
    // No ACK yet: the 2xx is retransmitted at T1, 2T1, ...
    run(2);
    EXPECT_EQ(pbx->starting("SIP/2.0 200").size(), 3u); // at 0, 0.5, 1.5 s
    pbx->send(phone_ep, request("ACK", "z9hG4bKack1", tag, 1));
    run(10);
    EXPECT_EQ(pbx->starting("SIP/2.0 200").size(), 3u);
    EXPECT_EQ(phone->rec.answered.size(), 1u);
    EXPECT_EQ(phone->ua.call_state(0), CallState::Active);
    pbx->send(phone_ep, request("BYE", "z9hG4bKbye1", tag, 2));
    run(0.1);
    EXPECT_EQ(phone->ua.call_state(0), CallState::Idle);
    ASSERT_EQ(phone->rec.ended.size(), 1u);
    EXPECT_EQ(phone->rec.ended[0].reason, EndReason::RemoteHangup);
    // A retransmitted BYE is answered from the transaction; a stranger BYE gets 481.
    pbx->send(phone_ep, request("BYE", "z9hG4bKbye1", tag, 2));
    pbx->send(phone_ep, request("BYE", "z9hG4bKbye2", "nosuchtag", 3));
    run(0.1);
    auto byes = pbx->starting("SIP/2.0 200");
    EXPECT_EQ(pbx->starting("SIP/2.0 481").size(), 1u);
    EXPECT_EQ(phone->rec.ended.size(), 1u);
}

TEST_F(CallTest, UnacknowledgedAnswerEndsWithByeAndUnansweredRingTimesOut)
{
    cfg.auto_answer = true;
    cfg.ring_timeout = 30 * kNsPerSec;
    make();
    ring();
    run(40); // §13.3.1.4: 2xx retransmitted (T1 doubling to T2) for 64*T1, then BYE
    EXPECT_EQ(pbx->starting("SIP/2.0 200").size(), 11u);
    auto byes = pbx->starting("BYE "); // one BYE transaction, retransmitted (Timer E)
    ASSERT_GE(byes.size(), 1u);
    for (auto& b : byes)
        EXPECT_EQ(pbx->parsed(b).cseq, pbx->parsed(byes[0]).cseq);
    ASSERT_EQ(phone->rec.ended.size(), 1u);
    EXPECT_EQ(phone->rec.ended[0].reason, EndReason::Timeout);
    // The next call nobody answers: 480 after the ring timeout.
    pbx->send(phone_ep, reply_ok(pbx->parsed(byes[0])));
    cfg.auto_answer = false;
    auto quiet = std::make_unique<Phone>(net, clock, cfg, 12); // re-attaches at the same address
    pbx->got.clear();
    pbx->send(phone_ep, request("INVITE", "z9hG4bKinv9", "", 1, sdp("198.51.100.5", 12000), "application/sdp",
                                "192.0.2.1", "call-9"));
    run(31);
    auto unavailable = pbx->starting("SIP/2.0 480"); // retransmitted by Timer G until ACKed
    ASSERT_GE(unavailable.size(), 1u);
    EXPECT_EQ(unavailable.back(), unavailable.front());
    ASSERT_EQ(quiet->rec.ended.size(), 1u);
    EXPECT_EQ(quiet->rec.ended[0].status, 480);
}

TEST_F(CallTest, ReInviteHoldMoveRefreshInfoAndOptions)
{
    cfg.auto_answer = true;
    make();
    std::string tag = ring();
    pbx->send(phone_ep, request("ACK", "z9hG4bKack1", tag, 1));
    run(0.1);
    ASSERT_EQ(phone->ua.call_state(0), CallState::Active);
    // The PBX moves the media and puts us on hold: follow the move, answer recvonly.
    pbx->send(phone_ep, request("INVITE", "z9hG4bKre1", tag, 2, sdp("198.51.100.9", 13000, "sendonly", 2)));
    run(0.1);
    auto oks = pbx->starting("SIP/2.0 200");
    ASSERT_EQ(oks.size(), 2u);
    Message ok = pbx->parsed(oks[1]);
    SessionDescription ans;
    ASSERT_TRUE(parse_sdp(ok.body, ans));
    EXPECT_EQ(ans.media[0].direction, Direction::RecvOnly);
    ASSERT_EQ(phone->rec.media.size(), 2u);
    EXPECT_EQ(phone->rec.media[1].remote.address, Ipv4Address(198, 51, 100, 9));
    EXPECT_EQ(phone->rec.media[1].remote.port, 13000);
    EXPECT_EQ(phone->rec.media[1].direction, Direction::RecvOnly);
    Str version1 = ans.session_version;
    std::string v1 { std::string_view(version1) };
    pbx->send(phone_ep, request("ACK", "z9hG4bKack2", tag, 2));
    // Session-timer refresh with the same SDP: 200 with the same SDP version, no media event.
    pbx->send(phone_ep, request("INVITE", "z9hG4bKre2", tag, 3, sdp("198.51.100.9", 13000, "sendonly", 2)));
    run(0.1);
    oks = pbx->starting("SIP/2.0 200");
    ASSERT_EQ(oks.size(), 3u);
    Message ok2 = pbx->parsed(oks[2]);
    ASSERT_TRUE(parse_sdp(ok2.body, ans));
    EXPECT_EQ(std::string(std::string_view(ans.session_version)), v1);
    EXPECT_EQ(phone->rec.media.size(), 2u);
    pbx->send(phone_ep, request("ACK", "z9hG4bKack3", tag, 3));
    // UPDATE without SDP (RFC 4028 refresh) gets a plain 200.
    pbx->send(phone_ep, request("UPDATE", "z9hG4bKup1", tag, 4));
    // DTMF via INFO.
    pbx->send(phone_ep, request("INFO", "z9hG4bKinfo1", tag, 5, "Signal=5\r\nDuration=160\r\n", "application/dtmf-relay"));
    pbx->send(phone_ep, request("INFO", "z9hG4bKinfo2", tag, 6, "#", "application/dtmf"));
    pbx->send(phone_ep, request("OPTIONS", "z9hG4bKopt1", tag, 7));
    run(0.1);
    EXPECT_EQ(phone->rec.dtmf, "5#");
    EXPECT_EQ(phone->rec.dtmf_ms[0], 160);
    EXPECT_EQ(pbx->starting("SIP/2.0 200").size(), 7u);
    // Out-of-order CSeq is refused (§12.2.2).
    pbx->send(phone_ep, request("INFO", "z9hG4bKinfo3", tag, 3, "1", "application/dtmf"));
    run(0.1);
    EXPECT_EQ(pbx->starting("SIP/2.0 500").size(), 1u);
    EXPECT_EQ(phone->rec.dtmf, "5#");
}

TEST_F(CallTest, LocalHoldAndResumeSendReInvites)
{
    cfg.auto_answer = true;
    make();
    std::string tag = ring();
    pbx->send(phone_ep, request("ACK", "z9hG4bKack1", tag, 1));
    run(0.1);
    ASSERT_TRUE(phone->ua.hold(0));
    run(0.1);
    auto invites = pbx->starting("INVITE ");
    ASSERT_EQ(invites.size(), 1u);
    Message re = pbx->parsed(invites[0]);
    EXPECT_EQ(re.request_uri, "sip:bob@192.0.2.1:5060"); // the remote target (Contact)
    SessionDescription offer;
    ASSERT_TRUE(parse_sdp(re.body, offer));
    EXPECT_EQ(offer.media[0].direction, Direction::SendOnly);
    auto from = parse_name_addr(re.from);
    ASSERT_TRUE(from);
    EXPECT_EQ(std::string(std::string_view(from->tag())), tag);
    // Answer recvonly; the phone ACKs.
    std::string resp = "SIP/2.0 200 OK\r\nVia: " + std::string(std::string_view(re.top_via)) +
        "\r\nFrom: " + std::string(std::string_view(re.from)) + "\r\nTo: " + std::string(std::string_view(re.to)) +
        "\r\nCall-ID: call-1\r\nCSeq: " + std::to_string(re.cseq) + " INVITE\r\nContact: <sip:bob@192.0.2.1:5060>\r\n"
        "Content-Type: application/sdp\r\n";
    std::string body = sdp("198.51.100.5", 12000, "recvonly");
    pbx->send(phone_ep, resp + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    run(0.1);
    auto acks = pbx->starting("ACK ");
    ASSERT_EQ(acks.size(), 1u);
    EXPECT_EQ(pbx->parsed(acks[0]).cseq, re.cseq);
    EXPECT_EQ(phone->rec.media.back().direction, Direction::SendOnly);
    ASSERT_TRUE(phone->ua.resume(0));
    run(0.1);
    invites = pbx->starting("INVITE ");
    ASSERT_EQ(invites.size(), 2u);
    ASSERT_TRUE(parse_sdp(pbx->parsed(invites[1]).body, offer));
    EXPECT_EQ(offer.media[0].direction, Direction::SendRecv);
}

TEST_F(CallTest, CancelWhileRingingGets487)
{
    make();
    std::string tag = ring();
    pbx->send(phone_ep, request("CANCEL", "z9hG4bKinv1", "", 1));
    run(0.1);
    EXPECT_EQ(pbx->starting("SIP/2.0 200").size(), 1u); // to the CANCEL
    auto terminated = pbx->starting("SIP/2.0 487");
    ASSERT_EQ(terminated.size(), 1u);
    Message t = pbx->parsed(terminated[0]);
    EXPECT_EQ(t.cseq_method, Method::Invite);
    ASSERT_EQ(phone->rec.ended.size(), 1u);
    EXPECT_EQ(phone->rec.ended[0].reason, EndReason::Cancelled);
    // ACK for the 487 is absorbed; the 487 is not retransmitted after it.
    pbx->send(phone_ep, request("ACK", "z9hG4bKinv1", tag, 1));
    run(5);
    EXPECT_EQ(pbx->starting("SIP/2.0 487").size(), 1u);
    // A CANCEL for nothing gets 481.
    pbx->send(phone_ep, request("CANCEL", "z9hG4bKnothing", "", 9));
    run(0.1);
    EXPECT_EQ(pbx->starting("SIP/2.0 481").size(), 1u);
}

TEST_F(CallTest, BusyAnd488AndUntrustedAndBan)
{
    make();
    ring();
    // A second call while ringing: 486.
    pbx->send(phone_ep, request("INVITE", "z9hG4bKinv2", "", 1, sdp("198.51.100.5", 12002), "application/sdp",
                                "192.0.2.1", "call-2"));
    run(0.1);
    EXPECT_EQ(pbx->starting("SIP/2.0 486").size(), 1u);
    ASSERT_TRUE(phone->ua.hangup(0));
    run(0.1);
    EXPECT_EQ(pbx->starting("SIP/2.0 603").size(), 1u);
    // Nothing acceptable in the offer: 488.
    std::string g722 = "v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 5 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n";
    pbx->send(phone_ep, request("INVITE", "z9hG4bKinv3", "", 1, g722, "application/sdp", "192.0.2.1", "call-3"));
    run(0.1);
    EXPECT_EQ(pbx->starting("SIP/2.0 488").size(), 1u);
    // A scanner: 403 for INVITEs, then a ban after 8 strikes; OPTIONS stop being answered.
    for (int i = 0; i < 10; i++)
        stranger->send(phone_ep, request("INVITE", "z9hG4bKscan" + std::to_string(i), "", 1,
                                         sdp("198.51.100.66", 4), "application/sdp", "198.51.100.66",
                                         "scan-" + std::to_string(i)));
    run(0.1);
    EXPECT_EQ(stranger->starting("SIP/2.0 403").size(), 8u);
    EXPECT_EQ(phone->ua.counters().bans, 1u);
    EXPECT_EQ(phone->ua.counters().rejected_untrusted, 8u);
    EXPECT_EQ(phone->ua.counters().dropped_banned, 2u);
    stranger->send(phone_ep, request("OPTIONS", "z9hG4bKopt", "", 1, "", "", "198.51.100.66", "scan-o"));
    run(0.1);
    EXPECT_EQ(stranger->starting("SIP/2.0 200").size(), 0u);
    // The ban is temporary (10 minutes by default).
    run(601);
    stranger->send(phone_ep, request("OPTIONS", "z9hG4bKopt2", "", 1, "", "", "198.51.100.66", "scan-o2"));
    run(0.1);
    EXPECT_EQ(stranger->starting("SIP/2.0 200").size(), 1u);
    // The PBX is never banned and always gets its OPTIONS answered.
    pbx->send(phone_ep, request("OPTIONS", "z9hG4bKq1", "", 1, "", "", "192.0.2.1", "q-1"));
    run(0.1);
    auto q = pbx->starting("SIP/2.0 200");
    ASSERT_FALSE(q.empty());
    EXPECT_NE(q.back().find("Allow: INVITE"), std::string::npos);
    EXPECT_EQ(phone->rec.incoming.size(), 1u);
}

// Issue 14: knowing a call's Call-ID and tags (they cross proxies in the clear) is not enough
// to end, cancel or move it; only the dialog's peer (the registrar's flow here) may.
TEST_F(CallTest, OnlyTheDialogsPeerMayEndOrMoveIt)
{
    make();
    Peer same_host_other_port(net, { Ipv4Address(192, 0, 2, 1), 5099 });
    std::string tag = ring();
    ASSERT_TRUE(phone->ua.answer(phone->rec.incoming[0]));
    run(0.1);
    pbx->send(phone_ep, request("ACK", "z9hG4bKack1", tag, 1));
    run(0.1);
    ASSERT_EQ(phone->ua.call_state(0), CallState::Active);
    // The PBX's address from another port, then a stranger: BYE with the right identifiers.
    same_host_other_port.send(phone_ep, request("BYE", "z9hG4bKspoof1", tag, 2));
    stranger->send(phone_ep, request("BYE", "z9hG4bKspoof2", tag, 3, "", "", "198.51.100.66"));
    // A stranger's re-INVITE would move the media to it.
    stranger->send(phone_ep, request("INVITE", "z9hG4bKspoof3", tag, 4, sdp("198.51.100.66", 7000), "application/sdp",
                                     "198.51.100.66"));
    run(0.1);
    EXPECT_EQ(same_host_other_port.starting("SIP/2.0 403").size(), 1u);
    EXPECT_EQ(stranger->starting("SIP/2.0 403").size(), 2u);
    EXPECT_EQ(phone->ua.counters().rejected_foreign, 3u);
    EXPECT_EQ(phone->ua.call_state(0), CallState::Active);
    EXPECT_TRUE(phone->rec.ended.empty());
    ASSERT_EQ(phone->rec.media.size(), 1u);
    EXPECT_EQ(phone->rec.media.back().remote.port, 12000);
    // The real peer still ends it, its CSeq not disturbed by the refused ones.
    pbx->send(phone_ep, request("BYE", "z9hG4bKbye1", tag, 2));
    run(0.1);
    EXPECT_EQ(phone->ua.call_state(0), CallState::Idle);
    ASSERT_EQ(phone->rec.ended.size(), 1u);
    EXPECT_EQ(phone->rec.ended[0].reason, EndReason::RemoteHangup);
    // A proxy that does not Record-Route: the caller's UA sends its BYE from its Contact
    // (§12.2.1.1, the remote target), and that is the dialog's peer too.
    Peer caller_ua(net, { Ipv4Address(198, 51, 100, 7), 5062 });
    std::string inv = request("INVITE", "z9hG4bKinv9", "", 1, sdp("198.51.100.7", 12000), "application/sdp",
                              "192.0.2.1", "call-9");
    inv.replace(inv.find("Contact: <sip:bob@192.0.2.1:5060>"), 33, "Contact: <sip:bob@198.51.100.7:5062>");
    pbx->send(phone_ep, inv);
    run(0.1);
    auto ringing = pbx->starting("SIP/2.0 180");
    ASSERT_EQ(ringing.size(), 2u);
    std::string tag2 = to_tag_of(ringing.back());
    ASSERT_TRUE(phone->ua.answer(phone->rec.incoming.back()));
    run(0.1);
    std::string bye = request("BYE", "z9hG4bKbye9", tag2, 2, "", "", "198.51.100.7", "call-9");
    caller_ua.send(phone_ep, bye);
    run(0.1);
    EXPECT_EQ(caller_ua.starting("SIP/2.0 200").size(), 1u);
    EXPECT_EQ(phone->rec.ended.size(), 2u);
}

// RFC 3261 §9.2: a CANCEL comes from where its INVITE came from; INVITEs come from the
// registrar's flow (address and port), and ring only for this phone's user (§8.2.2.1, 404).
TEST_F(CallTest, CancelAndInviteTrustedByFlowAndUser)
{
    make();
    Peer same_host_other_port(net, { Ipv4Address(192, 0, 2, 1), 5099 });
    ring();
    same_host_other_port.send(phone_ep, request("CANCEL", "z9hG4bKinv1", "", 1));
    run(0.1);
    EXPECT_EQ(same_host_other_port.starting("SIP/2.0 403").size(), 1u);
    EXPECT_EQ(phone->ua.call_state(0), CallState::Incoming);
    EXPECT_TRUE(phone->rec.ended.empty());
    ASSERT_TRUE(phone->ua.hangup(0));
    run(0.1);
    // An INVITE from the PBX's address but not its flow is an untrusted one.
    same_host_other_port.send(phone_ep, request("INVITE", "z9hG4bKinv5", "", 1, sdp("192.0.2.1", 7000),
                                                "application/sdp", "192.0.2.1", "call-5"));
    run(0.1);
    EXPECT_EQ(same_host_other_port.starting("SIP/2.0 403").size(), 2u);
    EXPECT_EQ(phone->rec.incoming.size(), 1u);
    // From the PBX, for an extension that is not this phone: 404, no ring.
    std::string wrong = request("INVITE", "z9hG4bKinv6", "", 1, sdp("192.0.2.1", 7000), "application/sdp",
                                "192.0.2.1", "call-6");
    wrong.replace(wrong.find("sip:alice@192.0.2.10"), 20, "sip:alic@192.0.2.10");
    pbx->send(phone_ep, wrong);
    run(0.1);
    EXPECT_EQ(pbx->starting("SIP/2.0 404").size(), 1u);
    EXPECT_EQ(phone->ua.counters().rejected_user, 1u);
    EXPECT_EQ(phone->rec.incoming.size(), 1u);
    // The same user escaped (§19.1.4: "%61lice" is "alice") rings.
    std::string escaped = request("INVITE", "z9hG4bKinv7", "", 1, sdp("192.0.2.1", 7000), "application/sdp",
                                  "192.0.2.1", "call-7");
    escaped.replace(escaped.find("sip:alice@192.0.2.10"), 20, "sip:%61lice@192.0.2.10");
    pbx->send(phone_ep, escaped);
    run(0.1);
    EXPECT_EQ(phone->rec.incoming.size(), 2u);
}

// RFC 3261 §8.2.2.2: the same INVITE (From tag, Call-ID, CSeq) along a second path, with
// another branch, while the first is still being answered: 482 Loop Detected, not a second
// call or a 486. A retransmission (the same branch) is absorbed; the next CSeq or another
// Call-ID is a new request.
TEST_F(CallTest, MergedInviteGets482)
{
    make();
    ring();
    pbx->send(phone_ep, request("INVITE", "z9hG4bKinv1-fork", "", 1, sdp("198.51.100.5", 12000)));
    pbx->send(phone_ep, request("INVITE", "z9hG4bKinv1", "", 1, sdp("198.51.100.5", 12000)));
    run(0.1);
    auto loops = pbx->starting("SIP/2.0 482");
    ASSERT_EQ(loops.size(), 1u);
    EXPECT_NE(loops[0].find("branch=z9hG4bKinv1-fork"), std::string::npos);
    EXPECT_EQ(pbx->starting("SIP/2.0 486").size(), 0u);
    EXPECT_EQ(phone->rec.incoming.size(), 1u);
    EXPECT_EQ(phone->ua.call_state(0), CallState::Incoming);
    // Another Call-ID with the same From tag and CSeq is another call: busy.
    pbx->send(phone_ep, request("INVITE", "z9hG4bKinv2", "", 1, sdp("198.51.100.5", 12000), "application/sdp",
                                "192.0.2.1", "call-2"));
    run(0.1);
    EXPECT_EQ(pbx->starting("SIP/2.0 486").size(), 1u);
    EXPECT_EQ(pbx->starting("SIP/2.0 482").size(), 1u);
}

TEST_F(CallTest, RateLimitDropsFloods)
{
    make();
    for (int i = 0; i < 100; i++)
        stranger->send(phone_ep, request("OPTIONS", "z9hG4bKf" + std::to_string(i), "", 1, "", "", "198.51.100.66",
                                         "f-" + std::to_string(i)));
    run(0.1);
    EXPECT_EQ(stranger->starting("SIP/2.0 200").size(), 30u); // the burst, then silence
    EXPECT_EQ(phone->ua.counters().rate_limited, 70u);
    run(10);
    stranger->send(phone_ep, request("OPTIONS", "z9hG4bKf-late", "", 1, "", "", "198.51.100.66", "f-late"));
    run(0.1);
    EXPECT_EQ(stranger->starting("SIP/2.0 200").size(), 31u);
}

TEST_F(CallTest, MalformedRequestsGet400WithReason)
{
    make();
    std::string bad_cseq = request("OPTIONS", "z9hG4bKm1", "", 1);
    bad_cseq.replace(bad_cseq.find("CSeq: 1 OPTIONS"), 15, "CSeq: x OPTIONS");
    pbx->send(phone_ep, bad_cseq);
    std::string mismatch = request("OPTIONS", "z9hG4bKm2", "", 1);
    mismatch.replace(mismatch.find("CSeq: 1 OPTIONS"), 15, "CSeq: 1 INVITE ");
    pbx->send(phone_ep, mismatch);
    std::string truncated = request("MESSAGE", "z9hG4bKm3", "", 1, "hello", "text/plain");
    truncated.resize(truncated.size() - 2);
    pbx->send(phone_ep, truncated);
    pbx->send(phone_ep, "\x16\x03\x01 garbage \r\n\r\n");
    std::string v7 = request("OPTIONS", "z9hG4bKm4", "", 1);
    v7.replace(v7.find("SIP/2.0\r\n"), 7, "SIP/7.0");
    pbx->send(phone_ep, v7);
    run(0.1);
    auto bad = pbx->starting("SIP/2.0 400");
    ASSERT_EQ(bad.size(), 3u);
    EXPECT_EQ(bad[0].rfind("SIP/2.0 400 Bad CSeq\r\n", 0), 0u);
    EXPECT_EQ(bad[1].rfind("SIP/2.0 400 CSeq method mismatch\r\n", 0), 0u);
    EXPECT_EQ(bad[2].rfind("SIP/2.0 400 Truncated body\r\n", 0), 0u);
    EXPECT_EQ(pbx->starting("SIP/2.0 505").size(), 1u);
    EXPECT_EQ(phone->ua.counters().malformed, 5u);
}

// A request longer than the receive buffer (the transport hands over its head only) is not
// dropped silently: 513 Message Too Large (RFC 3261 §21.5.7), to its Via, with its CSeq.
TEST_F(CallTest, OversizedRequestGets513FromItsHead)
{
    make();
    std::string big = request("INVITE", "z9hG4bKbig1", "", 1, sdp("192.0.2.1", 7000) + std::string(6000, 'a'));
    std::string head = big.substr(0, 2048);
    phone->ua.receive_oversized(bytes(keep(head)), pbx_ep);
    // A response or an ACK cut the same way gets nothing back.
    std::string ack = request("ACK", "z9hG4bKbig2", "t", 1) ;
    phone->ua.receive_oversized(bytes(keep(ack.substr(0, ack.size() - 4))), pbx_ep);
    run(0.1);
    auto too_large = pbx->starting("SIP/2.0 513 Message Too Large\r\n");
    ASSERT_EQ(too_large.size(), 1u);
    EXPECT_EQ(pbx->got.size(), 1u);
    Message m = pbx->parsed(too_large[0]);
    EXPECT_EQ(m.cseq, 1u);
    EXPECT_EQ(m.cseq_method, Method::Invite);
    EXPECT_NE(header(m, HeaderId::Via).find("branch=z9hG4bKbig1"), std::string::npos);
    EXPECT_TRUE(phone->rec.incoming.empty());
    EXPECT_EQ(phone->ua.counters().oversized, 2u);
}

// ---- Calls as UAC (RFC 3261 §13.2, §22.3, §9.1) ----------------------------------------------

struct OutgoingTest : CallTest {
    Message invite_at(size_t i)
    {
        auto invites = pbx->starting("INVITE ");
        EXPECT_GT(invites.size(), i);
        return pbx->parsed(invites.size() > i ? invites[i] : "");
    }
    std::string reply(const Message& req, int status, const std::string& reason, const std::string& extra,
                      const std::string& body = "", bool tag = true)
    {
        std::string s = "SIP/2.0 " + std::to_string(status) + " " + reason + "\r\n";
        for (auto* h = req.find(HeaderId::Via); h; h = req.next(HeaderId::Via, h))
            s += "Via: " + std::string(std::string_view(h->value)) + "\r\n";
        s += "From: " + std::string(std::string_view(req.from)) + "\r\nTo: " + std::string(std::string_view(req.to)) +
            (tag ? ";tag=far" : "") + "\r\nCall-ID: " + std::string(std::string_view(req.call_id)) + "\r\nCSeq: " +
            std::to_string(req.cseq) + " " + std::string(std::string_view(req.cseq_method_text)) + "\r\n" + extra;
        if (!body.empty())
            s += "Content-Type: application/sdp\r\n";
        return s + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }
};

TEST_F(OutgoingTest, ProxyChallengeEarlyMediaAnswerAndBye)
{
    make();
    auto call = phone->ua.dial("1002");
    ASSERT_TRUE(call);
    run(0.1);
    Message inv = invite_at(0);
    EXPECT_EQ(inv.request_uri, "sip:1002@192.0.2.1");
    pbx->send(phone_ep, reply(inv, 407, "Proxy Authentication Required",
                              "Proxy-Authenticate: Digest realm=\"asterisk\", nonce=\"abc123\", qop=\"auth\"\r\n"));
    run(0.1);
    auto acks = pbx->starting("ACK ");
    ASSERT_EQ(acks.size(), 1u); // the transaction ACKs the 407 (§17.1.1.3)
    Message ack = pbx->parsed(acks[0]);
    EXPECT_EQ(ack.cseq, inv.cseq);
    Message inv2 = invite_at(1);
    EXPECT_EQ(inv2.cseq, inv.cseq + 1);
    EXPECT_EQ(inv2.call_id, inv.call_id);
    std::string proxy_auth = header(inv2, HeaderId::ProxyAuthorization);
    auto cred = parse_credentials(proxy_auth);
    ASSERT_TRUE(cred);
    EXPECT_TRUE(verify_credentials(*cred, "INVITE", "secret"));
    EXPECT_EQ(cred->uri, "sip:1002@192.0.2.1");
    // 183 with early media: te PT 100 from their SDP.
    std::string early = "v=0\r\nc=IN IP4 198.51.100.5\r\nm=audio 14000 RTP/AVP 0 100\r\na=rtpmap:100 telephone-event/8000\r\n";
    pbx->send(phone_ep, reply(inv2, 100, "Trying", "", "", false));
    pbx->send(phone_ep, reply(inv2, 183, "Session Progress", "Contact: <sip:1002@192.0.2.1>\r\n", early));
    run(0.1);
    EXPECT_EQ(phone->rec.progress, std::vector<uint16_t> { 183 });
    ASSERT_EQ(phone->rec.media.size(), 1u);
    EXPECT_EQ(phone->rec.media[0].te_pt, 100);
    EXPECT_EQ(phone->rec.media[0].remote.port, 14000);
    pbx->send(phone_ep, reply(inv2, 200, "OK", "Contact: <sip:1002@192.0.2.1:5060>\r\n", early));
    run(0.1);
    EXPECT_EQ(phone->ua.call_state(*call), CallState::Active);
    EXPECT_EQ(phone->rec.answered.size(), 1u);
    acks = pbx->starting("ACK ");
    ASSERT_EQ(acks.size(), 2u);
    Message ack2 = pbx->parsed(acks[1]);
    EXPECT_EQ(ack2.cseq, inv2.cseq);
    EXPECT_EQ(ack2.request_uri, "sip:1002@192.0.2.1:5060");
    // A retransmitted 2xx is ACKed again (§13.2.2.4).
    pbx->send(phone_ep, reply(inv2, 200, "OK", "Contact: <sip:1002@192.0.2.1:5060>\r\n", early));
    run(0.1);
    EXPECT_EQ(pbx->starting("ACK ").size(), 3u);
    ASSERT_TRUE(phone->ua.hangup(*call));
    run(0.1);
    auto byes = pbx->starting("BYE ");
    ASSERT_EQ(byes.size(), 1u);
    Message bye = pbx->parsed(byes[0]);
    auto to = parse_name_addr(bye.to);
    ASSERT_TRUE(to);
    EXPECT_EQ(to->tag(), "far");
    EXPECT_GT(bye.cseq, inv2.cseq);
    pbx->send(phone_ep, reply(bye, 200, "OK", "", "", false));
    run(0.1);
    EXPECT_EQ(phone->ua.call_state(*call), CallState::Idle);
    EXPECT_EQ(phone->rec.ended.size(), 1u);
}

TEST_F(OutgoingTest, RejectedPasswordForInviteDoesNotLoop)
{
    make();
    auto call = phone->ua.dial("sip:1002@192.0.2.1");
    ASSERT_TRUE(call);
    for (int i = 0; i < 3; i++) {
        run(0.1);
        auto invites = pbx->starting("INVITE ");
        if (invites.size() <= size_t(i))
            break;
        pbx->send(phone_ep, reply(pbx->parsed(invites[i]), 401, "Unauthorized",
                                  "WWW-Authenticate: Digest realm=\"asterisk\", nonce=\"n" + std::to_string(i) +
                                      "\", qop=\"auth\"\r\n"));
    }
    run(1);
    EXPECT_EQ(pbx->starting("INVITE ").size(), 2u);
    EXPECT_EQ(phone->ua.call_state(*call), CallState::Idle);
    ASSERT_EQ(phone->rec.ended.size(), 1u);
    EXPECT_EQ(phone->rec.ended[0].status, 401);
}

TEST_F(OutgoingTest, CancelWaitsForProvisionalAndBusyIsReported)
{
    make();
    auto call = phone->ua.dial("1003");
    ASSERT_TRUE(call);
    run(0.1);
    ASSERT_TRUE(phone->ua.hangup(*call));
    run(0.1);
    EXPECT_TRUE(pbx->starting("CANCEL ").empty()); // §9.1: not before a provisional
    Message inv = invite_at(0);
    pbx->send(phone_ep, reply(inv, 180, "Ringing", ""));
    run(0.1);
    auto cancels = pbx->starting("CANCEL ");
    ASSERT_EQ(cancels.size(), 1u);
    Message cancel = pbx->parsed(cancels[0]);
    EXPECT_EQ(cancel.cseq, inv.cseq);
    EXPECT_EQ(cancel.top_via, inv.top_via);
    pbx->send(phone_ep, reply(cancel, 200, "OK", ""));
    pbx->send(phone_ep, reply(inv, 487, "Request Terminated", ""));
    run(0.1);
    EXPECT_EQ(phone->ua.call_state(*call), CallState::Idle);
    EXPECT_EQ(pbx->starting("ACK ").size(), 1u);
    // The next call meets a busy callee.
    pbx->got.clear();
    auto call2 = phone->ua.dial("1004");
    ASSERT_TRUE(call2);
    run(0.1);
    pbx->send(phone_ep, reply(invite_at(0), 486, "Busy Here", ""));
    run(0.1);
    ASSERT_EQ(phone->rec.ended.size(), 2u);
    EXPECT_EQ(phone->rec.ended[1].reason, EndReason::Busy);
}

TEST_F(OutgoingTest, NoAnswerAtAllTimesOut)
{
    make();
    auto call = phone->ua.dial("1005");
    ASSERT_TRUE(call);
    run(40);
    // Timer A: 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s, then Timer B at 32 s.
    EXPECT_EQ(pbx->starting("INVITE ").size(), 7u);
    ASSERT_EQ(phone->rec.ended.size(), 1u);
    EXPECT_EQ(phone->rec.ended[0].reason, EndReason::Timeout);
    EXPECT_EQ(phone->ua.active_transactions(), 0u);
}

} // namespace
