// Via and Contact header parsing, and the standard reason phrases (RFC 3261 §20, §21).
#include "sip/headers.h"

namespace oh::sip {

Result<Via> parse_via(Str element)
{
    // sent-protocol = "SIP" SLASH "2.0" SLASH transport, with LWS allowed around slashes.
    Via v;
    Str s = trim(element);
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
    size_t semi = find_char(s, ';');
    Str hostport = trim(s.substr(0, semi));
    v.params = semi == kNpos ? Str {} : s.substr(semi);
    // Reuse the URI host grammar for sent-by.
    Uri tmp;
    char buf[4 + 256];
    if (hostport.empty() || hostport.size() > 256)
        return Result<Via>(Error::Malformed, "Bad Via sent-by");
    copy_bytes(buf, "sip:", 4);
    copy_bytes(buf + 4, hostport.data(), hostport.size());
    auto parsed = parse_uri(Str(buf, 4 + hostport.size()));
    if (!parsed || !parsed->user.empty() || !parsed->params.empty() || !parsed->headers.empty())
        return Result<Via>(Error::Malformed, "Bad Via sent-by");
    // Point host back into the message instead of our scratch buffer.
    v.host = hostport.substr(parsed->host.data() - (buf + 4), parsed->host.size());
    v.port = parsed->port;
    v.branch = find_param(v.params, "branch");
    v.received = find_param(v.params, "received");
    Str rport = find_param(v.params, "rport", &v.has_rport);
    if (!rport.empty()) {
        auto port = parse_uint(rport, 65535);
        if (!port)
            return Result<Via>(Error::Malformed, "Bad rport");
        v.rport = uint16_t(*port);
    }
    bool has_branch = false;
    find_param(v.params, "branch", &has_branch);
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
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 415: return "Unsupported Media Type";
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
    case 603: return "Decline";
    default: return status < 300 ? Str("OK") : Str("Error");
    }
}

} // namespace oh::sip
