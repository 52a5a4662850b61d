// Structured views of individual SIP headers: Via (with branch/received/rport), Contact lists.
#pragma once

#include <stdint.h>

#include "lib/result.h"
#include "sip/message.h"
#include "sip/uri.h"

namespace oh::sip {

// Parses one via-parm (one element of a possibly comma-separated Via header); its parameters
// must be well formed. Message::via() keeps this for the top Via.
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
