// MediaSession end to end: two sessions over a simulated network, checking the packets on
// the wire, symmetric RTP, RTCP reports and BYE, DTMF both ways, echo mode and stats.
#include "sip/media/media_session.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <string>
#include <vector>

#include "lib/bytes.h"
#include "sip/media/rtcp.h"

namespace {

namespace m = oh::media;
using oh::Endpoint;
using oh::Ipv4Address;
using oh::Nanoseconds;
using oh::kNsPerMs;

struct Sent {
    std::vector<uint8_t> bytes;
    Endpoint to;
    bool rtcp;
};

class CaptureTransport final : public m::MediaTransport {
public:
    void send_rtp(std::span<const uint8_t> p, Endpoint to) override { sent.push_back({ { p.begin(), p.end() }, to, false }); }
    void send_rtcp(std::span<const uint8_t> p, Endpoint to) override { sent.push_back({ { p.begin(), p.end() }, to, true }); }
    std::vector<Sent> sent;
};

const Endpoint kAddrA { Ipv4Address(192, 0, 2, 10), 4000 };
const Endpoint kAddrB { Ipv4Address(192, 0, 2, 20), 5000 };
const Endpoint kRtcpA { Ipv4Address(192, 0, 2, 10), 4001 };
const Endpoint kRtcpB { Ipv4Address(192, 0, 2, 20), 5001 };

m::MediaConfig config_to(Endpoint rtp, Endpoint rtcp, int16_t te_pt = 96)
{
    m::MediaConfig c;
    c.law = m::G711Law::Ulaw;
    c.payload_type = 0;
    c.telephone_event_pt = te_pt;
    c.remote_rtp = rtp;
    c.remote_rtcp = rtcp;
    c.cname = "test@offhook";
    return c;
}

// Two phones, a one-way delay, optional loss on B->A, a tone into A's microphone.
struct Call {
    oh::Xoshiro128 rng_a { 1 }, rng_b { 2 }, net { 3 };
    CaptureTransport ta, tb;
    m::MediaSession a { ta, rng_a }, b { tb, rng_b };
    Nanoseconds now { 1000 * kNsPerMs };
    Nanoseconds delay { 40 * kNsPerMs };
    double loss_b_to_a { 0 };
    struct InFlight {
        Nanoseconds at;
        Sent s;
        bool to_a;
    };
    std::deque<InFlight> wire;
    m::Oscillator mic_a;
    std::vector<int16_t> heard_a, heard_b;

    Call(int16_t te_pt = 96, m::EchoMode echo_b = m::EchoMode::Off)
    {
        auto ca = config_to(kAddrB, kRtcpB, te_pt);
        auto cb = config_to(kAddrA, kRtcpA, te_pt);
        cb.echo = echo_b;
        EXPECT_TRUE(a.start(ca, now).has_value());
        EXPECT_TRUE(b.start(cb, now).has_value());
        mic_a.set(1000, 8000);
    }

    void collect(CaptureTransport& t, bool to_a)
    {
        for (auto& s : t.sent) {
            if (to_a && loss_b_to_a > 0 && (net.next_u32() >> 8) < uint32_t(loss_b_to_a * (1 << 24)))
                continue;
            wire.push_back({ now + delay, s, to_a });
        }
        t.sent.clear();
    }

    void deliver()
    {
        while (!wire.empty() && wire.front().at <= now) {
            auto f = wire.front();
            wire.pop_front();
            m::MediaSession& dst = f.to_a ? a : b;
            Endpoint from = f.to_a ? (f.s.rtcp ? kRtcpB : kAddrB) : (f.s.rtcp ? kRtcpA : kAddrA);
            if (f.s.rtcp)
                dst.on_rtcp_packet(f.s.bytes, from, now);
            else
                dst.on_rtp_packet(f.s.bytes, from, now);
        }
    }

