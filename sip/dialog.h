// SIP dialog state (RFC 3261 §12): identifiers, route set, remote target and CSeq counters.
#pragma once

#include <stdint.h>

#include "lib/inet.h"
#include "lib/result.h"
#include "sip/message.h"
#include "sip/text.h"

namespace oh::sip {

struct Dialog {
    using Size = sizing::Target; // lib/sizing.h: how long a peer's identifiers may be
    FixedString<Size::kDialogCallId> call_id;
    FixedString<48> local_tag;
    FixedString<Size::kDialogTag> remote_tag;
    FixedString<Size::kDialogHeader> local_header;  // our From (UAC) / To (UAS) value, tag included
    FixedString<Size::kDialogHeader> remote_header; // the peer's, tag included, copied verbatim
    FixedString<Size::kDialogTarget> remote_target; // the peer's Contact URI
    FixedString<Size::kDialogRouteSet> route_set;   // Route header value in the order to send, "" if none
    uint32_t local_cseq { 0 };
    uint32_t remote_cseq { 0 };
    bool remote_cseq_known { false };

    void clear() { *this = Dialog {}; }
    bool matches(Str call_id_value, Str local, Str remote) const
    {
        return call_id.view() == call_id_value && local_tag.view() == local && remote_tag.view() == remote;
    }
};

// §12.1.1: the UAS side of a dialog from the request (route set = Record-Route as is).
Result<void> dialog_from_request(Dialog& d, const Message& req, Str local_tag);

// §12.1.2: the UAC side from a 2xx/1xx-with-tag response (route set = Record-Route reversed).
// local_header/call_id/local_tag/local_cseq must be set already.
Result<void> dialog_from_response(Dialog& d, const Message& resp);

// The Contact URI of a message (first Contact), or empty.
Str contact_uri(const Message& msg);

// Writes "METHOD target SIP/2.0", Via (with rport), Max-Forwards, Route, From, To, Call-ID
// and CSeq for a request inside the dialog (§12.2.1.1). Loose routing is assumed (lr).
void write_dialog_request(Writer& w, const Dialog& d, Method method, uint32_t cseq, Str via_sent_by, Str branch);

// The endpoint to send in-dialog requests to: first Route, else remote target, when that
// is an IPv4 literal; otherwise `fallback` (the outbound proxy).
Endpoint dialog_next_hop(const Dialog& d, const Endpoint& fallback);

} // namespace oh::sip
