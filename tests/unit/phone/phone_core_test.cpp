// The phone core both targets run (sip/phone): one parser of the settings, and the call
// control's state, console lines and commands, driven as the user agent and a console drive
// them. What is expected comes from the keys' documented meaning (README, docs/asterisk.md)
// and from RFC 3261 (what a dial puts on the wire), not from the core's own tables.
#include "sip/phone/calls.h"
#include "sip/phone/settings.h"

#include <gtest/gtest.h>

#include <cstdarg>
#include <cstdio>
#include <string>
#include <vector>

#include "lib/random.h"

namespace {

using namespace oh;
using oh::phone::PhoneCalls;
using oh::phone::PhoneSettings;

class TextOutput final : public oh::phone::PhoneOutput {
public:
    void vprint(const char* fmt, va_list ap) override
    {
        char buf[512];
        vsnprintf(buf, sizeof buf, fmt, ap);
        text += buf;
    }
    bool has(const std::string& s) const { return text.find(s) != std::string::npos; }
    std::string text;
};

PhoneSettings parse_ok(const char* line, TextOutput& out)
{
    PhoneSettings s;
    EXPECT_TRUE(oh::phone::parse_phone_settings(CommandLine(line), s, out)) << out.text;
    return s;
}

std::string str(Str s) { return std::string(s.data(), s.size()); }

TEST(PhoneSettings, EveryKeyReachesTheUserAgentsConfig)
{
    TextOutput out;
    auto s = parse_ok("sip.server=192.0.2.1:5070 sip.user=1000 sip.password=pw sip.authuser=auth1000 "
                      "sip.domain=pbx.example sip.name=Desk sip.expires=120 sip.autoanswer=1 sip.codecs=pcma "
                      "sip.trusted=192.0.2.7,192.0.2.8 rtp.ports=30000-30099 sip.nat=yes phone.tone=1000 "
                      "phone.echo=1 sip.dial=2000 sip.hangup=30",
        out);
    EXPECT_EQ(s.sip.server.address, Ipv4Address(192, 0, 2, 1));
    EXPECT_EQ(s.sip.server.port, 5070);
    EXPECT_TRUE(s.server_name.empty());
    EXPECT_EQ(str(s.sip.user), "1000");
    EXPECT_EQ(str(s.sip.password), "pw");
    EXPECT_EQ(str(s.sip.auth_user), "auth1000");
    EXPECT_EQ(str(s.sip.domain), "pbx.example");
    EXPECT_EQ(str(s.sip.display_name), "Desk");
    EXPECT_EQ(s.sip.expires, 120u);
    EXPECT_TRUE(s.sip.auto_answer);
    ASSERT_EQ(s.sip.codec_count, 1);
    EXPECT_EQ(s.sip.codecs[0], sip::Codec::Pcma);
    ASSERT_EQ(s.sip.trusted_count, 2);
    EXPECT_EQ(s.sip.trusted[1].address, Ipv4Address(192, 0, 2, 8));
    EXPECT_EQ(s.rtp_ports.first, 30000);
    EXPECT_EQ(s.rtp_ports.last, 30099);
    EXPECT_EQ(s.peer_mode, media::PeerMode::Latch);
    EXPECT_EQ(s.tone_hz, 1000u);
    EXPECT_TRUE(s.echo);
    EXPECT_EQ(str(s.dial), "2000");
    EXPECT_EQ(s.hangup_after_s, 30u);
    EXPECT_EQ(out.text, "");
}

TEST(PhoneSettings, DefaultsOfAPhoneGivenOnlyItsServer)
{
    TextOutput out;
    auto s = parse_ok("sip.server=192.0.2.1", out);
    EXPECT_EQ(s.sip.server.port, 5060); // RFC 3261 §19.1.2: the default port for sip:
    EXPECT_EQ(str(s.sip.domain), "192.0.2.1"); // §10.2: the registrar's domain
    EXPECT_FALSE(s.sip.auto_answer);
    ASSERT_EQ(s.sip.codec_count, 2);
    EXPECT_EQ(s.sip.codecs[0], sip::Codec::Pcmu);
    EXPECT_EQ(s.sip.codecs[1], sip::Codec::Pcma);
    EXPECT_EQ(s.peer_mode, media::PeerMode::Negotiated); // no latching unless sip.nat asks
    EXPECT_TRUE(s.dial.empty());
    EXPECT_EQ(s.hangup_after_s, 0u);
}

TEST(PhoneSettings, ANameIsLeftForTheResolver)
{
    TextOutput out;
    auto s = parse_ok("sip.server=sip.lab.test", out);
    EXPECT_EQ(str(s.server_name), "sip.lab.test");
    EXPECT_TRUE(s.sip.server.address.is_unspecified());
    EXPECT_EQ(str(s.sip.domain), "sip.lab.test");
}

TEST(PhoneSettings, NoServerOrABadOneTurnsThePhoneOffWithAReason)
{
    for (const char* line : { "net=dhcp phone.tone=440", "sip.server=", "sip.server=192.0.2.1:0",
             "sip.server=192.0.2.1:65536",
             "sip.server=192.0.2.1:50x", "sip.server=:5060" }) {
        TextOutput out;
        PhoneSettings s;
        EXPECT_FALSE(oh::phone::parse_phone_settings(CommandLine(line), s, out)) << line;
        EXPECT_TRUE(out.has("phone off")) << line << ": " << out.text;
    }
}

TEST(PhoneSettings, WithoutAServerThePhoneCallsAndIsCalledDirectly)
{
    TextOutput out;
    auto s = parse_ok("sip.user=1000 sip.trusted=192.0.2.5", out);
    EXPECT_TRUE(s.direct);
    EXPECT_FALSE(s.sip.route_via_server); // dial sip:user@host goes to host
    EXPECT_TRUE(s.sip.server.address.is_unspecified());
    EXPECT_TRUE(s.sip.domain.empty()); // the phone's own address, filled in by the target
    EXPECT_FALSE(s.sip.accept_any_caller); // only sip.trusted may ring it...
    auto any = parse_ok("sip.direct=1 sip.accept=any", out);
    EXPECT_TRUE(any.direct);
    EXPECT_TRUE(any.sip.accept_any_caller); // ... unless asked for explicitly
    // With a server, sip.direct=1 still registers but dials other hosts directly.
    auto both = parse_ok("sip.server=192.0.2.1 sip.direct=1", out);
    EXPECT_FALSE(both.direct);
    EXPECT_FALSE(both.sip.route_via_server);
    EXPECT_TRUE(parse_ok("sip.server=192.0.2.1", out).sip.route_via_server);
}

TEST(PhoneSettings, MalformedOptionalKeysAreReportedAndKeepTheirDefault)
{
    TextOutput out;
    auto s = parse_ok("sip.server=192.0.2.1 sip.codecs=opus,alaw,ulaw sip.trusted=192.0.2.9,bogus "
                      "rtp.ports=5000-4000 sip.expires=soon",
        out);
    ASSERT_EQ(s.sip.codec_count, 2); // opus is not offered; the order stays the user's
    EXPECT_EQ(s.sip.codecs[0], sip::Codec::Pcma);
    EXPECT_EQ(s.sip.codecs[1], sip::Codec::Pcmu);
    EXPECT_TRUE(out.has("opus"));
    ASSERT_EQ(s.sip.trusted_count, 1);
    EXPECT_TRUE(out.has("bogus"));
    EXPECT_TRUE(out.has("rtp.ports=5000-4000"));
    EXPECT_LE(s.rtp_ports.first, s.rtp_ports.last);
    EXPECT_TRUE(out.has("sip.expires=soon"));
    EXPECT_GT(s.sip.expires, 0u);
}

// sip.trusted=address[:port] (issue 14: trust by flow); a port of 0 or past 65535 is refused.
TEST(PhoneSettings, TrustedTakesAnOptionalPort)
{
    TextOutput out;
    auto s = parse_ok("sip.server=192.0.2.1 sip.trusted=192.0.2.9:5090,192.0.2.7,192.0.2.8:0,192.0.2.6:70000", out);
    ASSERT_EQ(s.sip.trusted_count, 2);
    EXPECT_EQ(s.sip.trusted[0].address, Ipv4Address(192, 0, 2, 9));
    EXPECT_EQ(s.sip.trusted[0].port, 5090);
    EXPECT_EQ(s.sip.trusted[1].address, Ipv4Address(192, 0, 2, 7));
    EXPECT_EQ(s.sip.trusted[1].port, 0); // any port of that host
    EXPECT_TRUE(out.has("192.0.2.8:0"));
    EXPECT_TRUE(out.has("192.0.2.6:70000"));
}

// ---- Call control ----

// The media path as the target would run it: records what the core asked for.
struct MediaLog final : oh::phone::PhoneTarget {
    std::vector<std::string> calls;
    media::MediaConfig last {};
    int registrations = 0;
    void media_start(const media::MediaConfig& c) override
    {
        last = c;
        calls.push_back("start");
    }
    void media_stop() override { calls.push_back("stop"); }
    void media_hold(bool held) override { calls.push_back(held ? "hold" : "unhold"); }
    void media_mute(bool muted) override { calls.push_back(muted ? "mute" : "unmute"); }
    void media_dtmf(char d) override { calls.push_back(std::string("dtmf ") + d); }
    void registered() override { registrations++; }
};

// Datagrams the user agent sends, kept for the test to read.
struct Wire final : sip::SipTransport {
    std::vector<std::string> sent;
    void send(const Endpoint&, std::span<const uint8_t> d) override
    {
        sent.emplace_back(reinterpret_cast<const char*>(d.data()), d.size());
    }
};

struct Calls : ::testing::Test {
    TextOutput out;
    MediaLog media;
    Wire wire;
    FakeClock clock;
    Xoshiro128 rng { 7 };
    PhoneSettings settings;
    std::unique_ptr<PhoneCalls> calls;
    std::unique_ptr<sip::SipUserAgent> ua;

