// Zero-copy SIP message parser (RFC 3261 §7): start line, folded headers, body framing.
#include "sip/message.h"

#include "sip/headers.h"
#include "sip/uri.h"

#include <bit>

namespace oh::sip {

namespace {

struct NameEntry {
    Str name;
    Method method;
};

constexpr NameEntry kMethods[] = {
    { "INVITE", Method::Invite }, { "ACK", Method::Ack }, { "BYE", Method::Bye },
    { "CANCEL", Method::Cancel }, { "OPTIONS", Method::Options }, { "REGISTER", Method::Register },
    { "INFO", Method::Info }, { "UPDATE", Method::Update }, { "PRACK", Method::Prack },
    { "SUBSCRIBE", Method::Subscribe }, { "NOTIFY", Method::Notify }, { "MESSAGE", Method::Message },
    { "REFER", Method::Refer },
};

struct HeaderEntry {
    Str name;
    HeaderId id;
};

// Long header names, lowercase, bucketed by first letter (names are case-insensitive,
// RFC 3261 §7.3.1).
constexpr HeaderEntry kHeadersA[] = { { "allow", HeaderId::Allow }, { "authorization", HeaderId::Authorization },
                                      { "accept", HeaderId::Accept } };
constexpr HeaderEntry kHeadersC[] = { { "call-id", HeaderId::CallId }, { "cseq", HeaderId::CSeq },
                                      { "contact", HeaderId::Contact }, { "content-length", HeaderId::ContentLength },
                                      { "content-type", HeaderId::ContentType },
                                      { "content-encoding", HeaderId::ContentEncoding } };
constexpr HeaderEntry kHeadersE[] = { { "expires", HeaderId::Expires }, { "event", HeaderId::Event } };
constexpr HeaderEntry kHeadersF[] = { { "from", HeaderId::From } };
constexpr HeaderEntry kHeadersM[] = { { "max-forwards", HeaderId::MaxForwards }, { "min-expires", HeaderId::MinExpires } };
constexpr HeaderEntry kHeadersP[] = { { "proxy-authenticate", HeaderId::ProxyAuthenticate },
                                      { "proxy-authorization", HeaderId::ProxyAuthorization } };
constexpr HeaderEntry kHeadersR[] = { { "route", HeaderId::Route }, { "record-route", HeaderId::RecordRoute },
                                      { "require", HeaderId::Require }, { "refer-to", HeaderId::ReferTo } };
constexpr HeaderEntry kHeadersS[] = { { "supported", HeaderId::Supported }, { "server", HeaderId::Server },
                                      { "subject", HeaderId::Subject }, { "session-expires", HeaderId::SessionExpires } };
constexpr HeaderEntry kHeadersT[] = { { "to", HeaderId::To } };
constexpr HeaderEntry kHeadersU[] = { { "user-agent", HeaderId::UserAgent }, { "unsupported", HeaderId::Unsupported } };
constexpr HeaderEntry kHeadersV[] = { { "via", HeaderId::Via } };
constexpr HeaderEntry kHeadersW[] = { { "www-authenticate", HeaderId::WwwAuthenticate } };

template<size_t N>
HeaderId pick(const HeaderEntry (&table)[N], Str name)
{
    for (auto& e : table)
        if (token_is(name, e.name))
            return e.id;
    return HeaderId::Other;
}

// Position just past the line that starts at `at` (past its LF), or kNpos if no LF yet.
// Looks at eight bytes at a time (the classic "has zero byte" trick on little-endian
// targets: x86-64 and the Cortex-M7 both are).
inline size_t line_end(const char* p, size_t n, size_t at)
{
    size_t i = at;
    if constexpr (std::endian::native == std::endian::little) {
        constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            copy_bytes(&w, p + i, 8);
            uint64_t x = w ^ (kOnes * '\n');
            uint64_t hit = (x - kOnes) & ~x & kHigh;
            if (hit)
                return i + size_t(std::countr_zero(hit) >> 3) + 1;
        }
    }
    for (; i < n; i++)
        if (p[i] == '\n')
            return i + 1;
    return kNpos;
}

// Strips the line terminator (LF or CRLF) from [begin, end).
inline Str line_text(const char* p, size_t begin, size_t end)
{
    size_t e = end - 1; // at '\n'
    if (e > begin && p[e - 1] == '\r')
        e--;
    return Str(p + begin, e - begin);
}

bool version_ok(Str v) { return ieq(v, "SIP/2.0"); }

bool looks_like_version(Str v)
{
    // "SIP" "/" 1*DIGIT "." 1*DIGIT: another version gets 505, garbage gets 400.
    if (v.size() < 7 || !istarts_with(v, "SIP/"))
        return false;
    size_t dot = find_char(v, '.', 4);
    return dot != kNpos && parse_uint(v.substr(4, dot - 4)) && parse_uint(v.substr(dot + 1));
}

Result<void> parse_start_line(Str line, Message& m)
{
    if (istarts_with(line, "SIP/")) {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2)
        size_t sp = find_char(line, ' ');
        if (sp == kNpos)
            return Result<void>(Error::Malformed, "Bad status line");
        Str version = line.substr(0, sp);
        if (!version_ok(version))
            return Result<void>(looks_like_version(version) ? Error::Unsupported : Error::Malformed,
                                "Version Not Supported");
        Str rest = line.substr(sp + 1);
        auto code = parse_uint(rest.substr(0, 3), 699);
        if (rest.size() < 3 || !code || *code < 100 || (rest.size() > 3 && rest[3] != ' '))
            return Result<void>(Error::Malformed, "Bad status code");
        m.is_request = false;
        m.status = uint16_t(*code);
        m.reason = rest.size() > 4 ? rest.substr(4) : Str {};
        return {};
    }
    // Request-Line = Method SP Request-URI SP SIP-Version (§7.1): exactly two single spaces.
    size_t sp1 = find_char(line, ' ');
    size_t sp2 = sp1 == kNpos ? kNpos : find_char(line, ' ', sp1 + 1);
    if (sp2 == kNpos || find_char(line, ' ', sp2 + 1) != kNpos || find_char(line, '\t') != kNpos)
        return Result<void>(Error::Malformed, "Bad request line");
    m.method_text = line.substr(0, sp1);
    m.request_uri = line.substr(sp1 + 1, sp2 - sp1 - 1);
    Str version = line.substr(sp2 + 1);
    if (!is_token(m.method_text) || m.request_uri.empty() || find_char(m.request_uri, ':') == kNpos)
        return Result<void>(Error::Malformed, "Bad request line");
    if (!version_ok(version))
        return Result<void>(looks_like_version(version) ? Error::Unsupported : Error::Malformed,
                            "Version Not Supported");
    m.is_request = true;
    m.method = method_from_name(m.method_text);
    return {};
}

