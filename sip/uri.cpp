// SIP URI, name-addr and parameter parsing (RFC 3261 §19.1.1, §20.10, §25.1 grammar).
#include "sip/uri.h"

namespace oh::sip {

namespace {

constexpr bool is_mark(char c)
{
    switch (c) {
    case '-': case '_': case '.': case '!': case '~': case '*': case '\'': case '(': case ')':
        return true;
    default:
        return false;
    }
}
constexpr bool is_unreserved(char c) { return is_alnum(c) || is_mark(c); }

enum class Part : uint8_t { User, Password, Param, Header };

// Character classes of §25.1 for each URI part; escapes are checked by the caller.
constexpr bool part_char(Part part, char c)
{
    if (is_unreserved(c))
        return true;
    switch (part) {
    case Part::User: // user-unreserved
        return c == '&' || c == '=' || c == '+' || c == '$' || c == ',' || c == ';' || c == '?' || c == '/';
    case Part::Password:
        return c == '&' || c == '=' || c == '+' || c == '$' || c == ',';
    case Part::Param: // param-unreserved (plus '=' and ';' separators)
        return c == '[' || c == ']' || c == '/' || c == ':' || c == '&' || c == '+' || c == '$' || c == '='
            || c == ';';
    case Part::Header: // hnv-unreserved (plus '=' and '&' separators)
        return c == '[' || c == ']' || c == '/' || c == '?' || c == ':' || c == '+' || c == '$' || c == '='
            || c == '&';
    }
    return false;
}

bool valid_part(Str s, Part part)
{
    for (size_t i = 0; i < s.size(); i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size())
                return false;
            if (!is_hex(s[i + 1]) || !is_hex(s[i + 2]))
                return false;
            i += 2;
        } else if (!part_char(part, c)) {
            return false;
        }
    }
    return true;
}

bool valid_hostname(Str h)
{
    if (h.empty() || h.front() == '-' || h.front() == '.')
        return false;
    for (char c : h)
        if (!is_alnum(c) && c != '-' && c != '.')
            return false;
    return true;
}

bool valid_ipv6_ref(Str h)
{
    // "[" IPv6address "]": hex groups, colons, optionally a trailing dotted IPv4.
    if (h.size() < 4 || h.front() != '[' || h.back() != ']')
        return false;
    int colons = 0;
    for (char c : h.substr(1, h.size() - 2)) {
        if (c == ':')
            colons++;
        else if (!is_hex(c) && c != '.')
            return false;
    }
    return colons >= 2 && colons <= 7;
}

Result<void> parse_hostport(Str s, Uri& u)
{
    size_t host_end;
    if (!s.empty() && s[0] == '[') {
        size_t close = find_char(s, ']');
        if (close == kNpos)
            return Result<void>(Error::Malformed, "Bad IPv6 reference");
        host_end = close + 1;
        u.host = s.substr(0, host_end);
        if (!valid_ipv6_ref(u.host))
            return Result<void>(Error::Malformed, "Bad IPv6 reference");
    } else {
        host_end = find_char(s, ':');
        if (host_end == kNpos)
            host_end = s.size();
        u.host = s.substr(0, host_end);
        if (!valid_hostname(u.host))
            return Result<void>(Error::Malformed, "Bad host");
    }
    Str rest = s.substr(host_end);
    if (rest.empty())
        return {};
    auto port = rest[0] == ':' ? parse_uint(rest.substr(1), 65535) : std::nullopt;
    if (!port || *port == 0)
        return Result<void>(Error::Malformed, "Bad port");
    u.port = uint16_t(*port);
    return {};
}

} // namespace

bool parse_ipv4(Str s, Ipv4Address& out)
{
    uint32_t v = 0;
    int parts = 0;
    size_t i = 0;
    while (parts < 4) {
        size_t start = i;
        while (i < s.size() && is_digit(s[i]))
            i++;
        auto octet = parse_uint(s.substr(start, i - start), 255);
        if (!octet || i - start > 3)
            return false;
        v = (v << 8) | *octet;
        parts++;
        if (parts < 4) {
            if (i >= s.size() || s[i] != '.')
                return false;
            i++;
        }
    }
    if (i != s.size())
        return false;
    out = Ipv4Address(v);
    return true;
}

bool Uri::ipv4(Ipv4Address& out) const { return parse_ipv4(host, out); }

