// Structured views of individual SIP headers: Via (with branch/received/rport), Contact lists.
#pragma once

#include <stdint.h>

#include "lib/result.h"
#include "sip/message.h"
#include "sip/uri.h"

namespace oh::sip {

// RFC 3261 §20.42 Via plus RFC 3581 rport.
struct Via {
    Str transport;      // "UDP"
    Str host;           // sent-by host (IPv6 keeps brackets)
    uint16_t port { 0 };
    Str params;         // raw ";branch=...;rport"
    Str branch;
    Str received;
    bool has_rport { false };
    uint16_t rport { 0 }; // 0 when the parameter is present without a value
};

// Parses one via-parm (one element of a possibly comma-separated Via header).
Result<Via> parse_via(Str element);

// sent-by and parameters of a Via after its sent-protocol (used by parse_via).
Result<Via> parse_via_rest(Str after_protocol, Via& v);

// RFC 3261 §8.1.1.7: branches we accept as RFC 3261 compliant start with this cookie.
constexpr Str kBranchCookie = "z9hG4bK";

// Expires of a Contact binding: its ;expires param, else the Expires header, else fallback.
uint32_t contact_expires(const Message& msg, const NameAddr& contact, uint32_t fallback);

// True when the message carries an application/sdp body.
bool has_sdp_body(const Message& msg);

// Reason phrase for the status codes the stack emits.
Str default_reason(uint16_t status);

} // namespace oh::sip
