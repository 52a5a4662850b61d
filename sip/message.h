// SIP message model and zero-copy parser (RFC 3261 §7, §20, §25): views into the datagram.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/result.h"
#include "lib/sizing.h"
#include "sip/text.h"

namespace oh::sip {

constexpr size_t kMaxHeaders = sizing::Target::kMaxHeaders;

enum class Method : uint8_t {
    Unknown, Invite, Ack, Bye, Cancel, Options, Register, Info, Update, Prack,
    Subscribe, Notify, Message, Refer,
};

Method method_from_name(Str name);
Str method_name(Method m);

// Headers the stack reads; everything else is kept as Other with its name preserved.
enum class HeaderId : uint8_t {
    Other, Via, From, To, CallId, CSeq, Contact, ContentLength, ContentType, MaxForwards,
    Route, RecordRoute, Expires, MinExpires, WwwAuthenticate, ProxyAuthenticate, Authorization,
    ProxyAuthorization, Allow, Supported, Require, UserAgent, Server, Event, Subject,
    ContentEncoding, SessionExpires, Accept, ReferTo, Unsupported,
};

// Maps long and compact names (RFC 3261 §7.3.3, §20) case-insensitively.
HeaderId header_id(Str name);

struct Header {
    Str name;
    Str value; // trimmed; may contain folded CRLF+WSP, which every tokenizer treats as LWS
    HeaderId id { HeaderId::Other };
};

// RFC 3261 §20.42 Via plus RFC 3581 rport (parse_via in sip/headers.h).
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

// How the bytes arrived: a datagram is one whole message (RFC 3261 §18.3: Content-Length is
// optional, extra bytes are discarded); a stream needs Content-Length to frame the body.
enum class Framing : uint8_t { Datagram, Stream };

struct Message {
    Message() { } // everything but the header array (see there) has its initializer
    bool is_request { false };
    // Request line.
    Method method { Method::Unknown };
    Str method_text;
    Str request_uri;
    // Status line.
    uint16_t status { 0 };
    Str reason;

    // Filled by the parser up to header_count and never read past it, so it is left
    // unconstructed: building kMaxHeaders empty headers for each datagram cost ~360 of the
    // ~9,400 instructions a parse takes (callgrind, tools/bench/sip_parse_bench).
    union {
        Header headers[kMaxHeaders];
    };
    uint8_t header_count { 0 };
    Str body;
    size_t total_length { 0 }; // bytes the message occupies in the input (stream framing)

    // Cached mandatory headers (first occurrence), filled by the parser.
    Str call_id;
    Str from;
    Str to;
    Str top_via; // first element of the first Via header
    uint32_t cseq { 0 };
    Method cseq_method { Method::Unknown };
    Str cseq_method_text;

    // The top Via parsed, or nullptr when it does not parse. Parsed on first use and kept:
    // screening, the transaction layer and the registration all read it.
    const Via* via() const;

    // Clears everything but the header array (its used part is rewritten by the parser).
    void reset()
    {
        m_via_state = ViaState::Unparsed;
        is_request = false;
        method = Method::Unknown;
        method_text = request_uri = reason = body = call_id = from = to = top_via = cseq_method_text = {};
        status = 0;
        header_count = 0;
        total_length = 0;
        cseq = 0;
        cseq_method = Method::Unknown;
    }

    const Header* find(HeaderId id) const;
    const Header* find(Str name) const;
    // Iterate headers with one id: pass nullptr to start.
    const Header* next(HeaderId id, const Header* after) const;

private:
    enum class ViaState : uint8_t { Unparsed, Parsed, Malformed };
    mutable ViaState m_via_state { ViaState::Unparsed };
    mutable Via m_via;
};

// Parses one message from the start of data. NeedMore: a valid prefix of a message (headers
// not finished, or the body shorter than Content-Length). Malformed carries a reason phrase
// usable in a 400 response. Unsupported: a SIP version other than 2.0 (answer 505).
Result<void> parse_message(std::span<const uint8_t> data, Framing framing, Message& out);

// For a request that failed to parse: pick Via, From, To, Call-ID and CSeq out of the raw
// lines so a 400 can still be addressed. False without a Via and a CSeq (or for an ACK).
bool salvage_for_reply(std::span<const uint8_t> data, Message& out);

// Checks RFC 3261 §8.2 / §8.1.3 essentials (To, From, Call-ID, CSeq, Via) after a parse.
Result<void> validate_message(const Message& msg);

} // namespace oh::sip
