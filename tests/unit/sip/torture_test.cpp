// Torture messages in the classes of RFC 4475 (our own texts): strange-but-valid must parse,
// invalid must be rejected with an error (and never crash).
#include "sip/headers.h"
#include "sip/message.h"
#include "sip/sdp.h"
#include "sip/uri.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <string>

using namespace oh;
using namespace oh::sip;
using oh::Error;
using sip_test::parse_valid;

namespace {

// Standard header block for requests whose oddity is elsewhere.
std::string req(std::string line, std::string extra = "", std::string method = "OPTIONS")
{
    return line + "\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKt1\r\nTo: <sip:u@example.net>\r\n"
                  "From: <sip:v@example.net>;tag=f1\r\nCall-ID: tort@1\r\nCSeq: 1 " + method +
        "\r\nMax-Forwards: 70\r\n" + extra + "Content-Length: 0\r\n\r\n";
}

// --- RFC 4475 §3.1.1 class: valid but strange -----------------------------------------------

TEST(TortureValid, TortuousRequestWithFoldingCaseAndOddSpacing)
{
    std::string s =
        "INFO sip:%61lice@[2001:db8::1]:5070;Transport=UDP;lr;x-odd=%41 SIP/2.0\r\n"
        "vIa   :SIP  /  2.0\r\n  / UDP   [2001:db8::2]:5061\r\n\t;BRANCH=z9hG4bK-ZZ.9~\r\n"
        "v:SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK2 ,\r\n SIP/2.0/TCP host.example;branch=z9hG4bK3\r\n"
        "TO : \"quoted \\\"name\\\" \\\\ here\"<sip:u@example.net>\r\n"
        "f:    Unquoted Name   <sip:v@example.net;user=phone>   ;TAG = abc\r\n"
        "call-id:\t  odd.call@id\r\n"
        "cseq: 0000042\r\n  INFO\r\n"
        "Max-Forwards: 0068\r\n"
        "NewFangledHeader:   newfangled value\r\n continued newfangled value\r\n"
        "UnknownHeaderWithUnusualValue: ;;,,;;,;\r\n"
        "m: <sip:v@192.0.2.9>;expires=60, \"Two, with comma\" <sip:w@192.0.2.9>\r\n"
        "Content-Length   : 0\r\n\r\n";
    Message m;
    ASSERT_EQ(parse_valid(s, m), Error::None);
    EXPECT_EQ(m.method, Method::Info);
    EXPECT_EQ(m.cseq, 42u);
    auto ruri = parse_uri(m.request_uri);
    ASSERT_TRUE(ruri);
    EXPECT_EQ(ruri->host, "[2001:db8::1]");
    EXPECT_EQ(ruri->port, 5070);
    EXPECT_EQ(ruri->user, "%61lice");
    bool lr = false;
    find_param(ruri->params, "lr", &lr);
    EXPECT_TRUE(lr);
    EXPECT_EQ(find_param(ruri->params, "transport"), "UDP");
    auto via = parse_via(m.top_via);
    ASSERT_TRUE(via) << m.top_via;
    EXPECT_EQ(via->host, "[2001:db8::2]");
    EXPECT_EQ(via->port, 5061);
    EXPECT_EQ(via->branch, "z9hG4bK-ZZ.9~");
    auto to = parse_name_addr(m.to);
    ASSERT_TRUE(to);
    EXPECT_EQ(to->display, "quoted \\\"name\\\" \\\\ here");
    auto from = parse_name_addr(m.from);
    ASSERT_TRUE(from);
    EXPECT_EQ(from->display, "Unquoted Name");
    EXPECT_EQ(from->tag(), "abc");
    const Header* contact = m.find(HeaderId::Contact);
    ASSERT_NE(contact, nullptr);
    ListSplitter split(contact->value);
    Str a, b, c;
    ASSERT_TRUE(split.next(a));
    ASSERT_TRUE(split.next(b));
    EXPECT_FALSE(split.next(c));
    auto second = parse_name_addr(b);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->display, "Two, with comma");
    ASSERT_NE(m.find("newfangledheader"), nullptr);
}

