// SDP parsing and RFC 3264 offer/answer: codecs, telephone-event PT, direction, 488 cases.
#include "sip/sdp.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <string>

using namespace oh;
using namespace oh::sip;
using oh::Error;

namespace {

constexpr std::string_view kOffer = "v=0\r\n"
                     "o=root 1234 5678 IN IP4 198.51.100.5\r\n"
                     "s=Asterisk\r\n"
                     "c=IN IP4 198.51.100.5\r\n"
                     "t=0 0\r\n"
                     "m=video 5000 RTP/AVP 96\r\n"
                     "m=audio 12000 RTP/AVP 9 8 0 96\r\n"
                     "a=rtpmap:9 G722/8000\r\n"
                     "a=rtpmap:8 PCMA/8000\r\n"
                     "a=rtpmap:0 PCMU/8000\r\n"
                     "a=rtpmap:96 telephone-event/8000\r\n"
                     "a=fmtp:96 0-16\r\n"
                     "a=ptime:30\r\n"
                     "a=sendonly\r\n";

LocalMedia local()
{
    LocalMedia l;
    l.rtp = { oh::Ipv4Address(192, 0, 2, 10), 4000 };
    return l;
}

TEST(Sdp, ParsesOffer)
{
    SessionDescription s;
    ASSERT_TRUE(parse_sdp(kOffer, s));
    ASSERT_EQ(s.media_count, 2);
    EXPECT_EQ(s.media[1].type, "audio");
    EXPECT_EQ(s.media[1].port, 12000);
    EXPECT_EQ(s.media[1].format_count, 4);
    EXPECT_EQ(s.media[1].formats[1].codec, Codec::Pcma);
    EXPECT_EQ(s.media[1].formats[3].codec, Codec::TelephoneEvent);
    EXPECT_EQ(s.media[1].ptime, 30);
    EXPECT_EQ(s.media[1].direction, Direction::SendOnly);
    EXPECT_EQ(s.address, oh::Ipv4Address(198, 51, 100, 5));
    EXPECT_EQ(s.session_version, "5678");
}

TEST(Sdp, AnswerKeepsOfferOrderTakesRemoteTelephoneEventAndMirrorsDirection)
{
    SessionDescription s;
    ASSERT_TRUE(parse_sdp(kOffer, s));
    auto ms = negotiate_offer(s, local(), Direction::SendRecv);
    ASSERT_TRUE(ms);
    EXPECT_EQ(ms->codec, Codec::Pcma);
    EXPECT_EQ(ms->pt, 8);
    EXPECT_EQ(ms->te_pt, 96); // never assume 101
    EXPECT_EQ(ms->ptime, 30);
    EXPECT_EQ(ms->direction, Direction::RecvOnly);
    EXPECT_EQ(ms->remote.address, oh::Ipv4Address(198, 51, 100, 5));
    EXPECT_EQ(ms->remote.port, 12000);
    EXPECT_EQ(ms->media_index, 1);

    char buf[1024];
    Writer w(buf, sizeof buf);
    write_sdp_answer(w, local(), s, *ms);
    ASSERT_TRUE(w.ok());
    SessionDescription a;
    ASSERT_TRUE(parse_sdp(w.view(), a)) << w.view();
    ASSERT_EQ(a.media_count, 2); // RFC 3264 §6: same number of m= lines
    EXPECT_EQ(a.media[0].port, 0);
    EXPECT_EQ(a.media[1].port, 4000);
    EXPECT_EQ(a.media[1].direction, Direction::RecvOnly);
    ASSERT_EQ(a.media[1].format_count, 2);
    EXPECT_EQ(a.media[1].formats[0].pt, 8);
    EXPECT_EQ(a.media[1].formats[1].pt, 96);
    EXPECT_EQ(a.address, oh::Ipv4Address(192, 0, 2, 10));
}

TEST(Sdp, NothingAcceptableIs488)
{
    SessionDescription s;
    ASSERT_TRUE(parse_sdp("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 9 18\r\na=rtpmap:9 G722/8000\r\n", s));
    EXPECT_EQ(negotiate_offer(s, local(), Direction::SendRecv).error(), Error::Unsupported);
    ASSERT_TRUE(parse_sdp("v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 1 RTP/AVP 96\r\n", s));
    EXPECT_EQ(negotiate_offer(s, local(), Direction::SendRecv).error(), Error::Unsupported);
    // PT 0 remapped by rtpmap to something else is not PCMU.
    ASSERT_TRUE(parse_sdp("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0\r\na=rtpmap:0 opus/48000/2\r\n", s));
    EXPECT_EQ(negotiate_offer(s, local(), Direction::SendRecv).error(), Error::Unsupported);
}

TEST(Sdp, OfferAndAnswerRoundTrip)
{
    char buf[1024];
    Writer w(buf, sizeof buf);
    LocalMedia l = local();
    l.codecs[0] = Codec::Pcma;
    l.codecs[1] = Codec::Pcmu;
    write_sdp_offer(w, l, Direction::SendOnly);
    SessionDescription offer;
    ASSERT_TRUE(parse_sdp(w.view(), offer));
    auto ms = negotiate_offer(offer, local(), Direction::SendRecv);
    ASSERT_TRUE(ms);
    EXPECT_EQ(ms->codec, Codec::Pcma);
    EXPECT_EQ(ms->te_pt, 101);
    EXPECT_EQ(ms->direction, Direction::RecvOnly);
    // The remote answers with its own telephone-event PT and a moved port.
    SessionDescription answer;
    ASSERT_TRUE(parse_sdp("v=0\r\nc=IN IP4 10.9.8.7\r\nm=audio 7000 RTP/AVP 8 100\r\na=rtpmap:100 telephone-event/8000\r\n"
                          "a=recvonly\r\n",
                          answer));
    auto got = accept_answer(answer, l);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->te_pt, 100);
    EXPECT_EQ(got->remote.port, 7000);
    EXPECT_EQ(got->direction, Direction::SendOnly);
}

