// MD5 against RFC 1321 A.5 vectors, and digest responses against RFC 2617 §3.5 and a round trip.
#include "sip/digest.h"
#include "sip/md5.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <string>

using namespace oh;
using namespace oh::sip;

namespace {

std::string md5_of(std::string_view s, size_t chunk = 0)
{
    Md5 m;
    if (!chunk) {
        m.update(s);
    } else {
        for (size_t i = 0; i < s.size(); i += chunk)
            m.update(s.substr(i, chunk));
    }
    uint8_t d[16];
    m.finish(d);
    char hex[32];
    md5_hex(d, hex);
    return std::string(hex, 32);
}

TEST(Md5, Rfc1321TestSuite)
{
    EXPECT_EQ(md5_of(""), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(md5_of("a"), "0cc175b9c0f1b6a831c399e269772661");
    EXPECT_EQ(md5_of("abc"), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(md5_of("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
    EXPECT_EQ(md5_of("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
    EXPECT_EQ(md5_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
              "d174ab98d277d9f5a5611c2c9f419d9f");
    std::string digits;
    for (int i = 0; i < 8; i++)
        digits += "1234567890";
    EXPECT_EQ(md5_of(digits), "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5, ChunkingDoesNotMatter)
{
    std::string s;
    for (int i = 0; i < 1000; i++)
        s += char('a' + i % 26);
    std::string whole = md5_of(s);
    for (size_t chunk : { 1, 3, 55, 56, 63, 64, 65, 127 })
        EXPECT_EQ(md5_of(s, chunk), whole) << chunk;
}

TEST(Digest, Rfc2617Example)
{
    auto ch = parse_challenge("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                              "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    ASSERT_TRUE(ch);
    EXPECT_TRUE(ch->qop_auth);
    EXPECT_EQ(ch->realm, "testrealm@host.com");
    EXPECT_EQ(ch->opaque, "5ccc069c403ebaf9f0171e9517f40e41");
    DigestInput in { "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b", 1 };
    char out[32];
    digest_response(*ch, in, out);
    EXPECT_EQ(std::string(out, 32), "6629fae49393a05397450978507c4ef1");
}

TEST(Digest, AuthorizationRoundTripsThroughVerifier)
{
    auto ch = parse_challenge("Digest  realm=\"asterisk\",nonce=\"1700000000/abc\",algorithm=MD5,qop=\"auth\",stale=FALSE");
    ASSERT_TRUE(ch);
    EXPECT_FALSE(ch->stale);
    char buf[512];
    Writer w(buf, sizeof buf);
    DigestInput in { "1001", "s3cret", "REGISTER", "sip:pbx.example", "deadbeef", 2 };
    write_authorization(w, *ch, in);
    ASSERT_TRUE(w.ok());
    auto cred = parse_credentials(w.view());
    ASSERT_TRUE(cred) << w.view();
    EXPECT_EQ(cred->nc, "00000002");
    EXPECT_EQ(cred->qop, "auth");
    EXPECT_EQ(cred->cnonce, "deadbeef");
    EXPECT_TRUE(verify_credentials(*cred, "REGISTER", "s3cret"));
    EXPECT_FALSE(verify_credentials(*cred, "REGISTER", "wrong"));
    EXPECT_FALSE(verify_credentials(*cred, "INVITE", "s3cret"));
}

TEST(Digest, NoQopUsesRfc2069Form)
{
    auto ch = parse_challenge("Digest realm=\"r\", nonce=\"n\"");
    ASSERT_TRUE(ch);
    EXPECT_FALSE(ch->qop_auth);
    char buf[512];
    Writer w(buf, sizeof buf);
    write_authorization(w, *ch, { "u", "p", "INVITE", "sip:x@y", "c", 1 });
    EXPECT_EQ(find_str(w.view(), "qop"), kNpos);
    auto cred = parse_credentials(w.view());
    ASSERT_TRUE(cred);
    EXPECT_TRUE(verify_credentials(*cred, "INVITE", "p"));
}

TEST(Digest, StaleAndAlgorithms)
{
    auto stale = parse_challenge("Digest realm=\"r\", nonce=\"n2\", stale=true, qop=auth");
    ASSERT_TRUE(stale);
    EXPECT_TRUE(stale->stale);
    EXPECT_EQ(parse_challenge("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256").error(), oh::Error::Unsupported);
    EXPECT_EQ(parse_challenge("Basic realm=\"r\"").error(), oh::Error::Unsupported);
    EXPECT_EQ(parse_challenge("Digest realm=\"r\"").error(), oh::Error::Malformed);
    EXPECT_EQ(parse_challenge("Digest realm=\"r, nonce=x").error(), oh::Error::Malformed);
    EXPECT_EQ(parse_challenge("Digest realm").error(), oh::Error::Malformed);
    auto sess = parse_challenge("Digest realm=\"r\", nonce=\"n\", algorithm=MD5-sess, qop=\"auth\"");
    ASSERT_TRUE(sess);
    EXPECT_TRUE(sess->md5_sess);
}

} // namespace

namespace {

// Found by fuzz_sip_digest: MD5-sess without qop=auth still needs the cnonce on the wire.
TEST(Digest, Md5SessWithoutQopCarriesCnonce)
{
    auto ch = parse_challenge("Digest realm=\"r\", nonce=\"n\", stale=true, qop=\"auht,auth-int\", algorithm=MD5-sess");
    ASSERT_TRUE(ch);
    EXPECT_FALSE(ch->qop_auth);
    char buf[512];
    Writer w(buf, sizeof buf);
    write_authorization(w, *ch, { "user", "pw", "REGISTER", "sip:example.com", "0a4f113b", 1 });
    auto cred = parse_credentials(w.view());
    ASSERT_TRUE(cred);
    EXPECT_EQ(cred->cnonce, "0a4f113b");
    EXPECT_TRUE(cred->qop.empty());
    EXPECT_TRUE(verify_credentials(*cred, "REGISTER", "pw"));
}

} // namespace