Result<Uri> parse_uri(Str text)
{
    Uri u;
    u.text = text;
    size_t colon = find_char(text, ':');
    if (colon == kNpos || colon == 0 || !is_alpha(text[0]))
        return Result<Uri>(Error::Malformed, "Bad URI scheme");
    for (char c : text) {
        if (is_lws(c) || c == '<' || c == '>' || c == '"' || uint8_t(c) < 0x20 || uint8_t(c) >= 0x7f)
            return Result<Uri>(Error::Malformed, "Bad URI character");
    }
    Str scheme = text.substr(0, colon);
    if (ieq(scheme, "sip"))
        u.scheme = UriScheme::Sip;
    else if (ieq(scheme, "sips"))
        u.scheme = UriScheme::Sips;
    else {
        u.scheme = ieq(scheme, "tel") ? UriScheme::Tel : UriScheme::Other;
        if (colon + 1 == text.size())
            return Result<Uri>(Error::Malformed, "Empty URI");
        return u;
    }
    Str rest = text.substr(colon + 1);
    size_t at = find_char(rest, '@');
    if (at != kNpos) {
        Str userinfo = rest.substr(0, at);
        size_t pw = find_char(userinfo, ':');
        u.user = userinfo.substr(0, pw);
        if (pw != kNpos)
            u.password = userinfo.substr(pw + 1);
        if (u.user.empty() || !valid_part(u.user, Part::User) || !valid_part(u.password, Part::Password))
            return Result<Uri>(Error::Malformed, "Bad URI user");
        rest = rest.substr(at + 1);
    }
    size_t q = find_char(rest, '?');
    if (q != kNpos) {
        u.headers = rest.substr(q + 1);
        rest = rest.substr(0, q);
        if (u.headers.empty() || !valid_part(u.headers, Part::Header))
            return Result<Uri>(Error::Malformed, "Bad URI headers");
    }
    // The host never contains ';' (an IPv6 reference neither), so the first one starts params.
    size_t semi = find_char(rest, ';');
    if (semi != kNpos) {
        u.params = rest.substr(semi);
        rest = rest.substr(0, semi);
        if (!valid_part(u.params, Part::Param))
            return Result<Uri>(Error::Malformed, "Bad URI parameter");
    }
    TRY(parse_hostport(rest, u));
    return u;
}

Str find_param(Str params, Str name, bool* found)
{
    if (found)
        *found = false;
    size_t i = 0;
    while (i < params.size()) {
        // Skip to the start of the next parameter.
        while (i < params.size() && (params[i] == ';' || is_lws(params[i])))
            i++;
        size_t start = i;
        bool quoted = false;
        while (i < params.size() && (quoted || params[i] != ';')) {
            if (params[i] == '\\' && quoted)
                i++;
            else if (params[i] == '"')
                quoted = !quoted;
            i++;
        }
        Str item = params.substr(start, (i < params.size() ? i : params.size()) - start);
        size_t eq = find_char(item, '=');
        Str pname = trim(item.substr(0, eq));
        if (!pname.empty() && ieq(pname, name)) {
            if (found)
                *found = true;
            return eq == kNpos ? Str {} : trim(item.substr(eq + 1));
        }
    }
    return {};
}

Str unquote(Str v)
{
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
        return v.substr(1, v.size() - 2);
    return v;
}

Result<NameAddr> parse_name_addr(Str text)
{
    NameAddr na;
    Str s = trim(text);
    size_t i = 0;
    if (!s.empty() && s[0] == '"') {
        // quoted-string display name with quoted-pair escapes (§25.1).
        for (i = 1; i < s.size() && s[i] != '"'; i++)
            if (s[i] == '\\')
                i++;
        if (i >= s.size())
            return Result<NameAddr>(Error::Malformed, "Unterminated display name");
        na.display = s.substr(1, i - 1);
        i++;
        while (i < s.size() && is_lws(s[i]))
            i++;
        if (i >= s.size() || s[i] != '<')
            return Result<NameAddr>(Error::Malformed, "Expected <");
    } else {
        i = find_char(s, '<');
        if (i != kNpos) {
            na.display = trim(s.substr(0, i));
            for (char c : na.display)
                if (!is_token_char(c) && !is_lws(c))
                    return Result<NameAddr>(Error::Malformed, "Bad display name");
        }
    }
    if (i != kNpos) {
        size_t close = find_char(s, '>', i);
        if (close == kNpos)
            return Result<NameAddr>(Error::Malformed, "Unterminated <");
        na.uri = TRY(parse_uri(s.substr(i + 1, close - i - 1)));
        na.params = trim(s.substr(close + 1));
    } else {
        // addr-spec: the URI ends at the first ';' (§20.10: a URI with ';' needs <>).
        size_t semi = find_char(s, ';');
        na.uri = TRY(parse_uri(trim(s.substr(0, semi))));
        na.params = semi == kNpos ? Str {} : s.substr(semi);
    }
    if (!na.params.empty() && na.params[0] != ';')
        return Result<NameAddr>(Error::Malformed, "Junk after URI");
    return na;
}

} // namespace oh::sip