Result<void> parse_cseq(Str value, Message& m)
{
    // CSeq = 1*DIGIT LWS Method (§20.16); the number is below 2**31.
    size_t i = 0;
    while (i < value.size() && is_digit(value[i]))
        i++;
    auto n = parse_uint(value.substr(0, i), 0x7fffffffu);
    Str method = trim(value.substr(i));
    if (!n || method.size() == value.size() - i || !is_token(method))
        return Result<void>(Error::Malformed, "Bad CSeq");
    m.cseq = *n;
    m.cseq_method_text = method;
    // In a request it names the request's own method (checked by validate_message).
    m.cseq_method = m.is_request && method == m.method_text ? m.method : method_from_name(method);
    return {};
}

// Single-instance headers must not repeat with another value (a list in one is malformed).
Result<void> set_once(Str& slot, Str value, const char* why)
{
    if (!slot.empty() && slot != value)
        return Result<void>(Error::Malformed, why);
    slot = value;
    return {};
}

Result<void> record_header(Message& m, const Header& h, Str& content_length)
{
    switch (h.id) {
    case HeaderId::CallId:
        if (h.value.empty() || find_char(h.value, ' ') != kNpos)
            return Result<void>(Error::Malformed, "Bad Call-ID");
        return set_once(m.call_id, h.value, "Duplicate Call-ID");
    case HeaderId::From: return set_once(m.from, h.value, "Duplicate From");
    case HeaderId::To: return set_once(m.to, h.value, "Duplicate To");
    case HeaderId::ContentLength: return set_once(content_length, h.value, "Duplicate Content-Length");
    case HeaderId::CSeq: {
        Str before = m.cseq_method_text;
        uint32_t n = m.cseq;
        TRY(parse_cseq(h.value, m));
        if (!before.empty() && (before != m.cseq_method_text || n != m.cseq))
            return Result<void>(Error::Malformed, "Duplicate CSeq");
        return {};
    }
    case HeaderId::Via:
        if (m.top_via.empty() && find_either(h.value.data(), h.value.size(), 0, ',', '"') == kNpos) {
            m.top_via = h.value; // the usual case: one element, nothing quoted
        } else if (m.top_via.empty()) {
            ListSplitter split(h.value);
            if (!split.next(m.top_via))
                return Result<void>(Error::Malformed, "Empty Via");
        }
        return {};
    default:
        return {};
    }
}

