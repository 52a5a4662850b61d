// SIP message serializer: request lines, responses mirroring a request, body framing.
#pragma once

#include <stdint.h>

#include "lib/inet.h"
#include "lib/result.h"
#include "sip/message.h"
#include "sip/text.h"

namespace oh::sip {

// "METHOD uri SIP/2.0\r\n" (RFC 3261 §7.1).
void write_request_line(Writer& w, Method method, Str uri);

// Status line plus the headers a response copies from its request (RFC 3261 §8.2.6.2):
// every Via in order, From, To (with to_tag added when the request's To has none and the
// status is not 100), Call-ID and CSeq. When `source` is given the top Via gets
// received= and a filled-in rport (RFC 3261 §18.2.1, RFC 3581 §4) so the reply finds its way
// back through NAT.
void write_response_head(Writer& w, const Message& req, uint16_t status, Str reason, Str to_tag,
                         const Endpoint* source);

// Writes Content-Type (when there is a body), Content-Length, the blank line and the body.
// Returns the message length, or NoSpace if anything overflowed the buffer.
Result<size_t> finish_message(Writer& w, Str content_type, Str body);

// Top Via element with received/rport filled in from the packet's source.
void write_via_with_source(Writer& w, Str via_element, const Endpoint& source);

} // namespace oh::sip
