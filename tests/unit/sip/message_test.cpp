// Parser and serializer tests for RFC 3261 §7/§20 message syntax, framing and responses.
#include "sip/builder.h"
#include "sip/headers.h"
#include "sip/message.h"
#include "sip/uri.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <string>

using namespace oh;
using namespace oh::sip;
using oh::Error;
using sip_test::parse;
using sip_test::parse_valid;

namespace {

const std::string kInvite =
    "INVITE sip:bob@192.0.2.20 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@example.com>\r\n"
    "From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@192.0.2.10>\r\n"
    "X-Custom: keep me\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "v=0\n";

TEST(Message, ParsesRequest)
{
    Message m;
    ASSERT_EQ(parse_valid(kInvite, m), Error::None);
    EXPECT_TRUE(m.is_request);
    EXPECT_EQ(m.method, Method::Invite);
    EXPECT_EQ(m.request_uri, "sip:bob@192.0.2.20");
    EXPECT_EQ(m.call_id, "a84b4c76e66710@pc33");
    EXPECT_EQ(m.cseq, 314159u);
    EXPECT_EQ(m.cseq_method, Method::Invite);
    EXPECT_EQ(m.body, "v=0\n");
    EXPECT_EQ(m.header_count, 10);
    const Header* x = m.find("x-custom");
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->name, "X-Custom");
    EXPECT_EQ(x->value, "keep me");
    auto via = parse_via(m.top_via);
    ASSERT_TRUE(via);
    EXPECT_EQ(via->branch, "z9hG4bK776asdhds");
    EXPECT_TRUE(via->has_rport);
    EXPECT_EQ(via->rport, 0);
    EXPECT_EQ(via->port, 5060);
}

TEST(Message, ParsesResponse)
{
    Message m;
    ASSERT_EQ(parse_valid("SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>;tag=x\r\n"
                          "From: <sip:c@d>;tag=y\r\nCall-ID: 1\r\nCSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n",
                          m),
              Error::None);
    EXPECT_FALSE(m.is_request);
    EXPECT_EQ(m.status, 180);
    EXPECT_EQ(m.reason, "Ringing");
    EXPECT_TRUE(m.body.empty());
}

TEST(Message, NeedMoreIsNotMalformed)
{
    Message m;
    // Every strict prefix of a valid message is NeedMore on a stream, never Malformed.
    for (size_t n = 0; n < kInvite.size(); n++)
        EXPECT_EQ(parse(kInvite.substr(0, n), m, Framing::Stream), Error::NeedMore) << n;
    EXPECT_EQ(parse(kInvite, m, Framing::Stream), Error::None);
    EXPECT_EQ(m.total_length, kInvite.size());
    // A broken prefix is Malformed as soon as it is visibly broken.
    EXPECT_EQ(parse("INVITE  sip:x@y SIP/2.0\r\nVia", m, Framing::Stream), Error::Malformed);
}

TEST(Message, StreamFramingNeedsContentLengthAndStopsAtIt)
{
    Message m;
    std::string two = kInvite + kInvite;
    ASSERT_EQ(parse(two, m, Framing::Stream), Error::None);
    EXPECT_EQ(m.total_length, kInvite.size());
    std::string no_cl = "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\r\n\r\n";
    EXPECT_EQ(parse(no_cl, m, Framing::Stream), Error::Malformed);
    EXPECT_EQ(parse(no_cl, m, Framing::Datagram), Error::None);
}

TEST(Message, FoldedHeadersAndCompactForms)
{
    std::string s = "OPTIONS sip:a@b SIP/2.0\r\n"
                    "v: SIP/2.0/UDP h\r\n  ;branch=z9hG4bKf\r\n"
                    "t: <sip:a@b>\r\nf: <sip:c@d>\r\n\t;tag=5\r\ni: cid\r\n"
                    "CSEQ  :   7\r\n OPTIONS\r\nl: 0\r\n\r\n";
    Message m;
    ASSERT_EQ(parse_valid(s, m), Error::None);
    EXPECT_EQ(m.cseq, 7u);
    EXPECT_EQ(m.cseq_method, Method::Options);
    auto via = parse_via(m.top_via);
    ASSERT_TRUE(via);
    EXPECT_EQ(via->branch, "z9hG4bKf");
    auto from = parse_name_addr(m.from);
    ASSERT_TRUE(from);
    EXPECT_EQ(from->tag(), "5");
}

