// RFC 4475 torture messages, byte for byte as the RFC prints them (CRLF line ends, §2), sent to
// a real SipUserAgent on the simulated network from the trusted PBX address; each test asserts
// what RFC 4475 §3 says an element (here a UA) should answer, on the wire.
#include "sim.h"

#include <gtest/gtest.h>

using namespace sip_test;
using oh::kNsPerMs;

namespace {

// The RFC prints messages with bare line ends; on the wire they are CRLF (RFC 4475 §2).
std::string crlf(const std::string& text)
{
    std::string out;
    for (char c : text) {
        if (c == '\n')
            out += '\r';
        out += c;
    }
    return out;
}

class Wire final : public Node {
public:
    Wire(SimNet& net, Endpoint self) : m_net(net), m_self(self) { net.attach(self, *this); }
    void deliver(std::span<const uint8_t> d, const Endpoint&) override
    {
        got.emplace_back(reinterpret_cast<const char*>(d.data()), d.size());
    }
    void poll() override { }
    Nanoseconds next_wakeup() const override { return 0; }
    void send(const Endpoint& to, const std::string& text) { m_net.submit(m_self, to, bytes(keep(text))); }
    std::vector<std::string> got;

private:
    SimNet& m_net;
    Endpoint m_self;
};

std::string status_of(const std::string& response)
{
    return response.size() >= 11 && response.rfind("SIP/2.0 ", 0) == 0 ? response.substr(8, 3) : std::string();
}

// The value of the first header `name` (long form) in a response the UA wrote, or "".
std::string header_of(const std::string& response, HeaderId id)
{
    Message m;
    if (parse(response, m) != oh::Error::None)
        return "<unparsable>";
    const Header* h = m.find(id);
    return h ? std::string(std::string_view(h->value)) : std::string();
}

struct Rfc4475 : ::testing::Test {
    oh::FakeClock clock;
    SimNet net { clock, 7 };
    Endpoint pbx_ep { Ipv4Address(192, 0, 2, 1), 5060 };
    Endpoint phone_ep { Ipv4Address(192, 0, 2, 10), 5060 };
    SipConfig cfg = phone_config("user", phone_ep, pbx_ep);
    Wire pbx { net, pbx_ep };
    std::unique_ptr<Phone> phone;