Result<void> parse_header_line(Str text, Header& h)
{
    // header-name HCOLON: a token, optional SP/HT, then ':'.
    size_t i = 0;
    while (i < text.size() && is_token_char(text[i]))
        i++;
    Str name = text.substr(0, i);
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
        i++;
    if (i >= text.size() || text[i] != ':')
        return Result<void>(Error::Malformed, find_char(text, ':') == kNpos ? "Header without colon" : "Bad header name");
    if (name.empty())
        return Result<void>(Error::Malformed, "Bad header name");
    h.name = name;
    h.value = trim(text.substr(i + 1));
    h.id = header_id(name);
    return {};
}

Result<void> parse_body(const char* p, size_t n, size_t body_at, Str content_length, Framing framing,
                        Message& m)
{
    size_t available = n - body_at;
    if (content_length.empty()) {
        if (framing == Framing::Stream)
            return Result<void>(Error::Malformed, "Missing Content-Length");
        m.body = Str(p + body_at, available);
        m.total_length = n;
        return {};
    }
    auto len = parse_uint(content_length, 1u << 24);
    if (!len)
        return Result<void>(Error::Malformed, "Bad Content-Length");
    if (*len > available)
        return Result<void>(Error::NeedMore, "Truncated body");
    // Datagram: bytes past Content-Length are discarded (§18.3).
    m.body = Str(p + body_at, *len);
    m.total_length = body_at + *len;
    return {};
}

// Structure a UAS must see in a request before it may act on it: every Via element parses
// (parse_via refuses empty parameters, RFC 4475 §3.1.2.1), and every Contact is a name-addr
// or addr-spec whose parameters are well formed, in <> whenever its URI has headers
// (RFC 3261 §20.10, RFC 4475 §3.1.2.13).
Result<void> validate_request_headers(const Message& m)
{
    bool top = true; // the first element is top_via, which validate_message has parsed
    for (const Header* h = m.find(HeaderId::Via); h; h = m.next(HeaderId::Via, h)) {
        ListSplitter split(h->value);
        Str element;
        while (split.next(element)) {
            if (!top && !parse_via(element)) // also checks its parameters
                return Result<void>(Error::Malformed, "Bad Via");
            top = false;
        }
        if (split.malformed())
            return Result<void>(Error::Malformed, "Bad Via");
    }
    for (const Header* h = m.find(HeaderId::Contact); h; h = m.next(HeaderId::Contact, h)) {
        if (trim(h->value) == "*")
            continue;
        ListSplitter split(h->value);
        Str element;
        while (split.next(element)) {
            auto na = parse_name_addr(element);
            if (!na || !params_well_formed(na->params))
                return Result<void>(Error::Malformed, "Bad Contact");
            if (!na->uri.headers.empty() && find_char(element, '<') == kNpos)
                return Result<void>(Error::Malformed, "Contact URI with headers needs <>");
        }
        if (split.malformed())
            return Result<void>(Error::Malformed, "Bad Contact");
    }
    return {};
}

} // namespace

