// SIP URI, name-addr and parameter parsing (RFC 3261 §19.1.1, §20.10, §25.1 grammar).
#include "sip/uri.h"

namespace oh::sip {

namespace {

enum class Part : uint8_t { User = kClassUser, Password = kClassPassword, Param = kClassParam, Header = kClassHeader };

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
        } else if (!has_class(c, uint8_t(part))) {
            return false;
        }
    }
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

} // namespace

Result<void> parse_hostport(Str s, Str& host, uint16_t& port)
{
    size_t host_end;
    if (!s.empty() && s[0] == '[') {
        size_t close = find_char(s, ']');
        if (close == kNpos)
            return Result<void>(Error::Malformed, "Bad IPv6 reference");
        host_end = close + 1;
        host = s.substr(0, host_end);
        if (!valid_ipv6_ref(host))
            return Result<void>(Error::Malformed, "Bad IPv6 reference");
    } else {
        // One pass: the host runs to the first character a hostname cannot hold.
        host_end = 0;
        while (host_end < s.size() && has_class(s[host_end], kClassHost))
            host_end++;
        host = s.substr(0, host_end);
        if (host.empty() || host.front() == '-' || host.front() == '.'
            || (host_end < s.size() && s[host_end] != ':'))
            return Result<void>(Error::Malformed, "Bad host");
    }
    port = 0;
    Str rest = s.substr(host_end);
    if (rest.empty())
        return {};
    auto port_value = rest[0] == ':' ? parse_uint(rest.substr(1), 65535) : std::nullopt;
    if (!port_value || *port_value == 0)
        return Result<void>(Error::Malformed, "Bad port");
    port = uint16_t(*port_value);
    return {};
}

bool parse_ipv4(Str s, Ipv4Address& out)
{
    auto a = parse_dotted_quad(s);
    if (a)
        out = *a;
    return bool(a);
}

bool Uri::ipv4(Ipv4Address& out) const { return parse_ipv4(host, out); }

Result<Uri> parse_uri(Str text)
{
    Uri u;
    u.text = text;
    // One pass checks every character and notes where the parts are: the scheme's ':', a
    // second ':' before the '@' (a password), the first '@', and the first '?' and ';' after
    // that '@' (the user part may hold both: user-unreserved, RFC 3261 §25.1) or after the
    // scheme when there is none; a ';' after the '?' belongs to the headers.
    size_t colon = kNpos, pw = kNpos, at = kNpos, q = kNpos, semi = kNpos;
    bool bad = false;
    for (size_t i = 0; i < text.size() && !bad; i++) {
        switch (kUriStops.v[uint8_t(text[i])]) {
        case 0: break;
        case kUriColon:
            if (colon == kNpos)
                colon = i;
            else if (pw == kNpos && at == kNpos)
                pw = i;
            break;
        case kUriAt:
            if (at == kNpos) {
                at = i;
                q = semi = kNpos;
            }
            break;
        case kUriQuestion:
            if (q == kNpos)
                q = i;
            break;
        case kUriSemi:
            if (semi == kNpos && q == kNpos)
                semi = i;
            break;
        default: bad = true; break;
        }
    }
    if (bad)
        colon = find_char(text, ':'); // the loop may have stopped before it
    if (colon == kNpos || colon == 0 || !is_alpha(text[0]))
        return Result<Uri>(Error::Malformed, "Bad URI scheme");
    if (bad)
        return Result<Uri>(Error::Malformed, "Bad URI character");
    Str scheme = text.substr(0, colon);
    // token_is folds case exactly for names of letters only: only 'S' and 's' fold onto 's'.
    if (token_is(scheme, "sip"))
        u.scheme = UriScheme::Sip;
    else if (token_is(scheme, "sips"))
        u.scheme = UriScheme::Sips;
    else {
        u.scheme = token_is(scheme, "tel") ? UriScheme::Tel : UriScheme::Other;
        if (colon + 1 == text.size())
            return Result<Uri>(Error::Malformed, "Empty URI");
        return u;
    }
    size_t host = colon + 1;
    if (at != kNpos) {
        u.user = text.substr(host, (pw == kNpos ? at : pw) - host);
        if (pw != kNpos)
            u.password = text.substr(pw + 1, at - pw - 1);
        if (u.user.empty() || !valid_part(u.user, Part::User) || !valid_part(u.password, Part::Password))
            return Result<Uri>(Error::Malformed, "Bad URI user");
        host = at + 1;
    }
    size_t end = text.size();
    if (q != kNpos) {
        u.headers = text.substr(q + 1);
        end = q;
        if (u.headers.empty() || !valid_part(u.headers, Part::Header))
            return Result<Uri>(Error::Malformed, "Bad URI headers");
    }
    // The host never contains ';' (an IPv6 reference neither), so the first one starts params.
    if (semi != kNpos) {
        u.params = text.substr(semi, end - semi);
        end = semi;
        if (!valid_part(u.params, Part::Param))
            return Result<Uri>(Error::Malformed, "Bad URI parameter");
    }
    TRY(parse_hostport(text.substr(host, end - host), u.host, u.port));
    return u;
}

Str find_param(Str params, Str name, bool* found)
{
    Str result;
    bool seen = false;
    for_each_param(params, [&](Str pname, Str value, bool) {
        if (!seen && ieq(pname, name)) {
            seen = true;
            result = value;
        }
    });
    if (found)
        *found = seen;
    return result;
}

Str unquote(Str v)
{
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
        return v.substr(1, v.size() - 2);
    return v;
}

bool params_well_formed(Str params)
{
    return for_each_param(params, [](Str, Str, bool) { });
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