    void SetUp() override
    {
        clock.set(1000 * oh::kNsPerSec);
        net.set_impairment(0, 0, 1, 1);
        phone = std::make_unique<Phone>(net, clock, cfg, 3);
    }
    // Sends one message as the RFC prints it; returns everything the phone wrote back.
    std::vector<std::string> feed(const std::string& rfc_text)
    {
        pbx.got.clear();
        pbx.send(phone_ep, crlf(rfc_text));
        net.run_for(200 * kNsPerMs);
        return pbx.got;
    }
    // Exactly one answer, and it has this status; returns it.
    std::string only(const std::string& rfc_text, const char* status)
    {
        size_t rang = phone->rec.incoming.size();
        auto out = feed(rfc_text);
        EXPECT_EQ(out.size(), 1u);
        EXPECT_EQ(phone->rec.incoming.size(), rang);
        if (out.empty())
            return {};
        EXPECT_EQ(status_of(out[0]), status) << out[0];
        return out[0];
    }
    // The phone rings only for its own user (the Request-URI's user part, §19.1.4): the RFC's
    // INVITEs are addressed to users of their own, so a test takes that user's identity.
    void become(const char* user)
    {
        phone.reset();
        cfg.user = Str(user, std::string_view(user).size());
        phone = std::make_unique<Phone>(net, clock, cfg, 3);
    }
    // An INVITE that is processed: 100 Trying, then 180 Ringing, and the phone rings.
    void rings(const std::string& rfc_text)
    {
        auto out = feed(rfc_text);
        ASSERT_EQ(out.size(), 2u);
        EXPECT_EQ(status_of(out[0]), "100");
        EXPECT_EQ(status_of(out[1]), "180") << out[1];
        EXPECT_EQ(phone->rec.incoming.size(), 1u);
    }
};

const std::string kSdp150 = "v=0\n"
                            "o=mhandley 29739 7272939 IN IP4 192.0.2.1\n"
                            "s=-\n"
                            "c=IN IP4 192.0.2.1\n"
                            "t=0 0\n"
                            "m=audio 49217 RTP/AVP 0 12\n"
                            "m=video 3227 RTP/AVP 31\n"
                            "a=rtpmap:31 LPC\n";

// ---- §3.1.1 Valid messages ------------------------------------------------------------------

TEST_F(Rfc4475, WsinvShortTortuousInvite_3_1_1_1)
{
    // Well formed; its To carries a tag, so for a UA it is a mid-dialog INVITE for a dialog
    // that does not exist: 481 (RFC 3261 §12.2.2).
    only("INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\n"
         "TO :\n"
         " sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\n"
         "from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\n"
         "  ;\n"
         "  tag = 98asjd8\n"
         "MaX-fOrWaRdS: 0068\n"
         "Call-ID: wsinv.ndaksdj@192.0.2.1\n"
         "Content-Length   : 150\n"
         "cseq: 0009\n"
         "  INVITE\n"
         "Via  : SIP  /   2.0\n"
         " /UDP\n"
         "    192.0.2.2;branch=390skdjuw\n"
         "s :\n"
         "NewFangledHeader:   newfangled value\n"
         " continued newfangled value\n"
         "UnknownHeaderWithUnusualValue: ;;,,;;,;\n"
         "Content-Type: application/sdp\n"
         "Route:\n"
         " <sip:services.example.com;lr;unknownwith=value;unknown-no-value>\n"
         "v:  SIP  / 2.0  / TCP     spindle.example.com   ;\n"
         "  branch  =   z9hG4bK9ikj8  ,\n"
         " SIP  /    2.0   / UDP  192.168.255.111   ; branch=\n"
         " z9hG4bK30239\n"
         "m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\n"
         "      newvalue ;\n"
         "  secondparam ; q = 0.33\n"
         "\n"
         "v=0\n"
         "o=mhandley 29739 7272939 IN IP4 192.0.2.3\n"
         "s=-\n"
         "c=IN IP4 192.0.2.4\n"
         "t=0 0\n"
         "m=audio 49217 RTP/AVP 0 12\n"
         "m=video 3227 RTP/AVP 31\n"
         "a=rtpmap:31 LPC\n",
         "481");
}

TEST_F(Rfc4475, IntmethUnknownMethodGets501WithAllow_3_1_1_2)
{
    // "Endpoints will generate a 501 listing the methods they understand in an Allow header".
    std::string r = only("!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0\n"
                         "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~\n"
                         "To: \"BEL:\\\x07 NUL:\\" + std::string(1, '\0') + " DEL:\\\x7f\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>\n"
                         "From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"\xd1\x80\xd0\xb0\xd0\xb1\xd0\xbe\xd1\x82\xd0\xb0\xd1\x8e\xd1\x89\xd0\xb8\xd0\xb9\";tag=_token~1'+`*%!-.\n"
                         "Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{\n"
                         "CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~\n"
                         "Max-Forwards: 255\n"
                         "extensionHeader-!.%*+_`'~:\xef\xbb\xbf\xe5\xa4\xa7\xe5\x81\x9c\xe9\x9b\xbb\n"
                         "Content-Length: 0\n"
                         "\n",
                         "501");
    EXPECT_NE(header_of(r, HeaderId::Allow).find("INVITE"), std::string::npos) << r;
}

TEST_F(Rfc4475, Esc01PercentEscapesInviteRings_3_1_1_3)
{
    // The Request-URI's user "sips%3Auser%40example.com" is this user once unescaped (§19.1.4).
    become("sips:user@example.com");
    rings("INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0\n"
          "To: sip:%75se%72@example.com\n"
          "From: <sip:I%20have%20spaces@example.net>;tag=938\n"
          "Max-Forwards: 87\n"
          "i: esc01.239409asdfakjkn23onasd0-3234\n"
          "CSeq: 234234 INVITE\n"
          "Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw\n"
          "C: application/sdp\n"
          "Contact:\n"
          "  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>\n"
          "Content-Length: 150\n"
          "\n" + kSdp150);
}

TEST_F(Rfc4475, EscnullRegisterToAnEndpointGets405_3_1_1_4)
{
    // Well formed; a UA is no registrar (§3.3.7: "A 405 Method Not Allowed is appropriate").
    std::string r = only("REGISTER sip:example.com SIP/2.0\n"
                         "To: sip:null-%00-null@example.com\n"
                         "From: sip:null-%00-null@example.com;tag=839923423\n"
                         "Max-Forwards: 70\n"
                         "Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd\n"
                         "CSeq: 14398234 REGISTER\n"
                         "Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw\n"
                         "Contact: <sip:%00@host5.example.com>\n"
                         "Contact: <sip:%00%00@host5.example.com>\n"
                         "L:0\n"
                         "\n",
                         "405");
    EXPECT_FALSE(header_of(r, HeaderId::Allow).empty());
}

TEST_F(Rfc4475, Esc02PercentIsNoEscapeInMethod_3_1_1_5)
{
    // "The request method is unknown ... An endpoint would reject this message with a 501."
    only("RE%47IST%45R sip:registrar.example.com SIP/2.0\n"
         "To: \"%Z%45\" <sip:resource@example.com>\n"
         "From: \"%Z%45\" <sip:resource@example.com>;tag=f232jadfj23\n"
         "Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf\n"
         "Via: SIP/2.0/TCP host.example.com;branch=z9hG4bK209%fzsnel234\n"
         "CSeq: 29344 RE%47IST%45R\n"
         "Max-Forwards: 70\n"
         "Contact: <sip:alias1@host1.example.com>\n"
         "C%6Fntact: <sip:alias2@host2.example.com>\n"
         "Contact: <sip:alias3@host3.example.com>\n"
         "l: 0\n"
         "\n",
         "501");
}

TEST_F(Rfc4475, LwsdispNoSpaceBeforeAngle_3_1_1_6)
{
    only("OPTIONS sip:user@example.com SIP/2.0\n"
         "To: sip:user@example.com\n"
         "From: caller<sip:caller@example.com>;tag=323\n"
         "Max-Forwards: 70\n"
         "Call-ID: lwsdisp.1234abcd@funky.example.com\n"
         "CSeq: 60 OPTIONS\n"
         "Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw\n"
         "l: 0\n"
         "\n",
         "200");
}

// RFC 4475 §3.1.1.7: 43 header lines, long values everywhere, 34 Vias that the 180 copies
// back (about 2.7 kB, past one Ethernet frame: sent fragmented). It must ring.
TEST_F(Rfc4475, LongreqLongValuesInviteRings_3_1_1_7)
{
    auto rep = [](const char* s, int n) {
        std::string out;
        for (int i = 0; i < n; i++)
            out += s;
        return out;
    };
    std::string vias;
    const char* names[] = { "Via", "v", "V", "Via", "ViA", "VIa", "VIA", "via", "viA", "vIa", "vIA",
                            "V ", "v ", "V  ", "v  ", "Via ", "Via  " };
    for (int i = 33; i >= 1; i--) {
        int k = 33 - i;
        std::string name = k < 17 ? names[k] : "Via";
        std::string sep = (k >= 11 && k <= 12) ? ":  " : ": ";
        vias += name + sep + "SIP/2.0/TCP sip" + std::to_string(i) + ".example.com\n";
    }
    rings("INVITE sip:user@example.com SIP/2.0\n"
          "To: \"I have a user name of " + rep("extreme", 10) + " proportion\"<sip:user@example.com:6000;unknownparam1=very"
          + rep("long", 20) + "value;longparam" + rep("name", 25) + "=shortvalue;very" + rep("long", 25)
          + "ParameterNameWithNoValue>\n"
          "F: sip:" + rep("amazinglylongcallername", 5) + "@example.net;tag=12" + rep("982", 50)
          + "424;unknownheaderparam" + rep("name", 20) + "=unknowheaderparam" + rep("value", 15)
          + ";unknownValueless" + rep("paramname", 10) + "\n"
          "Call-ID: longreq.one" + rep("really", 20) + "longcallid\n"
          "CSeq: 3882340 INVITE\n"
          "Unknown-" + rep("Long", 20) + "-Name: unknown-" + rep("long", 20) + "-value; unknown-" + rep("long", 20)
          + "-parameter-name = unknown-" + rep("long", 20) + "-parameter-value\n"
          + vias +
          "Via: SIP/2.0/TCP host.example.com;received=192.0.2.5;branch=very" + rep("long", 50) + "branchvalue\n"
          "Max-Forwards: 70\n"
          "Contact: <sip:" + rep("amazinglylongcallername", 5) + "@host5.example.net>\n"
          "Content-Type: application/sdp\n"
          "l: 150\n"
          "\n" + kSdp150);
}

TEST_F(Rfc4475, DblreqTrailingOctetsAreIgnored_3_1_1_8)
{
    // One REGISTER (405 from a UA), and the INVITE-looking noise after it is never answered.
    only("REGISTER sip:example.com SIP/2.0\n"
         "To: sip:j.user@example.com\n"
         "From: sip:j.user@example.com;tag=43251j3j324\n"
         "Max-Forwards: 8\n"
         "I: dblreq.0ha0isndaksdj99sdfafnl3lk233412\n"
         "Contact: sip:j.user@host.example.com\n"
         "CSeq: 8 REGISTER\n"
         "Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492\n"
         "Content-Length: 0\n"
         "\n"
         "INVITE sip:joe@example.com SIP/2.0\n"
         "t: sip:joe@example.com\n"
         "From: sip:caller@example.net;tag=141334\n"
         "Max-Forwards: 8\n"
         "Call-ID: dblreq.0ha0isnda977644900765@192.0.2.15\n"
         "CSeq: 8 INVITE\n"
         "Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw380234\n"
         "Content-Type: application/sdp\n"
         "Content-Length: 150\n"
         "\n"
         "v=0\n"
         "o=mhandley 29739 7272939 IN IP4 192.0.2.15\n"
         "s=-\n"
         "c=IN IP4 192.0.2.15\n"
         "t=0 0\n"
         "m=audio 49217 RTP/AVP 0 12\n"
         "m =video 3227 RTP/AVP 31\n"
         "a=rtpmap:31 LPC\n",
         "405");
}

TEST_F(Rfc4475, SemiuriParamsInUserPart_3_1_1_9)
{
    only("OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0\n"
         "To: sip:j_user@example.com\n"
         "From: sip:caller@example.org;tag=33242\n"
         "Max-Forwards: 3\n"
         "Call-ID: semiuri.0ha0isndaksdj\n"
         "CSeq: 8 OPTIONS\n"
         "Accept: application/sdp, application/pkcs7-mime,\n"
         "        multipart/mixed, multipart/signed,\n"
         "        message/sip, message/sipfrag\n"
         "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw\n"
         "l: 0\n"
         "\n",
         "200");
}

TEST_F(Rfc4475, TransportsVariedViaTransports_3_1_1_10)
{
    std::string r = only("OPTIONS sip:user@example.com SIP/2.0\n"
                         "To: sip:user@example.com\n"
                         "From: <sip:caller@example.com>;tag=323\n"
                         "Max-Forwards: 70\n"
                         "Call-ID:  transports.kijh4akdnaqjkwendsasfdj\n"
                         "Accept: application/sdp\n"
                         "CSeq: 60 OPTIONS\n"
                         "Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw\n"
                         "Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf\n"
                         "Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj\n"
                         "Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en\n"
                         "Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee\n"
                         "l: 0\n"
                         "\n",
                         "200");
    EXPECT_NE(r.find("Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee\r\n"), std::string::npos) << r;
}

TEST_F(Rfc4475, ResponsesWithOddReasonPhrasesAreNotAnswered_3_1_1_12_13)
{
    // Valid responses that match no transaction of ours: discarded (RFC 3261 §18.1.2).
    EXPECT_TRUE(feed("SIP/2.0 200 = 2**3 * 5**2 \xd0\xbd\xd0\xbe \xd1\x81\xd1\x82\xd0\xbe \xd0\xb4\xd0\xb5\xd0\xb2\xd1\x8f"
                     "\xd0\xbd\xd0\xbe\xd1\x81\xd1\x82\xd0\xbe \xd0\xb4\xd0\xb5\xd0\xb2\xd1\x8f\xd1\x82\xd1\x8c - \xd0\xbf"
                     "\xd1\x80\xd0\xbe\xd1\x81\xd1\x82\xd0\xbe\xd0\xb5\n"
                     "Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\n"
                     "Call-ID: unreason.1234ksdfak3j2erwedfsASdf\n"
                     "CSeq: 35 INVITE\n"
                     "From: sip:user@example.com;tag=11141343\n"
                     "To: sip:user@example.edu;tag=2229\n"
                     "Content-Length: 154\n"
                     "Content-Type: application/sdp\n"
                     "Contact: <sip:user@host198.example.com>\n"
                     "\n"
                     "v=0\n"
                     "o=mhandley 29739 7272939 IN IP4 192.0.2.198\n"
                     "s=-\n"
                     "c=IN IP4 192.0.2.198\n"
                     "t=0 0\n"
                     "m=audio 49217 RTP/AVP 0 12\n"
                     "m=video 3227 RTP/AVP 31\n"
                     "a=rtpmap:31 LPC\n")
                    .empty());
    EXPECT_TRUE(feed("SIP/2.0 100 \n"
                     "Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\n"
                     "Call-ID: noreason.asndj203insdf99223ndf\n"
                     "CSeq: 35 INVITE\n"
                     "From: <sip:user@example.com>;tag=39ansfi3\n"
                     "To: <sip:user@example.edu>;tag=902jndnke3\n"
                     "Content-Length: 0\n"
                     "Contact: <sip:user@host105.example.com>\n"
                     "\n")
                    .empty());
}

// ---- §3.1.2 Invalid messages ----------------------------------------------------------------

TEST_F(Rfc4475, Badinv01ExtraneousSeparators_3_1_2_1)
{
    only("INVITE sip:user@example.com SIP/2.0\n"
         "To: sip:j.user@example.com\n"
         "From: sip:caller@example.net;tag=134161461246\n"
         "Max-Forwards: 7\n"
         "Call-ID: badinv01.0ha0isndaksdjasdf3234nas\n"
         "CSeq: 8 INVITE\n"
         "Via: SIP/2.0/UDP 192.0.2.15;;,;,,\n"
         "Contact: \"Joe\" <sip:joe@example.org>;;;;\n"
         "Content-Length: 152\n"
         "Content-Type: application/sdp\n"
         "\n"
         "v=0\n"
         "o=mhandley 29739 7272939 IN IP4 192.0.2.15\n"
         "s=-\n"
         "c=IN IP4 192.0.2.15\n"
         "t=0 0\n"
         "m=audio 49217 RTP/AVP 0 12\n"
         "m=video 3227 RTP/AVP 31\n"
         "a=rtpmap:31 LPC\n",
         "400");
}

TEST_F(Rfc4475, ClerrContentLengthLargerThanDatagram_3_1_2_2)
{
    only("INVITE sip:user@example.com SIP/2.0\n"
         "Max-Forwards: 80\n"
         "To: sip:j.user@example.com\n"
         "From: sip:caller@example.net;tag=93942939o2\n"
         "Contact: <sip:caller@hungry.example.net>\n"
         "Call-ID: clerr.0ha0isndaksdjweiafasdk3\n"
         "CSeq: 8 INVITE\n"
         "Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523\n"
         "Content-Type: application/sdp\n"
         "Content-Length: 9999\n"
         "\n"
         "v=0\n"
         "o=mhandley 29739 7272939 IN IP4 192.0.2.155\n"
         "s=-\n"
         "c=IN IP4 192.0.2.155\n"
         "t=0 0\n"
         "m=audio 49217 RTP/AVP 0 12\n"
         "m=video 3227 RTP/AVP 31\n"
         "a=rtpmap:31 LPC\n",
         "400");
}

TEST_F(Rfc4475, NclNegativeContentLength_3_1_2_3)
{
    only("INVITE sip:user@example.com SIP/2.0\n"
         "Max-Forwards: 254\n"
         "To: sip:j.user@example.com\n"
         "From: sip:caller@example.net;tag=32394234\n"
         "Call-ID: ncl.0ha0isndaksdj2193423r542w35\n"
         "CSeq: 0 INVITE\n"
         "Via: SIP/2.0/UDP 192.0.2.53;branch=z9hG4bKkdjuw\n"
         "Contact: <sip:caller@example53.example.net>\n"
         "Content-Type: application/sdp\n"
         "Content-Length: -999\n"
         "\n"
         "v=0\n"
         "o=mhandley 29739 7272939 IN IP4 192.0.2.53\n"
         "s=-\n"
         "c=IN IP4 192.0.2.53\n"
         "t=0 0\n"
         "m=audio 49217 RTP/AVP 0 12\n"
         "m=video 3227 RTP/AVP 31\n"
         "a=rtpmap:31 LPC\n",
         "400");
}

TEST_F(Rfc4475, Scalar02OverlargeRequestScalars_3_1_2_4)
{
    only("REGISTER sip:example.com SIP/2.0\n"
         "Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bK342sdfoi3\n"
         "To: <sip:user@example.com>\n"
         "From: <sip:user@example.com>;tag=239232jh3\n"
         "CSeq: 36893488147419103232 REGISTER\n"
         "Call-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32\n"
         "Max-Forwards: 300\n"
         "Expires: 1" + std::string(100, '0') + "\n"
         "Contact: <sip:user@host129.example.com>\n"
         "  ;expires=280297596632815\n"
         "Content-Length: 0\n"
         "\n",
         "400");
}

TEST_F(Rfc4475, InvalidResponsesAreDropped_3_1_2_5_and_19)
{
    EXPECT_TRUE(feed("SIP/2.0 503 Service Unavailable\n"
                     "Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129\n"
                     "To: <sip:user@example.com>\n"
                     "From: <sip:other@example.net>;tag=2easdjfejw\n"
                     "CSeq: 9292394834772304023312 OPTIONS\n"
                     "Call-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r\n"
                     "Retry-After: 949302838503028349304023988\n"
                     "Warning: 1812 overture \"In Progress\"\n"
                     "Content-Length: 0\n"
                     "\n")
                    .empty());
    EXPECT_TRUE(feed("SIP/2.0 4294967301 better not break the receiver\n"
                     "Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\n"
                     "Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i\n"
                     "CSeq: 353494 INVITE\n"
                     "From: <sip:user@example.com>;tag=39ansfi3\n"
                     "To: <sip:user@example.edu>;tag=902jndnke3\n"
                     "Content-Length: 0\n"
                     "Contact: <sip:user@host105.example.com>\n"
                     "\n")
                    .empty());
}

TEST_F(Rfc4475, QuotbalUnterminatedQuote_3_1_2_6)
{
    only("INVITE sip:user@example.com SIP/2.0\n"
         "To: \"Mr. J. User <sip:j.user@example.com>\n"
         "From: sip:caller@example.net;tag=93334\n"
         "Max-Forwards: 10\n"
         "Call-ID: quotbal.aksdj\n"
         "Contact: <sip:caller@host59.example.net>\n"
         "CSeq: 8 INVITE\n"
         "Via: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234\n"
         "Content-Type: application/sdp\n"
         "Content-Length: 152\n"
         "\n"
         "v=0\n"
         "o=mhandley 29739 7272939 IN IP4 192.0.2.15\n"
         "s=-\n"
         "c=IN IP4 192.0.2.15\n"
         "t=0 0\n"
         "m=audio 49217 RTP/AVP 0 12\n"
         "m=video 3227 RTP/AVP 31\n"
         "a=rtpmap:31 LPC\n",
         "400");
}

TEST_F(Rfc4475, LtgtruriAngleBracketsAroundRequestUri_3_1_2_7)
{
    only("INVITE <sip:user@example.com> SIP/2.0\n"
         "To: sip:user@example.com\n"
         "From: sip:caller@example.net;tag=39291\n"
         "Max-Forwards: 23\n"
         "Call-ID: ltgtruri.1@192.0.2.5\n"
         "CSeq: 1 INVITE\n"
         "Via: SIP/2.0/UDP 192.0.2.5\n"
         "Contact: <sip:caller@host5.example.net>\n"
         "Content-Type: application/sdp\n"
         "Content-Length: 159\n"
         "\n"
         "v=0\n"
         "o=mhandley 29739 7272939 IN IP4 192.0.2.5\n"
         "s=-\n"
         "c=IN IP4 192.0.2.5\n"
         "t=3149328700 0\n"
         "m=audio 49217 RTP/AVP 0 12\n"
         "m=video 3227 RTP/AVP 31\n"
         "a=rtpmap:31 LPC\n",
         "400");
}

TEST_F(Rfc4475, LwsruriSpaceInRequestUri_3_1_2_8)
{
    only("INVITE sip:user@example.com; lr SIP/2.0\n"
         "To: sip:user@example.com;tag=3xfe-9921883-z9f\n"
         "From: sip:caller@example.net;tag=231413434\n"
         "Max-Forwards: 5\n"
         "Call-ID: lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423\n"
         "CSeq: 2130706432 INVITE\n"
         "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKkdjuw2395\n"
         "Contact: <sip:caller@host1.example.net>\n"
         "Content-Type: application/sdp\n"
         "Content-Length: 159\n"
         "\n"
         "v=0\n"
         "o=mhandley 29739 7272939 IN IP4 192.0.2.1\n"
         "s=-\n"
         "c=IN IP4 192.0.2.1\n"
         "t=3149328700 0\n"
         "m=audio 49217 RTP/AVP 0 12\n"
         "m=video 3227 RTP/AVP 31\n"
         "a=rtpmap:31 LPC\n",
         "400");
}

TEST_F(Rfc4475, LwsstartAndTrwsExtraSpacesRejected_3_1_2_9_10)
{
    // "It is acceptable to reject this request as malformed": we do, with 400.
    only("INVITE  sip:user@example.com  SIP/2.0\n"
         "Max-Forwards: 8\n"
         "To: sip:user@example.com\n"
         "From: sip:caller@example.net;tag=8814\n"
         "Call-ID: lwsstart.dfknq234oi243099adsdfnawe3@example.com\n"
         "CSeq: 1893884 INVITE\n"
         "Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw3923\n"
         "Contact: <sip:caller@host1.example.net>\n"
         "Content-Type: application/sdp\n"
         "Content-Length: 150\n"
         "\n" + kSdp150,
         "400");
    only("OPTIONS sip:remote-target@example.com SIP/2.0  \n"
         "Via: SIP/2.0/TCP host1.examle.com;branch=z9hG4bK299342093\n"
         "To: <sip:remote-target@example.com>\n"
         "From: <sip:local-resource@example.com>;tag=329429089\n"
         "Call-ID: trws.oicu34958239neffasdhr2345r\n"
         "Accept: application/sdp\n"
         "CSeq: 238923 OPTIONS\n"
         "Max-Forwards: 70\n"
         "Content-Length: 0\n"
         "\n",
         "400");
}

TEST_F(Rfc4475, EscruriHeadersInRequestUriIgnored_3_1_2_11)
{
    // Either 400 or "be liberal ... and ignore the escaped headers": we ignore them.
    rings("INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0\n"
          "To: sip:user@example.com\n"
          "From: sip:caller@example.net;tag=341518\n"
          "Max-Forwards: 7\n"
          "Contact: <sip:caller@host39923.example.net>\n"
          "Call-ID: escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5\n"
          "CSeq: 149209342 INVITE\n"
          "Via: SIP/2.0/UDP host-of-the-hour.example.com;branch=z9hG4bKkdjuw\n"
          "Content-Type: application/sdp\n"
          "Content-Length: 150\n"
          "\n" + kSdp150);
}

TEST_F(Rfc4475, BaddateIgnoredByAnElementThatDoesNotUseDate_3_1_2_12)
{
    rings("INVITE sip:user@example.com SIP/2.0\n"
          "To: sip:user@example.com\n"
          "From: sip:caller@example.net;tag=2234923\n"
          "Max-Forwards: 70\n"
          "Call-ID: baddate.239423mnsadf3j23lj42--sedfnm234\n"
          "CSeq: 1392934 INVITE\n"
          "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw\n"
          "Date: Fri, 01 Jan 2010 16:00:00 EST\n"
          "Contact: <sip:caller@host5.example.net>\n"
          "Content-Type: application/sdp\n"
          "Content-Length: 150\n"
          "\n"
          "v=0\n"
          "o=mhandley 29739 7272939 IN IP4 192.0.2.5\n"
          "s=-\n"
          "c=IN IP4 192.0.2.5\n"
          "t=0 0\n"
          "m=audio 49217 RTP/AVP 0 12\n"
          "m=video 3227 RTP/AVP 31\n"
          "a=rtpmap:31 LPC\n");
}

TEST_F(Rfc4475, RegbadctContactWithHeadersNotInAngles_3_1_2_13)
{
    only("REGISTER sip:example.com SIP/2.0\n"
         "To: sip:user@example.com\n"
         "From: sip:user@example.com;tag=998332\n"
         "Max-Forwards: 70\n"
         "Call-ID: regbadct.k345asrl3fdbv@10.0.0.1\n"
         "CSeq: 1 REGISTER\n"
         "Via: SIP/2.0/UDP 135.180.130.133:5060;branch=z9hG4bKkdjuw\n"
         "Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E\n"
         "l: 0\n"
         "\n",
         "400");
}

TEST_F(Rfc4475, BadaspecAndBaddnMalformedNameAddrs_3_1_2_14_15)
{
    only("OPTIONS sip:user@example.org SIP/2.0\n"
         "Via: SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKkdju43234\n"
         "Max-Forwards: 70\n"
         "From: \"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423\n"
         "To: \"Watson, Thomas\" < sip:t.watson@example.org >\n"
         "Call-ID: badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3\n"
         "Accept: application/sdp\n"
         "CSeq: 3923239 OPTIONS\n"
         "l: 0\n"
         "\n",
         "400");
    only("OPTIONS sip:t.watson@example.org SIP/2.0\n"
         "Via:     SIP/2.0/UDP c.example.com:5060;branch=z9hG4bKkdjuw\n"
         "Max-Forwards:      70\n"
         "From:    Bell, Alexander <sip:a.g.bell@example.com>;tag=43\n"
         "To:      Watson, Thomas <sip:t.watson@example.org>\n"
         "Call-ID: baddn.31415@c.example.com\n"
         "Accept: application/sdp\n"
         "CSeq:    3923239 OPTIONS\n"
         "l: 0\n"
         "\n",
         "400");
}

TEST_F(Rfc4475, BadversGets505_3_1_2_16)
{
    only("OPTIONS sip:t.watson@example.org SIP/7.0\n"
         "Via:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw\n"
         "Max-Forwards:     70\n"
         "From:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe\n"
         "To:      T. Watson <sip:t.watson@example.org>\n"
         "Call-ID: badvers.31417@c.example.com\n"
         "CSeq:    1 OPTIONS\n"
         "l: 0\n"
         "\n",
         "505");
}

TEST_F(Rfc4475, MismatchedCSeqMethod_3_1_2_17_18)
{
    only("OPTIONS sip:user@example.com SIP/2.0\n"
         "To: sip:j.user@example.com\n"
         "From: sip:caller@example.net;tag=34525\n"
         "Max-Forwards: 6\n"
         "Call-ID: mismatch01.dj0234sxdfl3\n"
         "CSeq: 8 INVITE\n"
         "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw\n"
         "l: 0\n"
         "\n",
         "400");
    // "should respond with a 501 Not Implemented. A 400 Bad Request is also acceptable":
    // the 501 is the one the RFC prefers.
    only("NEWMETHOD sip:user@example.com SIP/2.0\n"
         "To: sip:j.user@example.com\n"
         "From: sip:caller@example.net;tag=34525\n"
         "Max-Forwards: 6\n"
         "Call-ID: mismatch02.dj0234sxdfl3\n"
         "CSeq: 8 INVITE\n"
         "Contact: <sip:caller@host.example.net>\n"
         "Via: SIP/2.0/UDP host.example.net;branch=z9hG4bKkdjuw\n"
         "Content-Type: application/sdp\n"
         "l: 138\n"
         "\n"
         "v=0\n"
         "o=mhandley 29739 7272939 IN IP4 192.0.2.1\n"
         "c=IN IP4 192.0.2.1\n"
         "m=audio 49217 RTP/AVP 0 12\n"
         "m=video 3227 RTP/AVP 31\n"
         "a=rtpmap:31 LPC\n",
         "501");
}

// ---- §3.2 Transaction layer -----------------------------------------------------------------

TEST_F(Rfc4475, BadbranchFallsBackToRfc2543Matching_3_2_1)
{
    // Either a 400 or "fall back to the RFC 2543-style transaction identifier": we fall back.
    only("OPTIONS sip:user@example.com SIP/2.0\n"
         "To: sip:user@example.com\n"
         "From: sip:caller@example.org;tag=33242\n"
         "Max-Forwards: 3\n"
         "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK\n"
         "Accept: application/sdp\n"
         "Call-ID: badbranch.sadonfo23i420jv0as0derf3j3n\n"
         "CSeq: 8 OPTIONS\n"
         "l: 0\n"
         "\n",
         "200");
}

// ---- §3.3 Application layer -----------------------------------------------------------------

TEST_F(Rfc4475, InsufMissingHeadersStillGets400_3_3_1)
{
    // "Ideally, it will respond with a 400 Bad Request error": addressed by its Via, with
    // its CSeq, and no invented From/To/Call-ID.
    std::string r = only("INVITE sip:user@example.com SIP/2.0\n"
                         "CSeq: 193942 INVITE\n"
                         "Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\n"
                         "Content-Type: application/sdp\n"
                         "l: 152\n"
                         "\n"
                         "v=0\n"
                         "o=mhandley 29739 7272939 IN IP4 192.0.2.95\n"
                         "s=-\n"
                         "c=IN IP4 192.0.2.95\n"
                         "t=0 0\n"
                         "m=audio 49217 RTP/AVP 0 12\n"
                         "m=video 3227 RTP/AVP 31\n"
                         "a=rtpmap:31 LPC\n",
                         "400");
    EXPECT_NE(r.find("CSeq: 193942 INVITE\r\n"), std::string::npos) << r;
    EXPECT_NE(r.find("branch=z9hG4bKkdj.insuf"), std::string::npos) << r;
    EXPECT_EQ(r.find("\r\nFrom:"), std::string::npos) << r;
    EXPECT_EQ(r.find("\r\nCall-ID:"), std::string::npos) << r;
}

TEST_F(Rfc4475, UnknownAndAtypicalRequestUriSchemesGet416_3_3_2_3)
{
    only("OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0\n"
         "To: sip:user@example.com\n"
         "From: sip:caller@example.net;tag=384\n"
         "Max-Forwards: 3\n"
         "Call-ID: unkscm.nasdfasser0q239nwsdfasdkl34\n"
         "CSeq: 3923423 OPTIONS\n"
         "Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234\n"
         "Content-Length: 0\n"
         "\n",
         "416");
    only("OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0\n"
         "To: sip:user@example.com\n"
         "From: sip:caller@example.net;tag=384\n"
         "Max-Forwards: 3\n"
         "Call-ID: novelsc.asdfasser0q239nwsdfasdkl34\n"
         "CSeq: 3923423 OPTIONS\n"
         "Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKkdjuw39234\n"
         "Content-Length: 0\n"
         "\n",
         "416");
}

TEST_F(Rfc4475, Unksm2RegisterWithUnknownSchemes_3_3_4)
{
    // A registrar answers 400; a UA is no registrar and answers any REGISTER 405 (§3.3.7).
    std::string r = only("REGISTER sip:example.com SIP/2.0\n"
                         "To: isbn:2983792873\n"
                         "From: <http://www.example.com>;tag=3234233\n"
                         "Call-ID: unksm2.daksdj@hyphenated-host.example.com\n"
                         "CSeq: 234902 REGISTER\n"
                         "Max-Forwards: 70\n"
                         "Via: SIP/2.0/UDP 192.0.2.21:5060;branch=z9hG4bKkdjuw\n"
                         "Contact: <name:John_Smith>\n"
                         "l: 0\n"
                         "\n",
                         "405");
    EXPECT_FALSE(header_of(r, HeaderId::Allow).empty());
}

TEST_F(Rfc4475, Bext01UnsupportedRequireGets420_3_3_5)
{
    // RFC 3261 §8.2.2.3: 420 listing the Require tokens in Unsupported; Proxy-Require is a
    // proxy's business and is not listed by a UAS.
    std::string r = only("OPTIONS sip:user@example.com SIP/2.0\n"
                         "To: sip:j_user@example.com\n"
                         "From: sip:caller@example.net;tag=242etr\n"
                         "Max-Forwards: 6\n"
                         "Call-ID: bext01.0ha0isndaksdj\n"
                         "Require: nothingSupportsThis, nothingSupportsThisEither\n"
                         "Proxy-Require: noProxiesSupportThis, norDoAnyProxiesSupportThis\n"
                         "CSeq: 8 OPTIONS\n"
                         "Via: SIP/2.0/TLS fold-and-staple.example.com;branch=z9hG4bKkdjuw\n"
                         "Content-Length: 0\n"
                         "\n",
                         "420");
    EXPECT_EQ(header_of(r, HeaderId::Unsupported), "nothingSupportsThis, nothingSupportsThisEither") << r;
}

TEST_F(Rfc4475, InvutUnknownContentTypeGets415WithAccept_3_3_6)
{
    std::string r = only("INVITE sip:user@example.com SIP/2.0\n"
                         "Contact: <sip:caller@host5.example.net>\n"
                         "To: sip:j.user@example.com\n"
                         "From: sip:caller@example.net;tag=8392034\n"
                         "Max-Forwards: 70\n"
                         "Call-ID: invut.0ha0isndaksdjadsfij34n23d\n"
                         "CSeq: 235448 INVITE\n"
                         "Via: SIP/2.0/UDP somehost.example.com;branch=z9hG4bKkdjuw\n"
                         "Content-Type: application/unknownformat\n"
                         "Content-Length: 40\n"
                         "\n"
                         "<audio>\n"
                         " <pcmu port=\"443\"/>\n"
                         "</audio>\n",
                         "415");
    EXPECT_EQ(header_of(r, HeaderId::Accept), "application/sdp") << r;
}

TEST_F(Rfc4475, Regaut01UnknownAuthSchemeRegisterGets405_3_3_7)
{
    // "Endpoints choosing not to act as registrars will simply reject the request. A 405
    // Method Not Allowed is appropriate."
    std::string r = only("REGISTER sip:example.com SIP/2.0\n"
                         "To: sip:j.user@example.com\n"
                         "From: sip:j.user@example.com;tag=87321hj23128\n"
                         "Max-Forwards: 8\n"
                         "Call-ID: regaut01.0ha0isndaksdj\n"
                         "CSeq: 9338 REGISTER\n"
                         "Via: SIP/2.0/TCP 192.0.2.253;branch=z9hG4bKkdjuw\n"
                         "Authorization: NoOneKnowsThisScheme opaque-data=here\n"
                         "Content-Length:0\n"
                         "\n",
                         "405");
    EXPECT_EQ(header_of(r, HeaderId::Allow).find("REGISTER"), std::string::npos) << r;
    EXPECT_NE(header_of(r, HeaderId::Allow).find("INVITE"), std::string::npos) << r;
}

TEST_F(Rfc4475, Multi01MultipleValuesInSingleValueFields_3_3_8)
{
    only("INVITE sip:user@company.com SIP/2.0\n"
         "Contact: <sip:caller@host25.example.net>\n"
         "Via: SIP/2.0/UDP 192.0.2.25;branch=z9hG4bKkdjuw\n"
         "Max-Forwards: 70\n"
         "CSeq: 5 INVITE\n"
         "Call-ID: multi01.98asdh@192.0.2.1\n"
         "CSeq: 59 INVITE\n"
         "Call-ID: multi01.98asdh@192.0.2.2\n"
         "From: sip:caller@example.com;tag=3413415\n"
         "To: sip:user@example.com\n"
         "To: sip:other@example.net\n"
         "From: sip:caller@example.net;tag=2923420123\n"
         "Content-Type: application/sdp\n"
         "l: 154\n"
         "Contact: <sip:caller@host36.example.net>\n"
         "Max-Forwards: 5\n"
         "\n"
         "v=0\n"
         "o=mhandley 29739 7272939 IN IP4 192.0.2.25\n"
         "s=-\n"
         "c=IN IP4 192.0.2.25\n"
         "t=0 0\n"
         "m=audio 49217 RTP/AVP 0 12\n"
         "m=video 3227 RTP/AVP 31\n"
         "a=rtpmap:31 LPC\n"
         "\n",
         "400");
}

TEST_F(Rfc4475, Mcl01TwoContentLengths_3_3_9)
{
    only("OPTIONS sip:user@example.com SIP/2.0\n"
         "Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423\n"
         "To: sip:user@example.com\n"
         "From: sip:other@example.net;tag=3923942\n"
         "Call-ID: mcl01.fhn2323orihawfdoa3o4r52o3irsdf\n"
         "CSeq: 15932 OPTIONS\n"
         "Content-Length: 13\n"
         "Max-Forwards: 60\n"
         "Content-Length: 5\n"
         "Content-Type: text/plain\n"
         "\n"
         "There's no way to know how many octets are supposed to be here.\n"
         "\n",
         "400");
}

TEST_F(Rfc4475, BcastResponseIsDiscarded_3_3_10)
{
    EXPECT_TRUE(feed("SIP/2.0 200 OK\n"
                     "Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\n"
                     "Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23\n"
                     "Call-ID: bcast.0384840201234ksdfak3j2erwedfsASdf\n"
                     "CSeq: 35 INVITE\n"
                     "From: sip:user@example.com;tag=11141343\n"
                     "To: sip:user@example.edu;tag=2229\n"
                     "Content-Length: 154\n"
                     "Content-Type: application/sdp\n"
                     "Contact: <sip:user@host28.example.com>\n"
                     "\n"
                     "v=0\n"
                     "o=mhandley 29739 7272939 IN IP4 192.0.2.198\n"
                     "s=-\n"
                     "c=IN IP4 192.0.2.198\n"
                     "t=0 0\n"
                     "m=audio 49217 RTP/AVP 0 12\n"
                     "m=video 3227 RTP/AVP 31\n"
                     "a=rtpmap:31 LPC\n")
                    .empty());
}

TEST_F(Rfc4475, ZeromfEndpointProcessesMaxForwardsZero_3_3_11)
{
    std::string r = only("OPTIONS sip:user@example.com SIP/2.0\n"
                         "To: sip:user@example.com\n"
                         "From: sip:caller@example.net;tag=3ghsd41\n"
                         "Call-ID: zeromf.jfasdlfnm2o2l43r5u0asdfas\n"
                         "CSeq: 39234321 OPTIONS\n"
                         "Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw2349i\n"
                         "Max-Forwards: 0\n"
                         "Content-Length: 0\n"
                         "\n",
                         "200");
    EXPECT_EQ(header_of(r, HeaderId::Accept), "application/sdp");
}

TEST_F(Rfc4475, RegistrarVectorsGet405FromAnEndpoint_3_3_12_to_14)
{
    for (const char* contact : { "Contact: sip:+19725552222@gw1.example.net;unknownparam\n",
                                 "Contact: <sip:+19725552222@gw1.example.net;unknownparam>\n",
                                 "M: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>\n" }) {
        only(std::string("REGISTER sip:example.com SIP/2.0\n"
                         "Via: SIP/2.0/UDP saturn.example.com:5060;branch=z9hG4bKkdjuw\n"
                         "Max-Forwards: 70\n"
                         "From: sip:watson@example.com;tag=DkfVgjkrtMwaerKKpe\n"
                         "To: sip:watson@example.com\n"
                         "Call-ID: cparam01.70710@saturn.example.com\n"
                         "CSeq: 2 REGISTER\n")
                 + contact + "l: 0\n\n",
             "405");
    }
}

TEST_F(Rfc4475, Sdp01AcceptWithoutSdpGets406_3_3_15)
{
    std::string r = only("INVITE sip:user@example.com SIP/2.0\n"
                         "To: sip:j_user@example.com\n"
                         "Contact: <sip:caller@host15.example.net>\n"
                         "From: sip:caller@example.net;tag=234\n"
                         "Max-Forwards: 5\n"
                         "Call-ID: sdp01.ndaksdj9342dasdd\n"
                         "Accept: text/nobodyKnowsThis\n"
                         "CSeq: 8 INVITE\n"
                         "Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw\n"
                         "Content-Length: 150\n"
                         "Content-Type: application/sdp\n"
                         "\n"
                         "v=0\n"
                         "o=mhandley 29739 7272939 IN IP4 192.0.2.5\n"
                         "s=-\n"
                         "c=IN IP4 192.0.2.5\n"
                         "t=0 0\n"
                         "m=audio 49217 RTP/AVP 0 12\n"
                         "m=video 3227 RTP/AVP 31\n"
                         "a=rtpmap:31 LPC\n",
                         "406");
    EXPECT_EQ(header_of(r, HeaderId::Accept), "application/sdp") << r;
}

// ---- §3.4 Backward compatibility ------------------------------------------------------------

const std::string kInv2543 = "INVITE sip:UserB@example.com SIP/2.0\n"
                             "Via: SIP/2.0/UDP iftgw.example.com\n"
                             "From: <sip:+13035551111@ift.client.example.net;user=phone>\n"
                             "Record-Route: <sip:UserB@example.com;maddr=ss1.example.com>\n"
                             "To: sip:+16505552222@ss1.example.net;user=phone\n"
                             "Call-ID: inv2543.1717@ift.client.example.com\n"
                             "CSeq: 56 INVITE\n"
                             "Content-Type: application/sdp\n"
                             "\n"
                             "v=0\n"
                             "o=mhandley 29739 7272939 IN IP4 192.0.2.5\n"
                             "s=-\n"
                             "c=IN IP4 192.0.2.5\n"
                             "t=0 0\n"
                             "m=audio 49217 RTP/AVP 0\n";

TEST_F(Rfc4475, Inv2543IsAcceptedAndMatchedTheRfc2543Way_3_4_1)
{
    become("UserB");
    rings(kInv2543);
    // A retransmission matches the transaction by RFC 3261 §17.2.3's old rule (no cookie):
    // the 180 is repeated and the phone does not ring twice.
    auto again = feed(kInv2543);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(status_of(again[0]), "180");
    EXPECT_EQ(phone->rec.incoming.size(), 1u);
    // A different 2543 request from the same host is not taken for a retransmission of it.
    std::string other = kInv2543;
    other.replace(other.find("CSeq: 56 INVITE"), 15, "CSeq: 56 OPTIONS");
    other.replace(other.find("INVITE sip:"), 6, "OPTIONS");
    EXPECT_EQ(status_of(only(other, "200")), "200");
}

} // namespace
