// HTTP digest authentication for SIP (RFC 2617, RFC 7616 MD5 subset, RFC 3261 §22).
#pragma once

#include <stdint.h>

#include "lib/result.h"
#include "sip/text.h"

namespace oh::sip {

struct DigestChallenge {
    Str realm;     // unquoted views
    Str nonce;
    Str opaque;
    bool has_opaque { false };
    bool stale { false };
    bool qop_auth { false }; // the server offered qop=auth
    bool md5_sess { false };
};

// Parses a WWW-Authenticate / Proxy-Authenticate value. Unsupported for schemes or
// algorithms other than Digest with MD5/MD5-sess (e.g. SHA-256: look at the next header).
Result<DigestChallenge> parse_challenge(Str value);

struct DigestInput {
    Str username;
    Str password;
    Str method;   // "REGISTER"
    Str uri;      // digest-uri: the Request-URI
    Str cnonce;
    uint32_t nc { 1 };
};

// The 32-hex-digit request-digest (RFC 2617 §3.2.2.1).
void digest_response(const DigestChallenge& ch, const DigestInput& in, char out[32]);

// Writes the Authorization / Proxy-Authorization header value.
void write_authorization(Writer& w, const DigestChallenge& ch, const DigestInput& in);

// Server side (used by the test registrar and fuzzers): a parsed Authorization value.
struct DigestCredentials {
    Str username, realm, nonce, uri, response, cnonce, nc, qop, opaque, algorithm;
};
Result<DigestCredentials> parse_credentials(Str value);
bool verify_credentials(const DigestCredentials& c, Str method, Str password);

} // namespace oh::sip
