// Request screening (RFC 3261 §8.2.1-§8.2.3, §21.4.7): what a UAS refuses before it acts.
#include "sip/user_agent.h"

#include "sip/headers.h"
#include "sip/uri.h"

namespace oh::sip {

namespace {

constexpr Str kAllowHeader = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY\r\n";
constexpr Str kAcceptHeader = "Accept: application/sdp\r\n";

// The methods the core acts on (MESSAGE is taken and ignored, like an unsolicited NOTIFY).
bool implements(Method m)
{
    switch (m) {
    case Method::Invite: case Method::Ack: case Method::Cancel: case Method::Bye: case Method::Options:
    case Method::Info: case Method::Update: case Method::Notify: case Method::Message:
        return true;
    default:
        return false;
    }
}

// §20.1: does this Accept list admit application/sdp? (media-range, then ;params)
bool accepts_sdp(Str list)
{
    ListSplitter split(list);
    Str element;
    while (split.next(element)) {
        Str range = trim(element.substr(0, find_char(element, ';')));
        if (ieq(range, "application/sdp") || ieq(range, "application/*") || ieq(range, "*/*"))
            return true;
    }
    return false;
}

// §8.2.2.3: this UA supports no option tags, so every one in Require goes back in
// Unsupported. Writes the header whole or, if the list is absurdly long, the tags that fit.
bool write_unsupported(const Message& m, Writer& w)
{
    char buf[160];
    Writer list(buf, sizeof buf);
    bool any = false;
    for (const Header* h = m.find(HeaderId::Require); h; h = m.next(HeaderId::Require, h)) {
        ListSplitter split(h->value);
        Str tag;
        while (split.next(tag)) {
            tag = trim(tag);
            if (tag.empty() || list.size() + tag.size() + 2 > sizeof buf)
                continue;
            if (any)
                list.put(", ");
            list.put(tag);
            any = true;
        }
    }
    if (any)
        w.put("Unsupported: ").put(list.view()).put("\r\n");
    return any;
}

} // namespace

uint16_t SipUserAgent::screen(const Message& m, Writer& extra) const
{
    // §8.2.1 method inspection.
    if (!implements(m.method)) {
        extra.put(kAllowHeader);
        return m.method == Method::Unknown ? 501 : 405;
    }
    // §8.2.2.1: a scheme we cannot be reached at.
    auto ruri = parse_uri(m.request_uri);
    if (!ruri || (ruri->scheme != UriScheme::Sip && ruri->scheme != UriScheme::Sips))
        return 416;
    // §8.2.2.3 (never for CANCEL, whose caller screens it out, nor ACK).
    if (write_unsupported(m, extra))
        return 420;
    // §8.2.3: a session body we cannot read. Only the methods whose body this core reads as
    // SDP are checked: NOTIFY (MWI) and INFO (DTMF) carry other types by design.
    if ((m.method == Method::Invite || m.method == Method::Update) && !m.body.empty()) {
        const Header* ce = m.find(HeaderId::ContentEncoding);
        if (ce && !ieq(trim(ce->value), "identity")) {
            extra.put("Accept-Encoding: identity\r\n");
            return 415;
        }
        if (!has_sdp_body(m)) {
            extra.put(kAcceptHeader);
            return 415;
        }
    }
    // §21.4.7 / RFC 4475 §3.3.15: our answer to an INVITE carries SDP; an Accept that rules it
    // out cannot be satisfied.
    if (m.method == Method::Invite) {
        const Header* accept = m.find(HeaderId::Accept);
        if (accept && !trim(accept->value).empty() && !accepts_sdp(accept->value)) {
            extra.put(kAcceptHeader);
            return 406;
        }
    }
    return 0;
}

} // namespace oh::sip