    void make(const char* line)
    {
        clock.set(1000 * kNsPerSec);
        settings = parse_ok(line, out);
        calls = std::make_unique<PhoneCalls>(settings, clock, out, media);
    }
    void start_ua()
    {
        sip::SipConfig c = settings.sip;
        c.local = { Ipv4Address(192, 0, 2, 10), 5060 };
        ua = std::make_unique<sip::SipUserAgent>(c, wire, clock, rng, *calls);
        calls->attach(ua.get());
    }
    bool run(std::vector<const char*> argv) { return calls->command(int(argv.size()), argv.data()); }
    std::string take()
    {
        std::string t = out.text;
        out.text.clear();
        return t;
    }
};

TEST_F(Calls, CommandsBeforeTheUserAgentExistSaySo)
{
    make("sip.server=192.0.2.1 sip.user=1000");
    EXPECT_TRUE(run({ "dial", "2000" }));
    EXPECT_NE(take().find("not started"), std::string::npos);
    EXPECT_FALSE(run({ "reboot" })); // not a phone command: the target's shell says so
}

TEST_F(Calls, DialSendsAnInviteForTheNumberAtTheDomain)
{
    make("sip.server=192.0.2.1 sip.user=1000 sip.domain=pbx.example");
    start_ua();
    EXPECT_TRUE(run({ "dial", "2000" }));
    ASSERT_FALSE(wire.sent.empty());
    // RFC 3261 §8.1.1.1: a number dialed becomes the Request-URI's user part at the domain.
    EXPECT_EQ(wire.sent.back().rfind("INVITE sip:2000@pbx.example SIP/2.0\r\n", 0), 0u) << wire.sent.back();
    take();
    run({ "status" });
    std::string st = take();
    EXPECT_NE(st.find("call calling with 2000"), std::string::npos) << st;
    EXPECT_TRUE(run({ "dial" }));
    EXPECT_NE(take().find("usage"), std::string::npos);
}

TEST_F(Calls, SipDialCallsOnceRegistered)
{
    make("sip.server=192.0.2.1 sip.user=1000 sip.dial=3000");
    start_ua();
    calls->poll();
    EXPECT_TRUE(wire.sent.empty()); // not registered yet
    calls->on_registration(sip::RegState::Registered, 200, "OK");
    calls->poll();
    calls->poll();
    size_t invites = 0;
    for (auto& d : wire.sent)
        invites += d.rfind("INVITE sip:3000@", 0) == 0;
    EXPECT_EQ(invites, 1u);
    EXPECT_EQ(media.registrations, 1);
    // A refresh, a failure and a new registration later: still one first registration.
    calls->on_registration(sip::RegState::Failed, 503, "Service Unavailable");
    calls->on_registration(sip::RegState::Registered, 200, "OK");
    EXPECT_EQ(media.registrations, 1);
    EXPECT_EQ(calls->reg_state(), sip::RegState::Registered);
}

TEST_F(Calls, AnIncomingCallItsMediaAndItsEnd)
{
    make("sip.server=192.0.2.1 sip.user=1000 sip.hangup=5 sip.nat=yes");
    start_ua();
    calls->set_cname("1000@192.0.2.10");
    calls->on_incoming_call(0, "Bob", "sip:2000@192.0.2.1");
    EXPECT_NE(take().find("incoming call from Bob <sip:2000@192.0.2.1>"), std::string::npos);
    EXPECT_EQ(calls->call(), 0);
    clock.advance(1500 * kNsPerMs);
    calls->on_call_answered(0);
    EXPECT_NE(take().find("set-up 1500 ms"), std::string::npos);
    // sip.hangup=5: the core's next deadline is 5 s after the answer.
    EXPECT_EQ(calls->next_deadline(), clock.now_ns() + 5 * kNsPerSec);

    sip::MediaSession m {};
    m.codec = sip::Codec::Pcma;
    m.pt = 8;
    m.te_pt = 101;
    m.remote = { Ipv4Address(192, 0, 2, 1), 12000 };
    m.remote_rtcp = { Ipv4Address(192, 0, 2, 1), 12001 };
    m.direction = sip::Direction::SendRecv;
    calls->on_media(0, m);
    ASSERT_EQ(media.calls, (std::vector<std::string> { "start", "unhold" }));
    EXPECT_EQ(media.last.law, media::G711Law::Alaw);
    EXPECT_EQ(media.last.payload_type, 8);
    EXPECT_EQ(media.last.telephone_event_pt, 101);
    EXPECT_EQ(media.last.remote_rtp, m.remote);
    EXPECT_EQ(media.last.peer_mode, media::PeerMode::Latch);
    EXPECT_EQ(str(media.last.cname), "1000@192.0.2.10");
    EXPECT_TRUE(calls->take_media_used());
    EXPECT_FALSE(calls->take_media_used());

    // RFC 3264 §8.4: the peer holds the call with a=inactive.
    m.direction = sip::Direction::Inactive;
    calls->on_media(0, m);
    EXPECT_EQ(media.calls.back(), "hold");
    EXPECT_NE(take().find("(on hold)"), std::string::npos);

    EXPECT_TRUE(run({ "dtmf", "12#" }));
    EXPECT_TRUE(run({ "mute" }));
    EXPECT_EQ(std::vector<std::string>(media.calls.end() - 4, media.calls.end()),
        (std::vector<std::string> { "dtmf 1", "dtmf 2", "dtmf #", "mute" }));
    take();
    run({ "status" });
    EXPECT_NE(take().find(", muted"), std::string::npos);

    calls->on_call_ended(0, sip::EndReason::RemoteHangup, 0);
    EXPECT_EQ(media.calls.back(), "stop");
    EXPECT_NE(take().find("call ended (remote hangup, 0)"), std::string::npos);
    EXPECT_EQ(calls->call(), sip::kNoCall);
    EXPECT_EQ(calls->next_deadline(), ~Nanoseconds(0)); // no hang-up timer after the end
    run({ "status" });
    EXPECT_NE(take().find("no call"), std::string::npos);
    run({ "hangup" });
    EXPECT_NE(take().find("hangup: no call"), std::string::npos);
}

TEST_F(Calls, EchoAppliesFromTheNextCall)
{
    make("sip.server=192.0.2.1 sip.user=1000");
    start_ua();
    EXPECT_TRUE(run({ "echo", "on" }));
    sip::MediaSession m {};
    m.remote = { Ipv4Address(192, 0, 2, 1), 12000 };
    m.direction = sip::Direction::SendRecv;
    calls->on_media(0, m);
    EXPECT_EQ(media.last.echo, media::EchoMode::Loopback);
    EXPECT_TRUE(run({ "echo", "off" }));
    calls->on_media(0, m);
    EXPECT_EQ(media.last.echo, media::EchoMode::Off);
}

} // namespace