Method method_from_name(Str name)
{
    for (auto& e : kMethods)
        if (e.name == name)
            return e.method;
    return Method::Unknown;
}

Str method_name(Method m)
{
    for (auto& e : kMethods)
        if (e.method == m)
            return e.name;
    return "UNKNOWN";
}

HeaderId header_id(Str name)
{
    // Long names, then the compact forms of RFC 3261 §7.3.3 / RFC 3265 / RFC 3515 / RFC 4028.
    size_t n = name.size();
    if (n == 0)
        return HeaderId::Other;
    char first = to_lower(name[0]);
    if (n == 1) {
        switch (first) {
        case 'v': return HeaderId::Via;
        case 'f': return HeaderId::From;
        case 't': return HeaderId::To;
        case 'i': return HeaderId::CallId;
        case 'm': return HeaderId::Contact;
        case 'l': return HeaderId::ContentLength;
        case 'c': return HeaderId::ContentType;
        case 'k': return HeaderId::Supported;
        case 's': return HeaderId::Subject;
        case 'e': return HeaderId::ContentEncoding;
        case 'o': return HeaderId::Event;
        case 'r': return HeaderId::ReferTo;
        case 'x': return HeaderId::SessionExpires;
        default: return HeaderId::Other;
        }
    }
    switch (first) {
    case 'a': return pick(kHeadersA, name);
    case 'c': return pick(kHeadersC, name);
    case 'e': return pick(kHeadersE, name);
    case 'f': return pick(kHeadersF, name);
    case 'm': return pick(kHeadersM, name);
    case 'p': return pick(kHeadersP, name);
    case 'r': return pick(kHeadersR, name);
    case 's': return pick(kHeadersS, name);
    case 't': return pick(kHeadersT, name);
    case 'u': return pick(kHeadersU, name);
    case 'v': return pick(kHeadersV, name);
    case 'w': return pick(kHeadersW, name);
    default: return HeaderId::Other;
    }
}

const Via* Message::via() const
{
    if (m_via_state == ViaState::Unparsed) {
        auto parsed = parse_via(top_via);
        m_via_state = parsed ? ViaState::Parsed : ViaState::Malformed;
        if (parsed)
            m_via = *parsed;
    }
    return m_via_state == ViaState::Parsed ? &m_via : nullptr;
}

const Header* Message::find(HeaderId id) const { return next(id, nullptr); }

const Header* Message::find(Str name) const
{
    HeaderId id = header_id(name);
    for (uint8_t i = 0; i < header_count; i++)
        if (id != HeaderId::Other ? headers[i].id == id : ieq(headers[i].name, name))
            return &headers[i];
    return nullptr;
}

const Header* Message::next(HeaderId id, const Header* after) const
{
    size_t i = after ? size_t(after - headers) + 1 : 0;
    for (; i < header_count; i++)
        if (headers[i].id == id)
            return &headers[i];
    return nullptr;
}

Result<void> parse_message(std::span<const uint8_t> data, Framing framing, Message& m)
{
    m.reset();
    const char* p = reinterpret_cast<const char*>(data.data());
    size_t n = data.size();
    size_t at = 0;
    // §7.5: ignore CRLFs before the start line (keep-alives, stream padding).
    while (at < n && (p[at] == '\r' || p[at] == '\n'))
        at++;
    if (at == n)
        return Result<void>(Error::NeedMore, "Empty");
    size_t end = line_end(p, n, at);
    if (end == kNpos)
        return Result<void>(Error::NeedMore, "Partial start line");
    TRY(parse_start_line(line_text(p, at, end), m));

    Str content_length;
    at = end;
    for (;;) {
        if (at >= n)
            return Result<void>(Error::NeedMore, "Partial headers");
        if (p[at] == ' ' || p[at] == '\t')
            return Result<void>(Error::Malformed, "Continuation without header");
        end = line_end(p, n, at);
        if (end == kNpos)
            return Result<void>(Error::NeedMore, "Partial header");
        if (end - at <= 2 && (end - at == 1 || p[at] == '\r'))
            break; // the empty line that ends the headers
        // §7.3.1 folding: a line starting with SP/HT continues the previous header.
        while (end < n && (p[end] == ' ' || p[end] == '\t')) {
            size_t more = line_end(p, n, end);
            if (more == kNpos)
                return Result<void>(Error::NeedMore, "Partial folded header");
            end = more;
        }
        if (end == n)
            return Result<void>(Error::NeedMore, "Partial headers");
        if (m.header_count == kMaxHeaders)
            return Result<void>(Error::Malformed, "Too many headers");
        Header& h = m.headers[m.header_count];
        TRY(parse_header_line(line_text(p, at, end), h));
        TRY(record_header(m, h, content_length));
        m.header_count++;
        at = end;
    }
    return parse_body(p, n, end, content_length, framing, m);
}

