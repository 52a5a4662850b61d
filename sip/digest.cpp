// Digest challenge parsing and response computation (RFC 2617 §3.2, RFC 7616 §3.4).
#include "sip/digest.h"

#include "sip/md5.h"
#include "sip/uri.h"

namespace oh::sip {

namespace {

// Iterates name=value pairs of a digest auth-param list after the scheme token.
template<typename Fn>
Result<void> for_each_auth_param(Str value, Fn fn)
{
    Str s = trim(value);
    size_t sp = 0;
    while (sp < s.size() && !is_lws(s[sp]))
        sp++;
    if (!ieq(s.substr(0, sp), "Digest"))
        return Result<void>(Error::Unsupported, "Not a Digest challenge");
    ListSplitter split(s.substr(sp));
    Str item;
    while (split.next(item)) {
        size_t eq = find_char(item, '=');
        if (eq == kNpos)
            return Result<void>(Error::Malformed, "Bad auth-param");
        Str name = trim(item.substr(0, eq));
        Str v = trim(item.substr(eq + 1));
        if (!is_token(name) || v.empty())
            return Result<void>(Error::Malformed, "Bad auth-param");
        if (v[0] == '"' && (v.size() < 2 || v.back() != '"'))
            return Result<void>(Error::Malformed, "Bad quoted auth-param");
        fn(name, unquote(v));
    }
    if (split.malformed())
        return Result<void>(Error::Malformed, "Unterminated quote");
    return {};
}

void hash_hex(Md5& md5, char out[32])
{
    uint8_t d[Md5::kDigestSize];
    md5.finish(d);
    md5_hex(d, out);
}

void compute(Str user, Str realm, Str password, Str nonce, Str cnonce, Str nc, Str qop, bool sess, Str method,
             Str uri, char out[32])
{
    Md5 md5;
    char ha1[32], ha2[32];
    md5.update(user);
    md5.update(":");
    md5.update(realm);
    md5.update(":");
    md5.update(password);
    hash_hex(md5, ha1);
    if (sess) {
        // MD5-sess: HA1 = H(H(user:realm:pass):nonce:cnonce)
        md5.update(Str(ha1, 32));
        md5.update(":");
        md5.update(nonce);
        md5.update(":");
        md5.update(cnonce);
        hash_hex(md5, ha1);
    }
    md5.update(method);
    md5.update(":");
    md5.update(uri);
    hash_hex(md5, ha2);
    md5.update(Str(ha1, 32));
    md5.update(":");
    md5.update(nonce);
    md5.update(":");
    if (!qop.empty()) {
        md5.update(nc);
        md5.update(":");
        md5.update(cnonce);
        md5.update(":");
        md5.update(qop);
        md5.update(":");
    }
    md5.update(Str(ha2, 32));
    hash_hex(md5, out);
}

void nc_text(uint32_t nc, char out[8])
{
    for (int i = 7; i >= 0; i--, nc >>= 4)
        out[i] = "0123456789abcdef"[nc & 15];
}

} // namespace

Result<DigestChallenge> parse_challenge(Str value)
{
    DigestChallenge ch;
    bool bad_algorithm = false;
    TRY(for_each_auth_param(value, [&](Str name, Str v) {
        if (ieq(name, "realm"))
            ch.realm = v;
        else if (ieq(name, "nonce"))
            ch.nonce = v;
        else if (ieq(name, "opaque")) {
            ch.opaque = v;
            ch.has_opaque = true;
        } else if (ieq(name, "stale"))
            ch.stale = ieq(v, "true");
        else if (ieq(name, "algorithm")) {
            ch.md5_sess = ieq(v, "MD5-sess");
            bad_algorithm = !ieq(v, "MD5") && !ch.md5_sess;
        } else if (ieq(name, "qop")) {
            ListSplitter opts(v);
            Str opt;
            while (opts.next(opt))
                ch.qop_auth |= ieq(opt, "auth");
        }
    }));
    if (bad_algorithm)
        return Result<DigestChallenge>(Error::Unsupported, "Unsupported digest algorithm");
    if (ch.nonce.empty())
        return Result<DigestChallenge>(Error::Malformed, "Challenge without nonce");
    return ch;
}

void digest_response(const DigestChallenge& ch, const DigestInput& in, char out[32])
{
    char nc[8];
    nc_text(in.nc, nc);
    compute(in.username, ch.realm, in.password, ch.nonce, in.cnonce, Str(nc, 8), ch.qop_auth ? Str("auth") : Str(),
            ch.md5_sess, in.method, in.uri, out);
}

void write_authorization(Writer& w, const DigestChallenge& ch, const DigestInput& in)
{
    char response[32];
    digest_response(ch, in, response);
    w.put("Digest username=\"").put(in.username).put("\", realm=\"").put(ch.realm);
    w.put("\", nonce=\"").put(ch.nonce).put("\", uri=\"").put(in.uri);
    w.put("\", response=\"").put(Str(response, 32)).put("\", algorithm=").put(ch.md5_sess ? Str("MD5-sess") : Str("MD5"));
    // MD5-sess mixes the cnonce into HA1, so it is sent even without qop.
    if (ch.qop_auth || ch.md5_sess)
        w.put(", cnonce=\"").put(in.cnonce).put('"');
    if (ch.qop_auth) {
        char nc[8];
        nc_text(in.nc, nc);
        w.put(", qop=auth, nc=").put(Str(nc, 8));
    }
    if (ch.has_opaque)
        w.put(", opaque=\"").put(ch.opaque).put('"');
}

Result<DigestCredentials> parse_credentials(Str value)
{
    DigestCredentials c;
    TRY(for_each_auth_param(value, [&](Str name, Str v) {
        Str* slots[] = { &c.username, &c.realm, &c.nonce, &c.uri, &c.response, &c.cnonce, &c.nc, &c.qop,
                         &c.opaque, &c.algorithm };
        constexpr Str names[] = { "username", "realm", "nonce", "uri", "response", "cnonce", "nc", "qop",
                                  "opaque", "algorithm" };
        for (size_t i = 0; i < 10; i++)
            if (ieq(name, names[i]))
                *slots[i] = v;
    }));
    if (c.username.empty() || c.nonce.empty() || c.response.size() != 32)
        return Result<DigestCredentials>(Error::Malformed, "Incomplete credentials");
    return c;
}

bool verify_credentials(const DigestCredentials& c, Str method, Str password)
{
    char expected[32];
    compute(c.username, c.realm, password, c.nonce, c.cnonce, c.nc, c.qop, ieq(c.algorithm, "MD5-sess"), method,
            c.uri, expected);
    for (size_t i = 0; i < 32; i++)
        if (to_lower(c.response[i]) != expected[i])
            return false;
    return true;
}

} // namespace oh::sip
