// SIP/SIPS URIs, name-addr/addr-spec and generic ;param lists (RFC 3261 §19.1, §20.10, §25.1).
#pragma once

#include <stdint.h>

#include "lib/inet.h"
#include "lib/result.h"
#include "sip/text.h"

namespace oh::sip {

enum class UriScheme : uint8_t { Sip, Sips, Tel, Other };

struct Uri {
    UriScheme scheme { UriScheme::Sip };
    Str user;     // still %-escaped
    Str password;
    Str host;     // IPv6 references keep their brackets: "[2001:db8::1]"
    uint16_t port { 0 }; // 0 = not given
    Str params;   // ";transport=udp;lr" (raw, with the leading ';')
    Str headers;  // "subject=x&priority=y" (raw, after '?')
    Str text;     // the whole URI as parsed

    bool host_is_ipv6() const { return !host.empty() && host[0] == '['; }
    // The host as an IPv4 literal, if it is one.
    bool ipv4(Ipv4Address& out) const;
};

// Parses an absolute URI. sip:/sips: get the full §19.1.1 structure; tel: and other schemes
// are accepted with only `scheme` and `text` set (they may appear in To/From).
Result<Uri> parse_uri(Str text);

// Looks a parameter up in ";a=b;c;d="quoted"" text; `found` tells a flag param (no '=') apart
// from an absent one. The returned value is raw (quotes kept).
Str find_param(Str params, Str name, bool* found = nullptr);

struct NameAddr {
    Str display;  // without the surrounding quotes, escapes kept
    Uri uri;
    Str params;   // header parameters after the URI (";tag=...;expires=...")
    Str tag() const { return find_param(params, "tag"); }
};

// RFC 3261 §25.1: every ';' starts a parameter with a name (generic-param = token [...]), so
// ";;" or a trailing ';' is malformed (RFC 4475 §3.1.2.1). Quoted values may hold ';'.
bool params_well_formed(Str params);

// name-addr ("Bob" <sip:bob@x>;tag=1) or addr-spec (sip:bob@x;tag=1): in the latter the
// parameters belong to the header, not to the URI (§20.10).
Result<NameAddr> parse_name_addr(Str text);

// host[:port] as in a SIP URI or a Via sent-by (RFC 3261 §25.1 hostport).
Result<void> parse_hostport(Str text, Str& host, uint16_t& port);

// Calls fn(name, value, has_value) for each ";name[=value]" parameter, in one pass (quoted
// values kept). Returns whether the list is well formed (RFC 3261 §25.1: every ';' starts a
// parameter whose name is a token, so ";;", a trailing ';', "; =x" or an unterminated quote
// is malformed, RFC 4475 §3.1.2.1); the parameters around a fault are still visited.
template<typename Fn>
bool for_each_param(Str params, Fn fn)
{
    bool well_formed = true;
    size_t i = 0;
    while (i < params.size()) {
        bool named = true; // false between a ';' and the token that must follow it
        for (; i < params.size() && (params[i] == ';' || is_lws(params[i])); i++) {
            if (params[i] == ';') {
                well_formed &= named;
                named = false;
            }
        }
        if (i == params.size()) {
            well_formed &= named;
            break;
        }
        well_formed &= named || is_token_char(params[i]);
        size_t start = i, eq = kNpos;
        bool quoted = false;
        for (; i < params.size(); i++) {
            char c = params[i];
            if (!kParamStops.v[uint8_t(c)])
                continue;
            if (quoted) {
                if (c == '\\')
                    i++;
                else if (c == '"')
                    quoted = false;
                continue;
            }
            if (c == ';')
                break;
            if (c == '"') {
                quoted = true;
            } else if (c == '=' && eq == kNpos) {
                eq = i;
                // In an unquoted value only ';' and '"' matter: go to the next of them, eight
                // bytes at a time (tags and branches are long).
                size_t next = find_either(params.data(), params.size(), i + 1, ';', '"');
                i = (next == kNpos ? params.size() : next) - 1;
            }
        }
        well_formed &= !quoted;
        size_t end = i < params.size() ? i : params.size();
        if (eq == kNpos)
            fn(trim(params.substr(start, end - start)), Str {}, false);
        else
            fn(trim(params.substr(start, eq - start)), trim(params.substr(eq + 1, end - eq - 1)), true);
    }
    return well_formed;
}

// Parses "a.b.c.d" strictly (no leading zeros games, each octet <= 255).
bool parse_ipv4(Str s, Ipv4Address& out);

// Removes one level of double quotes from a parameter value.
Str unquote(Str v);

} // namespace oh::sip