TEST(TortureValid, WideRangeOfCharactersInTokensAndQuotedStrings)
{
    std::string s = req("!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?"
                        ",;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0",
                        "X-Quote: \"\xC3\xA9t\xC3\xA9 \\\x01 \\\" ok\"\r\n", "!interesting-Method0123456789_*+`.%indeed'~");
    Message m;
    ASSERT_EQ(parse_valid(s, m), Error::None);
    EXPECT_EQ(m.method, Method::Unknown);
    auto uri = parse_uri(m.request_uri);
    ASSERT_TRUE(uri) << uri.error_info().text();
    EXPECT_EQ(uri->host, "example.com");
}

TEST(TortureValid, EscapesInUriUserAndNulEscape)
{
    Message m;
    ASSERT_EQ(parse_valid(req("OPTIONS sip:user%00name%2540x@example.com;param=%2f SIP/2.0"), m), Error::None);
    auto uri = parse_uri(m.request_uri);
    ASSERT_TRUE(uri);
    EXPECT_EQ(uri->user, "user%00name%2540x");
}

TEST(TortureValid, PercentInDisplayNameIsNotAnEscape)
{
    auto na = parse_name_addr("\"100% sure %zz\" <sip:a@b>;tag=1");
    ASSERT_TRUE(na);
    EXPECT_EQ(na->display, "100% sure %zz");
}

TEST(TortureValid, NoSpaceBetweenDisplayNameAndAngle)
{
    auto na = parse_name_addr("\"caller\"<sip:c@d>");
    ASSERT_TRUE(na);
    EXPECT_EQ(na->uri.host, "d");
}

TEST(TortureValid, AddrSpecParamsBelongToHeader)
{
    auto na = parse_name_addr("sip:carol@chicago.com;tag=887s");
    ASSERT_TRUE(na);
    EXPECT_EQ(na->tag(), "887s");
    EXPECT_TRUE(na->uri.params.empty());
    auto bracketed = parse_name_addr("<sip:carol@chicago.com;tag=887s>");
    ASSERT_TRUE(bracketed);
    EXPECT_TRUE(bracketed->tag().empty());
    EXPECT_EQ(bracketed->uri.params, ";tag=887s");
}

TEST(TortureValid, SemicolonsInUserPartAndUriHeaders)
{
    auto u = parse_uri("sip:user;par=u%40example.net@example.com?Subject=hi&Route=%3Csip:x%3E");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->user, "user;par=u%40example.net");
    EXPECT_EQ(u->host, "example.com");
    EXPECT_EQ(u->headers, "Subject=hi&Route=%3Csip:x%3E");
}

TEST(TortureValid, UnknownSchemeInRequestUri)
{
    Message m;
    ASSERT_EQ(parse_valid(req("OPTIONS nobody:weird.scheme SIP/2.0"), m), Error::None);
    auto u = parse_uri(m.request_uri);
    ASSERT_TRUE(u);
    EXPECT_EQ(u->scheme, UriScheme::Other);
    EXPECT_TRUE(parse_uri("tel:+1-201-555-0123"));
    EXPECT_TRUE(parse_uri("SIPS:a@B.example"));
}

TEST(TortureValid, UnusualAndEmptyReasonPhrases)
{
    std::string tail = "\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>;tag=1\r\nFrom: <sip:c@d>;tag=2\r\n"
                       "Call-ID: 9\r\nCSeq: 1 INVITE\r\n\r\n";
    Message m;
    ASSERT_EQ(parse_valid("SIP/2.0 200 \xE2\x9C\x93 \xC3\xA7" "a marche \t ok" + tail, m), Error::None);
    EXPECT_EQ(m.status, 200);
    ASSERT_EQ(parse_valid("SIP/2.0 100 " + tail, m), Error::None);
    EXPECT_EQ(m.reason, "");
    ASSERT_EQ(parse_valid("SIP/2.0 199" + tail, m), Error::None);
}

TEST(TortureValid, ExtraOctetsAfterContentLengthInDatagram)
{
    Message m;
    std::string s = req("OPTIONS sip:a@example.net SIP/2.0");
    s += "INVITE sip:this@is.not.parsed SIP/2.0\r\n\r\n";
    ASSERT_EQ(parse_valid(s, m), Error::None);
    EXPECT_TRUE(m.body.empty());
}