TEST(Message, MultiValueViaAcrossHeaders)
{
    std::string s = "SIP/2.0 200 OK\r\n"
                    "Via: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2\r\n"
                    "Via: SIP/2.0/UDP c;branch=z9hG4bK3\r\n"
                    "To: <sip:a@b>;tag=x\r\nFrom: <sip:c@d>;tag=y\r\nCall-ID: 1\r\nCSeq: 2 BYE\r\n\r\n";
    Message m;
    ASSERT_EQ(parse_valid(s, m), Error::None);
    EXPECT_EQ(m.top_via, "SIP/2.0/UDP a;branch=z9hG4bK1");
    char buf[1024];
    Writer w(buf, sizeof buf);
    write_response_head(w, m, 200, "", "", nullptr);
    auto n = finish_message(w, "", "");
    ASSERT_TRUE(n);
    Message r;
    ASSERT_EQ(parse_valid(w.view(), r), Error::None);
    int vias = 0, lines = 0;
    for (auto* h = r.find(HeaderId::Via); h; h = r.next(HeaderId::Via, h)) {
        lines++;
        ListSplitter split(h->value);
        Str e;
        while (split.next(e))
            vias++;
    }
    EXPECT_EQ(vias, 3);
    EXPECT_EQ(lines, 2);
}

// The top Via is parsed once and kept (Message::via()); validation refuses a message whose top
// Via does not parse, a response too (RFC 3261 §18.1.2: it could not be matched), and a
// request whose later Via elements do not (RFC 4475 §3.1.2.1).
TEST(Message, TopViaParsedOnceAndScreened)
{
    std::string tail = "To: <sip:a@b>;tag=x\r\nFrom: <sip:c@d>;tag=y\r\nCall-ID: 1\r\nCSeq: 2 BYE\r\n\r\n";
    Message m;
    ASSERT_EQ(parse_valid("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a:5070;branch=z9hG4bK1;rport=9;received=192.0.2.7\r\n"
                          + tail, m), Error::None);
    const Via* via = m.via();
    ASSERT_NE(via, nullptr);
    EXPECT_EQ(via, m.via()); // the same one each time
    EXPECT_EQ(via->host, "a");
    EXPECT_EQ(via->port, 5070);
    EXPECT_EQ(via->branch, "z9hG4bK1");
    EXPECT_EQ(via->rport, 9);
    EXPECT_EQ(via->received, "192.0.2.7");
    // A second parse into the same Message forgets the first one's Via.
    ASSERT_EQ(parse_valid("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP b;branch=z9hG4bK2\r\n" + tail, m), Error::None);
    ASSERT_NE(m.via(), nullptr);
    EXPECT_EQ(m.via()->host, "b");

    Message bad;
    ASSERT_EQ(parse("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a;;branch=z9hG4bK1\r\n" + tail, bad), Error::None);
    EXPECT_EQ(bad.via(), nullptr);
    EXPECT_EQ(validate_message(bad).error(), Error::Malformed);
    Message later;
    ASSERT_EQ(parse("BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=;\r\n" + tail,
                    later), Error::None);
    EXPECT_NE(later.via(), nullptr);
    EXPECT_EQ(validate_message(later).error(), Error::Malformed);
}

// Found by fuzz_sip_message: a response must never have more header lines than its request,
// or a request with many Via list elements yields a response we cannot parse back.
TEST(Message, ResponseToManyViaElementsStillParses)
{
    std::string s = "OPTIONS sip:a@b SIP/2.0\r\n";
    for (int i = 0; i < 35; i++)
        s += "Via: SIP/2.0/UDP h" + std::to_string(i) + ";branch=z9hG4bK1, SIP/2.0/UDP x, SIP/2.0/UDP y\r\n";
    s += "To: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\n\r\n";
    Message m;
    ASSERT_EQ(parse_valid(s, m), Error::None);
    std::string out(8192, '\0');
    Writer w(out.data(), out.size());
    oh::Endpoint src { oh::Ipv4Address(192, 0, 2, 1), 5060 };
    write_response_head(w, m, 200, "", "t", &src);
    auto n = finish_message(w, "", "");
    ASSERT_TRUE(n);
    out.resize(*n);
    Message r;
    EXPECT_EQ(sip_test::parse(out, r, Framing::Stream), Error::None);
}

