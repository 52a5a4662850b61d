// RTP/RTCP header parse and build, receive statistics (RFC 3550 §5.1, §6, A.1, A.3, A.8).
#include "sip/media/rtcp.h"
#include "sip/media/rtp.h"
#include "lib/bytes.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

namespace m = oh::media;
using oh::Error;

TEST(Rtp, ParsesMinimalHeader)
{
    const uint8_t pkt[] = { 0x80, 0x80 | 0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 0xaa, 0xbb };
    auto r = m::parse_rtp(pkt);
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->marker);
    EXPECT_EQ(r->payload_type, 0);
    EXPECT_EQ(r->sequence, 0x1234);
    EXPECT_EQ(r->timestamp, 0xdeadbeefu);
    EXPECT_EQ(r->ssrc, 0x01020304u);
    ASSERT_EQ(r->payload.size(), 2u);
    EXPECT_EQ(r->payload[0], 0xaa);
}

TEST(Rtp, CsrcExtensionPaddingRoundTrip)
{
    const uint32_t csrc[] = { 0x11111111, 0x22222222 };
    const uint8_t ext[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    const uint8_t payload[] = { 9, 8, 7 };
    m::RtpHeaderFields f;
    f.marker = false;
    f.payload_type = 8;
    f.sequence = 65535;
    f.timestamp = 160;
    f.ssrc = 0xcafebabe;
    f.csrc = csrc;
    f.has_extension = true;
    f.extension_profile = 0xbede;
    f.extension = ext;
    f.padding = 5;
    uint8_t buf[64];
    auto n = m::build_rtp(f, payload, buf);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n, 12u + 8 + 4 + 8 + 3 + 5);
    EXPECT_EQ(buf[0], 0x80 | 0x20 | 0x10 | 2);
    EXPECT_EQ(buf[*n - 1], 5);
    auto r = m::parse_rtp({ buf, *n });
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->csrc_count, 2);
    EXPECT_EQ(r->csrc_at(1), 0x22222222u);
    EXPECT_EQ(r->csrc_at(2), 0u);
    EXPECT_EQ(r->extension_profile, 0xbede);
    ASSERT_EQ(r->extension.size(), 8u);
    EXPECT_EQ(r->extension[7], 8);
    EXPECT_EQ(r->padding, 5);
    ASSERT_EQ(r->payload.size(), 3u);
    EXPECT_EQ(r->payload[2], 7);
    EXPECT_EQ(r->sequence, 65535);
}

TEST(Rtp, RejectsBadHeaders)
{
    uint8_t pkt[] = { 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x55 };
    EXPECT_EQ(m::parse_rtp({ pkt, 5 }).error(), Error::NeedMore);
    pkt[0] = 0x40; // version 1
    EXPECT_EQ(m::parse_rtp(pkt).error(), Error::Malformed);
    pkt[0] = 0x82; // two CSRCs announced, none present
    EXPECT_EQ(m::parse_rtp(pkt).error(), Error::NeedMore);
    pkt[0] = 0x90; // extension announced, truncated
    EXPECT_EQ(m::parse_rtp(pkt).error(), Error::NeedMore);
    pkt[0] = 0xa0; // padding count 0x55 > 1 byte of payload
    EXPECT_EQ(m::parse_rtp(pkt).error(), Error::Malformed);
    pkt[12] = 0;   // padding count zero
    EXPECT_EQ(m::parse_rtp(pkt).error(), Error::Malformed);
    pkt[12] = 1;   // the padding byte alone: empty payload, valid
    auto ok = m::parse_rtp(pkt);
    ASSERT_TRUE(ok.has_value());
    EXPECT_TRUE(ok->payload.empty());
    pkt[0] = 0x80;
    pkt[1] = 0x80 | 72; // RTCP SR seen on an RTP port
    EXPECT_EQ(m::parse_rtp(pkt).error(), Error::Malformed);
}

TEST(Rtp, BuildRejectsSmallBufferAndBadArgs)
{
    uint8_t payload[160] {};
    uint8_t out[100];
    m::RtpHeaderFields f;
    EXPECT_EQ(m::build_rtp(f, payload, out).error(), Error::NoSpace);
    f.payload_type = 200;
    EXPECT_EQ(m::build_rtp(f, {}, out).error(), Error::InvalidArgument);
}

TEST(RtpStats, InOrderNoLossAndWrap)
{
    m::RtpReceiveStats s;
    uint16_t seq = 65530;
    s.reset(0x1234, seq);
    uint32_t ts = 1000;
    for (int i = 0; i < 20; ++i, ++seq, ts += 160)
        s.update(seq, ts, ts + 5000); // constant transit: zero jitter
    EXPECT_EQ(s.cumulative_lost(), 0);
    EXPECT_EQ(s.jitter(), 0u);
    EXPECT_EQ(s.extended_max_seq(), 0x10000u + uint16_t(seq - 1));
    EXPECT_EQ(s.take_fraction_lost(), 0);
}