TEST(TortureValid, MultipartBodyIsCarriedOpaque)
{
    std::string body = "--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--b1--\r\n";
    std::string s = "INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\n"
                    "From: <sip:c@d>;tag=2\r\nCall-ID: 9\r\nCSeq: 1 INVITE\r\n"
                    "Content-Type: multipart/mixed;boundary=b1\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    Message m;
    ASSERT_EQ(parse_valid(s, m), Error::None);
    EXPECT_EQ(m.body, body);
}

TEST(TortureValid, ViaVariants)
{
    auto v = parse_via("SIP/2.0/UDP 192.0.2.1:5060;received=198.51.100.2;rport=1234;branch=z9hG4bKx;maddr=224.2.0.1;ttl=16");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->received, "198.51.100.2");
    EXPECT_EQ(v->rport, 1234);
    auto t = parse_via("SIP/2.0/TLS  host-1.example.com ;branch=z9hG4bKtls");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->transport, "TLS");
    EXPECT_EQ(t->host, "host-1.example.com");
    auto nobranch = parse_via("SIP/2.0/UDP h");
    ASSERT_TRUE(nobranch);
    EXPECT_TRUE(nobranch->branch.empty());
}

// --- RFC 4475 §3.1.2 class: invalid messages --------------------------------------------------

struct BadCase {
    const char* name;
    std::string text;
    Error want;
};

std::string okhdrs(std::string method = "OPTIONS")
{
    return "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\nFrom: <sip:c@d>;tag=2\r\nCall-ID: 9\r\nCSeq: 1 "
        + method + "\r\n";
}

TEST(TortureInvalid, RejectedWithAnError)
{
    const BadCase cases[] = {
        { "extra spaces in request line", "OPTIONS  sip:a@b SIP/2.0\r\n" + okhdrs() + "\r\n", Error::Malformed },
        { "trailing space in request line", "OPTIONS sip:a@b SIP/2.0 \r\n" + okhdrs() + "\r\n", Error::Malformed },
        { "LWS inside request URI", "OPTIONS sip:a @b SIP/2.0\r\n" + okhdrs() + "\r\n", Error::Malformed },
        { "angle brackets around request URI", "OPTIONS <sip:a@b> SIP/2.0\r\n" + okhdrs() + "\r\n", Error::Malformed },
        { "unknown protocol version", "OPTIONS sip:a@b SIP/7.0\r\n" + okhdrs() + "\r\n", Error::Unsupported },
        { "garbage version", "OPTIONS sip:a@b HTTP/1.1\r\n" + okhdrs() + "\r\n", Error::Malformed },
        { "CSeq method mismatch", "OPTIONS sip:a@b SIP/2.0\r\n" + okhdrs("INVITE") + "\r\n", Error::Malformed },
        { "CSeq too large", "OPTIONS sip:a@b SIP/2.0\r\nCSeq: 4294967296 OPTIONS\r\n\r\n", Error::Malformed },
        { "CSeq no method", "OPTIONS sip:a@b SIP/2.0\r\nCSeq: 12\r\n\r\n", Error::Malformed },
        { "Max-Forwards too large", "OPTIONS sip:a@b SIP/2.0\r\n" + okhdrs() + "Max-Forwards: 300\r\n\r\n", Error::Malformed },
        { "missing Call-ID", "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\n"
                             "From: <sip:c@d>;tag=2\r\nCSeq: 1 OPTIONS\r\n\r\n", Error::Malformed },
        { "missing Via", "OPTIONS sip:a@b SIP/2.0\r\nTo: <sip:a@b>\r\nFrom: <sip:c@d>\r\nCall-ID: 1\r\n"
                         "CSeq: 1 OPTIONS\r\n\r\n", Error::Malformed },
        { "duplicate Call-ID", "OPTIONS sip:a@b SIP/2.0\r\n" + okhdrs() + "i: other\r\n\r\n", Error::Malformed },
        { "two values in To", "OPTIONS sip:a@b SIP/2.0\r\n" + okhdrs() + "To: <sip:x@y>\r\n\r\n", Error::Malformed },
        { "negative Content-Length", "OPTIONS sip:a@b SIP/2.0\r\n" + okhdrs() + "l: -1\r\n\r\n", Error::Malformed },
        { "Content-Length larger than datagram", "OPTIONS sip:a@b SIP/2.0\r\n" + okhdrs() + "l: 900\r\n\r\nabc",
          Error::NeedMore },
        { "header without colon", "OPTIONS sip:a@b SIP/2.0\r\n" + okhdrs() + "JustAWord\r\n\r\n", Error::Malformed },
        { "bad header name", "OPTIONS sip:a@b SIP/2.0\r\n" + okhdrs() + "Bad Name: x\r\n\r\n", Error::Malformed },
        { "continuation of the start line", "OPTIONS sip:a@b SIP/2.0\r\n  more\r\n" + okhdrs() + "\r\n",
          Error::Malformed },
        { "status code out of range", "SIP/2.0 4294967301 Huge\r\n" + okhdrs() + "\r\n", Error::Malformed },
        { "status code 099", "SIP/2.0 099 Low\r\n" + okhdrs() + "\r\n", Error::Malformed },
        { "Call-ID with space", "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: a b\r\n\r\n", Error::Malformed },
        { "empty Via", "OPTIONS sip:a@b SIP/2.0\r\nVia: ,,\r\n\r\n", Error::Malformed },
        { "request line without version", "OPTIONS sip:a@b\r\n" + okhdrs() + "\r\n", Error::Malformed },
        { "binary junk", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15), Error::Malformed },
    };
    for (auto& c : cases) {
        Message m;
        EXPECT_EQ(parse_valid(c.text, m), c.want) << c.name;
    }
}

