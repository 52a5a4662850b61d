// Parser for the `net=` value: `dhcp[,fallback=...]` or `ADDR/PREFIX[,gw=GW][,dns=DNS]`.
#include "net/config.h"

#include "lib/inet.h"
#include "lib/text.h"

namespace oh::net {

namespace {

Result<uint32_t> parse_decimal(Str s, uint32_t max)
{
    if (auto v = parse_uint(s, max))
        return *v;
    return Error::Malformed;
}

// Splits off the text up to the next comma.
std::string_view next_item(std::string_view& rest)
{
    size_t comma = find_char(rest, ',');
    std::string_view item = Str(rest).substr(0, comma);
    rest = comma == kNpos ? std::string_view() : std::string_view(Str(rest).substr(comma + 1));
    return item;
}

Result<void> parse_address_prefix(std::string_view s, Ipv4Settings& out)
{
    size_t slash = find_char(s, '/');
    if (slash == kNpos)
        return { Error::Malformed, "missing /prefix" };
    out.address = TRY(parse_ipv4_address(Str(s).substr(0, slash)));
    out.prefix_length = uint8_t(TRY(parse_decimal(Str(s).substr(slash + 1), 32)));
    return {};
}

// gw=, dns= and (DHCP only) timeout= options after the address.
Result<void> parse_options(std::string_view rest, NetConfig& config, bool allow_timeout)
{
    while (!rest.empty()) {
        std::string_view item = next_item(rest);
        size_t eq = find_char(item, '=');
        if (eq == kNpos)
            return { Error::Malformed, "expected key=value" };
        std::string_view key = Str(item).substr(0, eq);
        std::string_view value = Str(item).substr(eq + 1);
        if (key == "gw")
            config.settings.gateway = TRY(parse_ipv4_address(value));
        else if (key == "dns")
            config.settings.dns = TRY(parse_ipv4_address(value));
        else if (key == "timeout" && allow_timeout)
            config.fallback_after = Nanoseconds(TRY(parse_decimal(value, 3600))) * kNsPerSec;
        else if (key == "fallback" && allow_timeout && !config.has_fallback) {
            TRY(parse_address_prefix(value, config.settings));
            config.has_fallback = true;
        } else
            return { Error::Malformed, "unknown option" };
    }
    return {};
}

Result<void> validate(const Ipv4Settings& s)
{
    Ipv4Address a = s.address;
    if (a.is_unspecified() || a.is_broadcast() || a.is_multicast() || s.prefix_length == 0)
        return { Error::InvalidArgument, "unusable address" };
    // /31 and /32 have no network/broadcast addresses (RFC 3021); shorter prefixes do.
    if (s.prefix_length <= 30 && (a == s.subnet_broadcast() || (a.value & ~s.netmask()) == 0))
        return { Error::InvalidArgument, "network or broadcast address" };
    if (!s.gateway.is_unspecified() && (!s.on_link(s.gateway) || s.gateway == a))
        return { Error::InvalidArgument, "gateway not on the subnet" };
    return {};
}

} // namespace

Result<Ipv4Address> parse_ipv4_address(std::string_view s)
{
    if (auto a = parse_dotted_quad(s))
        return *a;
    return { Error::Malformed, "bad dotted quad" };
}

Result<NetConfig> parse_net_config(std::string_view text)
{
    NetConfig config;
    if (text.empty() || text.back() == ',')
        return { Error::Malformed, "empty item" };
    std::string_view rest = text;
    std::string_view first = next_item(rest);
    if (first == "dhcp") {
        config.mode = AddressMode::Dhcp;
        TRY(parse_options(rest, config, true));
        if (!config.has_fallback && !(config.settings == Ipv4Settings {}))
            return { Error::Malformed, "gw/dns given without fallback=" };
        if (config.has_fallback)
            TRY(validate(config.settings));
        return config;
    }
    config.mode = AddressMode::Static;
    TRY(parse_address_prefix(first, config.settings));
    TRY(parse_options(rest, config, false));
    TRY(validate(config.settings));
    return config;
}

} // namespace oh::net