TEST(Message, ResponseCopiesHeadersAddsTagAndRport)
{
    Message req;
    ASSERT_EQ(parse_valid(kInvite, req), Error::None);
    char buf[1024];
    Writer w(buf, sizeof buf);
    oh::Endpoint src { oh::Ipv4Address(203, 0, 113, 7), 40000 };
    write_response_head(w, req, 180, "", "totag1", &src);
    w.header("Contact", "<sip:bob@192.0.2.20>");
    ASSERT_TRUE(finish_message(w, "", ""));
    Message r;
    ASSERT_EQ(parse_valid(w.view(), r), Error::None) << w.view();
    EXPECT_EQ(r.status, 180);
    EXPECT_EQ(r.reason, "Ringing");
    EXPECT_EQ(r.call_id, req.call_id);
    EXPECT_EQ(r.cseq, req.cseq);
    EXPECT_EQ(r.from, req.from);
    auto to = parse_name_addr(r.to);
    ASSERT_TRUE(to);
    EXPECT_EQ(to->tag(), "totag1");
    auto via = parse_via(r.top_via);
    ASSERT_TRUE(via);
    EXPECT_EQ(via->rport, 40000);
    EXPECT_EQ(via->received, "203.0.113.7");
    EXPECT_EQ(via->branch, "z9hG4bK776asdhds");
    // 100 Trying never gets a To tag.
    Writer w2(buf, sizeof buf);
    write_response_head(w2, req, 100, "", "totag1", nullptr);
    EXPECT_EQ(find_str(w2.view(), "totag1"), kNpos);
}

TEST(Message, SerializerReportsOverflow)
{
    Message req;
    ASSERT_EQ(parse_valid(kInvite, req), Error::None);
    char buf[64];
    Writer w(buf, sizeof buf);
    write_response_head(w, req, 200, "", "t", nullptr);
    EXPECT_EQ(finish_message(w, "", "").error(), Error::NoSpace);
}

TEST(Message, DatagramBodyFraming)
{
    Message m;
    std::string base = "MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\n"
                       "From: <sip:c@d>;tag=1\r\nCall-ID: 1\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\n";
    // Extra bytes past Content-Length in a datagram are discarded (RFC 3261 §18.3).
    std::string ok = base + "Content-Length: 5\r\n\r\nhello, trailing junk";
    ASSERT_EQ(parse_valid(ok, m), Error::None);
    EXPECT_EQ(m.body, "hello");
    // Shorter than announced: the datagram is truncated.
    EXPECT_EQ(parse_valid(base + "Content-Length: 50\r\n\r\nhello", m), Error::NeedMore);
    EXPECT_EQ(parse_valid(base + "Content-Length: -5\r\n\r\nhello", m), Error::Malformed);
    EXPECT_EQ(parse_valid(base + "Content-Length: 5\r\nl: 6\r\n\r\nhello!", m), Error::Malformed);
    EXPECT_EQ(parse_valid(base + "Content-Length: 99999999999\r\n\r\n", m), Error::Malformed);
}

TEST(Message, LeadingCrlfAndBareLf)
{
    Message m;
    ASSERT_EQ(parse_valid("\r\n\r\nBYE sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nTo: <sip:a@b>;tag=1\n"
                          "From: <sip:c@d>;tag=2\nCall-ID: 1\nCSeq: 3 BYE\n\n",
                          m),
              Error::None);
    EXPECT_EQ(m.method, Method::Bye);
    EXPECT_EQ(parse("\r\n\r\n", m), Error::NeedMore); // a keep-alive, not a message
}

TEST(Message, TooManyHeadersIsAnErrorNotACrash)
{
    std::string s = "OPTIONS sip:a@b SIP/2.0\r\n";
    for (size_t i = 0; i < kMaxHeaders + 1; i++)
        s += "X-H" + std::to_string(i) + ": v\r\n";
    s += "\r\n";
    Message m;
    EXPECT_EQ(parse(s, m), Error::Malformed);
}

} // namespace