    void run_ms(int ms)
    {
        for (int t = 0; t < ms; t += 20) {
            int16_t cap_a[160], cap_b[160] {}, play_a[160], play_b[160];
            for (auto& s : cap_a)
                s = mic_a.next();
            deliver();
            a.on_frame(std::span<const int16_t, 160>(cap_a, 160), std::span<int16_t, 160>(play_a, 160), now);
            b.on_frame(std::span<const int16_t, 160>(cap_b, 160), std::span<int16_t, 160>(play_b, 160), now + 3 * kNsPerMs);
            a.poll_rtcp(now);
            b.poll_rtcp(now);
            heard_a.insert(heard_a.end(), play_a, play_a + 160);
            heard_b.insert(heard_b.end(), play_b, play_b + 160);
            collect(ta, false);
            collect(tb, true);
            now += 20 * kNsPerMs;
        }
    }
};

double tone_level(const std::vector<int16_t>& x, size_t from, double f)
{
    double re = 0, im = 0;
    size_t n = x.size() - from;
    for (size_t i = from; i < x.size(); ++i) {
        re += x[i] * std::cos(2 * M_PI * f * double(i) / 8000);
        im += x[i] * std::sin(2 * M_PI * f * double(i) / 8000);
    }
    return 2 * std::sqrt(re * re + im * im) / double(n);
}

TEST(MediaSession, PacketsOnTheWire)
{
    oh::Xoshiro128 rng(42);
    CaptureTransport t;
    m::MediaSession s(t, rng);
    auto c = config_to(kAddrB, kRtcpB);
    c.law = m::G711Law::Alaw;
    c.payload_type = 8;
    ASSERT_TRUE(s.start(c, 0).has_value());
    int16_t cap[160], play[160];
    for (int i = 0; i < 160; ++i)
        cap[i] = int16_t(i * 100);
    for (int i = 0; i < 3; ++i)
        s.on_frame(std::span<const int16_t, 160>(cap, 160), std::span<int16_t, 160>(play, 160), Nanoseconds(i) * 20 * kNsPerMs);
    ASSERT_EQ(t.sent.size(), 3u);
    auto p0 = m::parse_rtp(t.sent[0].bytes).value();
    auto p1 = m::parse_rtp(t.sent[1].bytes).value();
    EXPECT_EQ(t.sent[0].to, kAddrB);
    EXPECT_TRUE(p0.marker);
    EXPECT_FALSE(p1.marker);
    EXPECT_EQ(p0.payload_type, 8);
    EXPECT_EQ(p0.ssrc, s.ssrc());
    EXPECT_EQ(uint16_t(p1.sequence - p0.sequence), 1);
    EXPECT_EQ(p1.timestamp - p0.timestamp, 160u);
    ASSERT_EQ(p0.payload.size(), 160u);
    for (int i = 0; i < 160; ++i)
        EXPECT_EQ(p0.payload[size_t(i)], m::linear_to_alaw(cap[i]));
    // Random SSRC/sequence/timestamp: a second session starts elsewhere.
    oh::Xoshiro128 rng2(43);
    CaptureTransport t2;
    m::MediaSession s2(t2, rng2);
    ASSERT_TRUE(s2.start(c, 0).has_value());
    s2.on_frame(std::span<const int16_t, 160>(cap, 160), std::span<int16_t, 160>(play, 160), 0);
    auto q0 = m::parse_rtp(t2.sent[0].bytes).value();
    EXPECT_NE(q0.ssrc, p0.ssrc);
    EXPECT_NE(q0.sequence, p0.sequence);
    EXPECT_NE(q0.timestamp, p0.timestamp);
}

TEST(MediaSession, RejectsBadConfig)
{
    oh::Xoshiro128 rng(1);
    CaptureTransport t;
    m::MediaSession s(t, rng);
    auto c = config_to(kAddrB, kRtcpB, 0); // event PT equal to the codec PT
    EXPECT_EQ(s.start(c, 0).error(), oh::Error::InvalidArgument);
}

TEST(MediaSession, AudioFlowsBothWaysWithModestDelay)
{
    Call call;
    call.run_ms(3000);
    // B hears A's 1 kHz tone at nearly full level (µ-law and nothing lost).
    EXPECT_NEAR(tone_level(call.heard_b, 8000, 1000), 8000, 300);
    const auto& sb = call.b.stats();
    EXPECT_GE(sb.packets_received, 145u);
    EXPECT_EQ(sb.lost, 0);
    EXPECT_EQ(sb.playout.late, 0u);
    EXPECT_LE(sb.playout.depth_ms, 60);
    EXPECT_EQ(sb.dropped_bad_header + sb.dropped_wrong_source + sb.dropped_wrong_payload, 0u);
    EXPECT_EQ(call.a.stats().packets_sent, 150u);
    // Mouth-to-ear: find the first loud sample at B versus A's start (40 ms network).
    size_t first = 0;
    while (first < call.heard_b.size() && std::abs(call.heard_b[first]) < 1000)
        ++first;
    EXPECT_LE(first, size_t(8 * 110)); // 40 ms network + up to 40 ms start-up buffer + ticks
}

struct RtpSender {
    uint32_t ssrc;
    uint16_t seq;
    uint8_t payload_type { 0 };
    uint8_t pkt[200] {};
    std::span<const uint8_t> next()
    {
        uint8_t payload[160] {};
        m::RtpHeaderFields f;
        f.ssrc = ssrc;
        f.sequence = seq++;
        f.timestamp = uint32_t(f.sequence) * 160;
        f.payload_type = payload_type;
        return { pkt, m::build_rtp(f, payload, pkt).value() };
    }
};

Endpoint sent_to(m::MediaSession& s, CaptureTransport& t, Nanoseconds now)
{
    int16_t cap[160] {}, play[160];
    t.sent.clear();
    s.on_frame(std::span<const int16_t, 160>(cap, 160), std::span<int16_t, 160>(play, 160), now);
    return t.sent.empty() ? Endpoint {} : t.sent.back().to;
}

// RFC 3550 §8.2: only the SDP-negotiated source is heard. A stranger that speaks first, in
// perfect sequence, takes nothing over: neither what we play nor where our media goes.
TEST(MediaSession, NegotiatedPeerOnlyEvenWhenAStrangerSpeaksFirst)
{
    oh::Xoshiro128 rng(5);
    CaptureTransport t;
    m::MediaSession s(t, rng);
    ASSERT_TRUE(s.start(config_to(kAddrB, kRtcpB), 0).has_value());
    EXPECT_EQ(s.admit_filter(0), (m::AdmitFilter { kAddrB, kRtcpB }));
    const Endpoint stranger { Ipv4Address(203, 0, 113, 9), 4000 };
    const Endpoint same_host_other_port { kAddrB.address, 5002 };
    RtpSender attacker { 0xbad, 100 }, peer { 77, 1 };
    for (int i = 0; i < 10; i++)
        s.on_rtp_packet(attacker.next(), stranger, i * 20 * kNsPerMs);
    s.on_rtp_packet(attacker.next(), same_host_other_port, 200 * kNsPerMs);
    EXPECT_EQ(s.stats().dropped_wrong_source, 11u);
    EXPECT_EQ(s.stats().packets_received, 0u);
    EXPECT_EQ(sent_to(s, t, 220 * kNsPerMs), kAddrB);
    s.on_rtp_packet(peer.next(), kAddrB, 240 * kNsPerMs);
    s.on_rtp_packet(attacker.next(), stranger, 250 * kNsPerMs);
    s.on_rtp_packet(peer.next(), kAddrB, 260 * kNsPerMs);
    EXPECT_EQ(s.stats().packets_received, 2u);
    EXPECT_EQ(s.stats().dropped_wrong_source, 12u);
    EXPECT_EQ(sent_to(s, t, 280 * kNsPerMs), kAddrB);
    // Bad header and unknown payload type are dropped and counted too.
    RtpSender g729 { 77, 3, 18 };
    s.on_rtp_packet(g729.next(), kAddrB, 300 * kNsPerMs);
    EXPECT_EQ(s.stats().dropped_wrong_payload, 1u);
    uint8_t v1[12] = { 0x40 };
    s.on_rtp_packet(v1, kAddrB, 300 * kNsPerMs);
    EXPECT_EQ(s.stats().dropped_bad_header, 1u);
}

// RTCP from the negotiated RTCP endpoint only (RFC 3605 a=rtcp, or RTP port + 1).
TEST(MediaSession, RtcpOnlyFromTheNegotiatedRtcpEndpoint)
{
    oh::Xoshiro128 rng(6);
    CaptureTransport t;
    m::MediaSession s(t, rng);
    ASSERT_TRUE(s.start(config_to(kAddrB, kRtcpB), 0).has_value());
    m::RtcpReport r;
    r.ssrc = 77;
    r.cname = "peer";
    uint8_t buf[160];
    auto n = m::build_rtcp(r, buf).value();
    s.on_rtcp_packet({ buf, n }, Endpoint { Ipv4Address(203, 0, 113, 9), kRtcpB.port }, 0);
    s.on_rtcp_packet({ buf, n }, kAddrB, 0); // the RTP port is not the RTCP port
    EXPECT_EQ(s.stats().rtcp_wrong_source, 2u);
    EXPECT_EQ(s.stats().rtcp_received, 0u);
    s.on_rtcp_packet({ buf, n }, kRtcpB, 0);
    EXPECT_EQ(s.stats().rtcp_received, 1u);
}

m::MediaConfig latch_config()
{
    auto c = config_to(kAddrB, kRtcpB);
    c.peer_mode = m::PeerMode::Latch;
    return c;
}

// NAT handling (Asterisk's rtp_symmetric / comedia): a source is believed after RFC 3550
// §A.1's MIN_SEQUENTIAL = 2 packets in sequence; until then nothing is played and our media
// still goes where the SDP said. A live source is never left for another one.
TEST(MediaSession, LatchingNeedsProbationAndKeepsALiveSource)
{
    oh::Xoshiro128 rng(7);
    CaptureTransport t;
    m::MediaSession s(t, rng);
    ASSERT_TRUE(s.start(latch_config(), 0).has_value());
    EXPECT_EQ(s.admit_filter(0), m::AdmitFilter {});
    const Endpoint nat { Ipv4Address(198, 51, 100, 7), 61000 };
    const Endpoint stranger { Ipv4Address(203, 0, 113, 9), 4000 };
    RtpSender peer { 77, 1 }, attacker { 0xbad, 500 };
    Nanoseconds now = 0;
    s.on_rtp_packet(peer.next(), nat, now);
    EXPECT_EQ(s.stats().held_in_probation, 1u);
    EXPECT_EQ(s.stats().packets_received, 0u);
    EXPECT_EQ(sent_to(s, t, now), kAddrB);
    now += 20 * kNsPerMs;
    s.on_rtp_packet(peer.next(), nat, now);
    EXPECT_EQ(s.stats().packets_received, 1u);
    EXPECT_EQ(s.stats().source_latches, 1u);
    EXPECT_EQ(sent_to(s, t, now), nat);
    EXPECT_EQ(s.admit_filter(now).rtp, nat);
    // The attacker's perfect sequence gets nowhere while the peer keeps talking.
    for (int i = 0; i < 50; i++) {
        now += 20 * kNsPerMs;
        s.on_rtp_packet(attacker.next(), stranger, now);
        s.on_rtp_packet(attacker.next(), stranger, now);
        s.on_rtp_packet(peer.next(), nat, now);
    }
    EXPECT_EQ(s.stats().dropped_wrong_source, 100u);
    EXPECT_EQ(s.stats().packets_received, 51u);
    EXPECT_EQ(sent_to(s, t, now), nat);
    // SSRC continuity: a new SSRC on the same flow is probation again.
    RtpSender restarted { 78, 9000 };
    s.on_rtp_packet(restarted.next(), nat, now);
    EXPECT_EQ(s.stats().packets_received, 51u);
    s.on_rtp_packet(restarted.next(), nat, now);
    EXPECT_EQ(s.stats().packets_received, 52u);
    // Silent for RtpSourceGate::kSourceTimeout (2 s): the flow is gone (a NAT rebinding), and
    // a new one may latch after its own probation.
    now += 2 * oh::kNsPerSec;
    EXPECT_EQ(s.admit_filter(now), m::AdmitFilter {});
    const Endpoint rebound { nat.address, 61002 };
    s.on_rtp_packet(restarted.next(), rebound, now);
    EXPECT_EQ(sent_to(s, t, now), nat);
    s.on_rtp_packet(restarted.next(), rebound, now + 20 * kNsPerMs);
    EXPECT_EQ(sent_to(s, t, now), rebound);
    EXPECT_EQ(s.stats().source_latches, 3u);
}

// A spray from many flows cannot keep a peer that sends from its SDP address out: that
// address has its own probation slot.
TEST(MediaSession, SprayFromManyFlowsDoesNotStarveTheSdpAddress)
{
    oh::Xoshiro128 rng(8);
    CaptureTransport t;
    m::MediaSession s(t, rng);
    ASSERT_TRUE(s.start(latch_config(), 0).has_value());
    RtpSender peer { 77, 1 }, attacker { 0xbad, 500 };
    Nanoseconds now = 0;
    for (int i = 0; i < 3; i++) {
        for (uint16_t k = 0; k < 8; k++) // eight fresh flows each frame, one packet each
            s.on_rtp_packet(attacker.next(), Endpoint { Ipv4Address(203, 0, 113, uint8_t(k)), uint16_t(9000 + i) }, now);
        s.on_rtp_packet(peer.next(), kAddrB, now);
        now += 20 * kNsPerMs;
    }
    EXPECT_EQ(s.stats().source_latches, 1u);
    EXPECT_EQ(s.rtp_destination(), kAddrB);
    EXPECT_EQ(s.stats().packets_received, 2u);
}

// In latch mode RTCP must come from the latched source's address and speak for its SSRC;
// its port (unpredictable behind a NAT) is then fixed.
TEST(MediaSession, LatchedRtcpFollowsTheLatchedSource)
{
    oh::Xoshiro128 rng(9);
    CaptureTransport t;
    m::MediaSession s(t, rng);
    ASSERT_TRUE(s.start(latch_config(), 0).has_value());
    const Endpoint nat { Ipv4Address(198, 51, 100, 7), 61000 };
    const Endpoint nat_rtcp { nat.address, 61007 };
    m::RtcpReport r;
    r.ssrc = 77;
    r.cname = "peer";
    uint8_t buf[160];
    auto n = m::build_rtcp(r, buf).value();
    s.on_rtcp_packet({ buf, n }, nat_rtcp, 0); // nothing latched yet
    EXPECT_EQ(s.stats().rtcp_wrong_source, 1u);
    RtpSender peer { 77, 1 };
    s.on_rtp_packet(peer.next(), nat, 0);
    s.on_rtp_packet(peer.next(), nat, 20 * kNsPerMs);
    r.ssrc = 0xbad; // another SSRC from the right address
    auto bad = m::build_rtcp(r, buf).value();
    s.on_rtcp_packet({ buf, bad }, nat_rtcp, 0);
    EXPECT_EQ(s.stats().rtcp_wrong_source, 2u);
    r.ssrc = 77;
    n = m::build_rtcp(r, buf).value();
    s.on_rtcp_packet({ buf, n }, nat_rtcp, 0);
    EXPECT_EQ(s.stats().rtcp_received, 1u);
    EXPECT_EQ(s.rtcp_destination(), nat_rtcp);
    s.on_rtcp_packet({ buf, n }, Endpoint { nat.address, 61009 }, 0);
    EXPECT_EQ(s.stats().rtcp_wrong_source, 3u);
}

TEST(MediaSession, RtcpReportsLossJitterAndRtt)
{
    Call call;
    call.loss_b_to_a = 0.10;
    call.run_ms(30000);
    const auto& sa = call.a.stats();
    const auto& sb = call.b.stats();
    printf("  [rtcp] A sent %u reports, lost %d, B sees fraction %u/256, rtt A %u ms B %u ms\n", sa.rtcp_sent,
        sa.lost, sb.remote_fraction_lost, sa.rtt_ms, sb.rtt_ms);
    // Every ~5 s: 30 s gives about 6 reports each (first after 1.25-3.75 s).
    EXPECT_GE(sa.rtcp_sent, 4u);
    EXPECT_LE(sa.rtcp_sent, 12u);
    EXPECT_GE(sb.rtcp_received, 3u);
    // A lost about 10 % of B's packets and tells B so; B lost nothing.
    EXPECT_NEAR(double(sa.lost), 150.0, 40.0);
    EXPECT_GT(sb.remote_fraction_lost, 10u);  // 8-bit fraction: 10 % is about 26
    EXPECT_LT(sb.remote_fraction_lost, 45u);
    EXPECT_EQ(sa.remote_fraction_lost, 0u);
    // Round trip over 40 ms each way (the report timing adds nothing: DLSR removes it).
    EXPECT_NEAR(double(sa.rtt_ms), 80.0, 2.0);
    EXPECT_NEAR(double(sb.rtt_ms), 80.0, 2.0);
    EXPECT_EQ(sa.jitter_ms, 0u); // the simulated path has no jitter
}

TEST(MediaSession, ByeAtHangUp)
{
    Call call;
    call.run_ms(500);
    call.a.stop(call.now);
    ASSERT_FALSE(call.ta.sent.empty());
    const auto& last = call.ta.sent.back();
    EXPECT_TRUE(last.rtcp);
    EXPECT_EQ(last.to, kRtcpB);
    auto s = m::parse_rtcp(last.bytes, 0).value();
    EXPECT_TRUE(s.bye);
    EXPECT_EQ(s.bye_ssrc, call.a.ssrc());
    call.collect(call.ta, false);
    call.run_ms(100);
    EXPECT_TRUE(call.b.stats().remote_bye);
    EXPECT_FALSE(call.a.running());
}

TEST(MediaSession, Rfc4733DtmfWithNegotiatedPayloadType)
{
    Call call(/*te_pt=*/97);
    call.run_ms(200);
    ASSERT_TRUE(call.a.send_dtmf('7', 100).has_value());
    call.run_ms(20);
    // On the wire: PT 97, marker, event 7.
    bool seen = false;
    for (auto& f : call.wire) {
        if (f.s.rtcp || f.to_a)
            continue;
        auto p = m::parse_rtp(f.s.bytes).value();
        if (p.payload_type == 97) {
            seen = true;
            EXPECT_TRUE(p.marker);
            EXPECT_EQ(p.payload[0], 7);
        }
    }
    EXPECT_TRUE(seen);
    call.run_ms(300);
    ASSERT_TRUE(call.a.send_dtmf('#', 100).has_value());
    call.run_ms(400);
    EXPECT_EQ(call.b.poll_dtmf().value_or(0), '7');
    EXPECT_EQ(call.b.poll_dtmf().value_or(0), '#');
    EXPECT_FALSE(call.b.poll_dtmf().has_value());
    EXPECT_EQ(call.b.stats().dtmf_received, 2u);
}

TEST(MediaSession, InBandDtmfWhenNoTelephoneEvent)
{
    Call call(/*te_pt=*/-1);
    call.mic_a.set(1000, 0); // quiet microphone
    call.run_ms(200);
    for (char k : std::string("19*")) {
        ASSERT_TRUE(call.a.send_dtmf(k, 100).has_value());
        call.run_ms(240);
    }
    call.run_ms(200);
    std::string got;
    while (auto k = call.b.poll_dtmf())
        got += *k;
    EXPECT_EQ(got, "19*");
}

TEST(MediaSession, EchoModeReturnsWhatItHears)
{
    Call call(96, m::EchoMode::Loopback);
    call.run_ms(3000);
    // A hears its own 1 kHz tone back after the round trip.
    EXPECT_NEAR(tone_level(call.heard_a, 16000, 1000), 8000, 500);
}

TEST(MediaSession, LocalToneReplacesPlayback)
{
    Call call;
    call.b.play_tone(m::call_tone(m::ToneRegion::Europe, m::CallTone::Dial));
    call.run_ms(1000);
    EXPECT_NEAR(tone_level(call.heard_b, 4000, 425), m::kLevelMinus10dBm0, 100);
    EXPECT_LT(tone_level(call.heard_b, 4000, 1000), 100);
}

TEST(MediaSession, FitsInAMicrocontroller)
{
    printf("  [size] JitterBuffer %zu B, Plc %zu B, MediaSession %zu B\n", sizeof(m::JitterBuffer), sizeof(m::Plc),
        sizeof(m::MediaSession));
    EXPECT_LE(sizeof(m::MediaSession), 5500u);
}

} // namespace

namespace {

TEST(MediaSession, RestartClearsTheLastCallsStatistics)
{
    Call call;
    call.run_ms(1000);
    ASSERT_GT(call.b.stats().playout.frames_played, 0u);
    call.b.stop(call.now);
    ASSERT_TRUE(call.b.start(config_to(kAddrA, kRtcpA), call.now).has_value());
    call.run_ms(20); // one frame: still in the new call's start-up delay
    EXPECT_EQ(call.b.stats().playout.frames_played, 0u);
    EXPECT_EQ(call.b.stats().frames, 1u);
    EXPECT_LE(call.b.stats().packets_received, 2u);
}

} // namespace