TEST(TortureInvalid, AngleBracketRequestUriIsNotASipUri)
{
    // It parses as a request line (the URI is opaque there) but is not a valid URI.
    EXPECT_FALSE(parse_uri("<sip:a@b>"));
}

TEST(TortureInvalid, BadUris)
{
    const std::string_view bad[] = {
        "sip:", "sip:@host", "sip:user@", "sip:user@host:", "sip:user@host:65536", "sip:user@host:0",
        "sip:user@ho st", "sip:user@[2001:db8::1", "sip:user@[zz::1]", "sip:us<er@host", "sip:user@host;pa ram",
        "sip:user%4@host", "sip:user%g1@host", "sip:user@host?", "sip:user@-host", ":nothing", "1sip:a@b",
        "sip:user@host:12ab",
    };
    for (auto u : bad)
        EXPECT_FALSE(parse_uri(u)) << u;
}

TEST(TortureInvalid, BadNameAddrs)
{
    const std::string_view bad[] = {
        "\"unterminated <sip:a@b>", "<sip:a@b", "Bad@Display <sip:a@b>", "\"ok\" sip:a@b", "<sip:a@b> junk",
        "sip:a b@c", "<>",
    };
    for (auto s : bad)
        EXPECT_FALSE(parse_name_addr(s)) << s;
}

TEST(TortureInvalid, BadVias)
{
    const std::string_view bad[] = {
        "SIP/2.0 UDP h", "SIP/3.0/UDP h", "SIP/2.0/UDP", "SIP/2.0/UDP h:99999", "SIP/2.0/UDP h;rport=x",
        "SIP/2.0/UDP h;branch=", "SIP/2.0/UDP us@h", "SIP/2.0/UDP h;branch=a\"b",
        // RFC 3261 §25.1: every ';' starts a generic-param whose name is a token (RFC 4475 §3.1.2.1).
        "SIP/2.0/UDP h;;branch=z9hG4bK1", "SIP/2.0/UDP h;branch=z9hG4bK1;", "SIP/2.0/UDP h; ;rport",
        "SIP/2.0/UDP h;=x;branch=z9hG4bK1", "SIP/2.0/UDP h;branch=z9hG4bK1;x=\"open",
    };
    for (auto s : bad)
        EXPECT_FALSE(parse_via(s)) << s;
}

} // namespace