TEST(RtpStats, LossFractionAndCumulative)
{
    m::RtpReceiveStats s;
    s.reset(1, 100);
    uint32_t ts = 0;
    int sent = 0;
    for (uint16_t seq = 100; seq < 300; ++seq, ts += 160) {
        if (seq > 110 && seq % 4 == 0)
            continue; // drop one in four
        s.update(seq, ts, ts);
        ++sent;
    }
    // Probation consumed the first packet (A.1), so 199 are expected from seq 101.
    EXPECT_EQ(s.expected(), 199u);
    EXPECT_EQ(s.cumulative_lost(), int32_t(199 - (sent - 1)));
    uint8_t f = s.take_fraction_lost();
    EXPECT_NEAR(f, 256 * 47 / 199, 1);
    EXPECT_EQ(s.take_fraction_lost(), 0); // nothing new since
}

TEST(RtpStats, JitterFollowsA8)
{
    m::RtpReceiveStats s;
    s.reset(1, 0);
    // Transit alternates by 80 ticks (10 ms): J converges towards 80.
    uint32_t ts = 0;
    for (uint16_t seq = 0; seq < 500; ++seq, ts += 160)
        s.update(seq, ts, ts + ((seq & 1) ? 80 : 0));
    EXPECT_NEAR(double(s.jitter()), 80.0, 2.0);
}

TEST(RtpStats, DuplicateAndBigJump)
{
    m::RtpReceiveStats s;
    s.reset(1, 10);
    EXPECT_EQ(s.update(10, 0, 0), m::RtpReceiveStats::Verdict::Probation);
    EXPECT_EQ(s.update(11, 160, 160), m::RtpReceiveStats::Verdict::Accept);
    EXPECT_EQ(s.update(11, 160, 160), m::RtpReceiveStats::Verdict::Duplicate);
    EXPECT_EQ(s.update(30000, 0, 0), m::RtpReceiveStats::Verdict::BadSequence);
    EXPECT_EQ(s.update(30001, 160, 160), m::RtpReceiveStats::Verdict::Accept); // restart
    EXPECT_EQ(s.extended_max_seq(), 30001u);
}

TEST(Rtcp, SenderReportRoundTrip)
{
    m::RtcpReport r;
    r.ssrc = 0xaabbccdd;
    r.is_sender = true;
    r.sender = { 0x0102030405060708ull, 12345, 50, 8000 };
    r.has_block = true;
    r.block = { 0x11223344, 25, -3, 70000, 42, 0x05060708, 65536 };
    r.cname = "phone@192.0.2.10";
    r.bye = true;
    uint8_t buf[256];
    auto n = m::build_rtcp(r, buf);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n % 4, 0u);
    EXPECT_EQ(buf[0], 0x81);
    EXPECT_EQ(buf[1], 200);
    EXPECT_EQ(oh::load_be16(buf + 2), (8 + 20 + 24) / 4 - 1);
    auto s = m::parse_rtcp({ buf, *n }, 0x11223344);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->packets, 3);
    EXPECT_EQ(s->sender_ssrc, 0xaabbccddu);
    ASSERT_TRUE(s->has_sender_info);
    EXPECT_EQ(s->sender.ntp_timestamp, 0x0102030405060708ull);
    EXPECT_EQ(s->sender.octet_count, 8000u);
    ASSERT_TRUE(s->has_block_for_us);
    EXPECT_EQ(s->block_for_us.fraction_lost, 25);
    EXPECT_EQ(s->block_for_us.cumulative_lost, -3);
    EXPECT_EQ(s->block_for_us.jitter, 42u);
    EXPECT_EQ(s->block_for_us.delay_since_last_sr, 65536u);
    EXPECT_TRUE(s->bye);
    EXPECT_EQ(s->bye_ssrc, 0xaabbccddu);
}

TEST(Rtcp, ReceiverReportWithoutBlock)
{
    m::RtcpReport r;
    r.ssrc = 7;
    r.cname = "x";
    uint8_t buf[64];
    auto n = m::build_rtcp(r, buf);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n, 8u + 12u);
    EXPECT_EQ(buf[1], 201);
    auto s = m::parse_rtcp({ buf, *n }, 99);
    ASSERT_TRUE(s.has_value());
    EXPECT_FALSE(s->has_block_for_us);
    EXPECT_FALSE(s->bye);
}

TEST(Rtcp, RejectsInvalidCompounds)
{
    m::RtcpReport r;
    r.ssrc = 7;
    r.cname = "abc";
    uint8_t buf[64];
    size_t n = m::build_rtcp(r, buf).value();
    std::vector<uint8_t> p(buf, buf + n);
    EXPECT_EQ(m::parse_rtcp({ p.data(), 2 }, 0).error(), Error::NeedMore);
    auto bad = p;
    bad[0] = 0x41;
    EXPECT_EQ(m::parse_rtcp(bad, 0).error(), Error::Malformed);
    bad = p;
    bad[1] = 202; // SDES first
    EXPECT_EQ(m::parse_rtcp(bad, 0).error(), Error::Malformed);
    bad = p;
    bad[3] = 40; // length beyond datagram
    EXPECT_EQ(m::parse_rtcp(bad, 0).error(), Error::NeedMore);
    bad = p;
    bad[0] |= 0x20; // padding on the first of two packets
    EXPECT_EQ(m::parse_rtcp(bad, 0).error(), Error::Malformed);
    bad = p;
    bad.push_back(0x80); // stray trailing bytes
    EXPECT_EQ(m::parse_rtcp(bad, 0).error(), Error::Malformed);
    bad = p;
    bad[0] = 0x81; // claims a report block that the length does not hold
    EXPECT_EQ(m::parse_rtcp(bad, 0).error(), Error::Malformed);
}

} // namespace
