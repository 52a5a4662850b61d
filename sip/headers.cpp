// Via and Contact header parsing, and the standard reason phrases (RFC 3261 §20, §21).
#include "sip/headers.h"

namespace oh::sip {

Result<Via> parse_via(Str element)
{
    // sent-protocol = "SIP" SLASH "2.0" SLASH transport, with LWS allowed around slashes.
    Via v;
    Str s = trim(element);
    // Fast path for the canonical "SIP/2.0/UDP host" spelling; the loop below handles LWS.
    if (s.size() > 12 && token_is(s.substr(0, 8), "sip/2.0/") && s[7] == '/') {
        size_t i = 8;
        while (i < s.size() && is_token_char(s[i]))
            i++;
        if (i > 8 && i < s.size() && (s[i] == ' ' || s[i] == '\t')) {
            v.transport = s.substr(8, i - 8);
            return parse_via_rest(trim(s.substr(i)), v);
        }
    }
    Str parts[3];
    for (int k = 0; k < 3; k++) {
        size_t i = 0;
        while (i < s.size() && is_token_char(s[i]))
            i++;
        parts[k] = s.substr(0, i);
        s = trim(s.substr(i));
        if (k < 2) {
            if (s.empty() || s[0] != '/')
                return Result<Via>(Error::Malformed, "Bad Via protocol");
            s = trim(s.substr(1));
        }
    }
    if (!ieq(parts[0], "SIP") || parts[1] != "2.0" || parts[2].empty())
        return Result<Via>(Error::Malformed, "Bad Via protocol");
    v.transport = parts[2];
    return parse_via_rest(s, v);
}

// Parameters of a Via that the transaction layer and RFC 3581 need, in one pass.
Result<Via> parse_via_rest(Str s, Via& v)
{
    size_t semi = find_char(s, ';');
    Str hostport = trim(s.substr(0, semi));
    v.params = semi == kNpos ? Str {} : s.substr(semi);
    if (hostport.empty() || parse_hostport(hostport, v.host, v.port).is_error())
        return Result<Via>(Error::Malformed, "Bad Via sent-by");
    // One pass over the parameters for the three we use (RFC 3261 §20.42, RFC 3581), which
    // also checks that they are well formed (RFC 4475 §3.1.2.1).
    bool bad = false, has_branch = false;
    bool well_formed = for_each_param(v.params, [&](Str name, Str value, bool) {
        if (token_is(name, "branch")) {
            has_branch = true;
            v.branch = value;
        } else if (token_is(name, "received")) {
            v.received = value;
        } else if (token_is(name, "rport")) {
            v.has_rport = true;
            if (!value.empty()) {
                auto port = parse_uint(value, 65535);
                bad |= !port;
                v.rport = port ? uint16_t(*port) : 0;
            }
        }
    });
    if (!well_formed)
        return Result<Via>(Error::Malformed, "Bad Via parameter");
    if (bad)
        return Result<Via>(Error::Malformed, "Bad rport");
    if (has_branch && (v.branch.empty() || !is_token(v.branch)))
        return Result<Via>(Error::Malformed, "Bad branch");
    return v;
}

uint32_t contact_expires(const Message& msg, const NameAddr& contact, uint32_t fallback)
{
    if (auto e = parse_uint(find_param(contact.params, "expires")))
        return *e;
    if (const Header* h = msg.find(HeaderId::Expires)) {
        if (auto e = parse_uint(h->value))
            return *e;
    }
    return fallback;
}

bool has_sdp_body(const Message& m)
{
    const Header* ct = m.find(HeaderId::ContentType);
    return !m.body.empty() && ct && istarts_with(ct->value, "application/sdp");
}

Str default_reason(uint16_t status)
{
    switch (status) {
    case 100: return "Trying";
    case 180: return "Ringing";
    case 183: return "Session Progress";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 415: return "Unsupported Media Type";
    case 416: return "Unsupported URI Scheme";
    case 420: return "Bad Extension";
    case 423: return "Interval Too Brief";
    case 480: return "Temporarily Unavailable";
    case 481: return "Call/Transaction Does Not Exist";
    case 482: return "Loop Detected";
    case 483: return "Too Many Hops";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 488: return "Not Acceptable Here";
    case 491: return "Request Pending";
    case 500: return "Server Internal Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "Version Not Supported";
    case 513: return "Message Too Large";
    case 603: return "Decline";
    default: return status < 300 ? Str("OK") : Str("Error");
    }
}

} // namespace oh::sip