TEST(Sdp, DirectionTable)
{
    EXPECT_EQ(answer_direction(Direction::SendRecv, Direction::SendRecv), Direction::SendRecv);
    EXPECT_EQ(answer_direction(Direction::SendRecv, Direction::SendOnly), Direction::SendOnly);
    EXPECT_EQ(answer_direction(Direction::SendOnly, Direction::SendRecv), Direction::RecvOnly);
    EXPECT_EQ(answer_direction(Direction::RecvOnly, Direction::SendRecv), Direction::SendOnly);
    EXPECT_EQ(answer_direction(Direction::Inactive, Direction::SendRecv), Direction::Inactive);
    EXPECT_EQ(answer_direction(Direction::SendOnly, Direction::SendOnly), Direction::Inactive);
}

// RFC 3550 §11: RTCP on the next higher port when nothing else is said; RFC 3605 §2.1's
// a=rtcp names another port, and optionally another address.
TEST(Sdp, RtcpEndpointIsPortPlusOneOrRfc3605Attribute)
{
    SessionDescription s;
    ASSERT_TRUE(parse_sdp(kOffer, s));
    auto ms = negotiate_offer(s, local(), Direction::SendRecv);
    ASSERT_TRUE(ms);
    EXPECT_EQ(ms->remote_rtcp, (oh::Endpoint { oh::Ipv4Address(198, 51, 100, 5), 12001 }));

    ASSERT_TRUE(parse_sdp("v=0\r\nc=IN IP4 198.51.100.5\r\nm=audio 12000 RTP/AVP 0\r\na=rtcp:53020\r\n", s));
    auto ms2 = negotiate_offer(s, local(), Direction::SendRecv);
    ASSERT_TRUE(ms2);
    EXPECT_EQ(ms2->remote_rtcp, (oh::Endpoint { oh::Ipv4Address(198, 51, 100, 5), 53020 }));

    // The example of RFC 3605 §2.1.
    ASSERT_TRUE(parse_sdp("v=0\r\nc=IN IP4 198.51.100.5\r\nm=audio 49170 RTP/AVP 0\r\n"
                          "a=rtcp:53020 IN IP4 126.16.64.4\r\n", s));
    auto ms3 = accept_answer(s, local());
    ASSERT_TRUE(ms3);
    EXPECT_EQ(ms3->remote, (oh::Endpoint { oh::Ipv4Address(198, 51, 100, 5), 49170 }));
    EXPECT_EQ(ms3->remote_rtcp, (oh::Endpoint { oh::Ipv4Address(126, 16, 64, 4), 53020 }));

    EXPECT_FALSE(parse_sdp("v=0\r\nm=audio 1 RTP/AVP 0\r\na=rtcp:0\r\n", s));
    EXPECT_FALSE(parse_sdp("v=0\r\nm=audio 1 RTP/AVP 0\r\na=rtcp:x\r\n", s));
    EXPECT_FALSE(parse_sdp("v=0\r\nm=audio 1 RTP/AVP 0\r\na=rtcp:9 IN IP4 1.2\r\n", s));
}

TEST(Sdp, MalformedInputs)
{
    SessionDescription s;
    const std::string_view bad[] = {
        "", "x=0\r\n", "v=0\r\nm=audio\r\n", "v=0\r\nm=audio 99999 RTP/AVP 0\r\n", "v=0\r\nm=audio 1 RTP/AVP 300\r\n",
        "v=0\r\nc=IN IP4 1.2.3\r\n", "v=0\r\nbogus\r\n", "v=0\r\nm=audio 1 RTP/AVP 0\r\na=ptime:x\r\n",
        "v=0\r\nm=audio 1 RTP/AVP 0\r\na=rtpmap:0\r\n", "v=1\r\n",
    };
    for (auto b : bad)
        EXPECT_FALSE(parse_sdp(b, s)) << b;
    // IPv6 connection lines are understood but leave no IPv4 address.
    ASSERT_TRUE(parse_sdp("v=0\r\nc=IN IP6 2001:db8::1\r\nm=audio 1 RTP/AVP 0\r\n", s));
    EXPECT_FALSE(s.has_address);
}

} // namespace