bool salvage_for_reply(std::span<const uint8_t> data, Message& m)
{
    m = Message {};
    const char* p = reinterpret_cast<const char*>(data.data());
    size_t n = data.size(), at = 0;
    while (at < n && (p[at] == '\r' || p[at] == '\n'))
        at++;
    size_t end = line_end(p, n, at);
    if (end == kNpos)
        return false;
    Str start = line_text(p, at, end);
    if (istarts_with(start, "SIP/"))
        return false; // never answer a response
    m.is_request = true;
    m.method_text = start.substr(0, find_char(start, ' '));
    m.method = method_from_name(m.method_text);
    for (at = end; at < n && (end = line_end(p, n, at)) != kNpos; at = end) {
        Header h;
        if (parse_header_line(line_text(p, at, end), h).is_error())
            continue;
        Str* slot = h.id == HeaderId::Via ? &m.top_via : h.id == HeaderId::From ? &m.from
            : h.id == HeaderId::To ? &m.to : h.id == HeaderId::CallId ? &m.call_id : nullptr;
        if (h.id == HeaderId::Via && m.header_count < kMaxHeaders)
            m.headers[m.header_count++] = h;
        if (slot && slot->empty()) {
            ListSplitter split(h.value);
            Str first;
            *slot = h.id == HeaderId::Via && split.next(first) ? first : h.value;
        }
        if (h.id == HeaderId::CSeq && m.cseq_method_text.empty() && parse_cseq(h.value, m).is_error()) {
            m.cseq = 0;
            m.cseq_method_text = m.method_text;
        }
    }
    // RFC 4475 §3.3.1: a request missing From, To or Call-ID still gets its 400 when the Via
    // (where to send it, §18.2.2) and CSeq (what the client matches, §17.1.3) are there.
    return m.method != Method::Ack && !m.top_via.empty() && !m.cseq_method_text.empty();
}

Result<void> validate_message(const Message& m)
{
    if (m.top_via.empty())
        return Result<void>(Error::Malformed, "Missing Via");
    if (!m.via()) // RFC 3261 §18.1.2, §18.2.1: the top Via is where the answer goes
        return Result<void>(Error::Malformed, "Bad Via");
    if (m.from.empty())
        return Result<void>(Error::Malformed, "Missing From");
    if (m.to.empty())
        return Result<void>(Error::Malformed, "Missing To");
    if (m.call_id.empty())
        return Result<void>(Error::Malformed, "Missing Call-ID");
    if (m.cseq_method_text.empty())
        return Result<void>(Error::Malformed, "Missing CSeq");
    if (m.is_request && !parse_uri(m.request_uri))
        return Result<void>(Error::Malformed, "Bad Request-URI");
    if (m.is_request && m.cseq_method_text != m.method_text)
        return Result<void>(Error::Malformed, "CSeq method mismatch");
    if (const Header* mf = m.find(HeaderId::MaxForwards)) {
        if (!parse_uint(mf->value, 255))
            return Result<void>(Error::Malformed, "Bad Max-Forwards");
    }
    if (m.is_request)
        return validate_request_headers(m);
    return {};
}

} // namespace oh::sip
