// Network configuration: static IPv4 settings or DHCP, and the parser for the kernel's
// `net=` command-line value.
#pragma once

#include <stdint.h>

#include <string_view>

#include "lib/clock.h"
#include "lib/inet.h"
#include "lib/result.h"

namespace oh::net {

struct Ipv4Settings {
    Ipv4Address address;
    uint8_t prefix_length { 0 };
    Ipv4Address gateway; // unspecified: on-link only
    Ipv4Address dns;     // unspecified: no resolver

    constexpr uint32_t netmask() const
    {
        return prefix_length == 0 ? 0 : ~uint32_t(0) << (32 - prefix_length);
    }
    constexpr bool on_link(Ipv4Address a) const
    {
        return !address.is_unspecified() && ((a.value ^ address.value) & netmask()) == 0;
    }
    constexpr Ipv4Address subnet_broadcast() const { return Ipv4Address(address.value | ~netmask()); }
    constexpr bool operator==(const Ipv4Settings&) const = default;
};

enum class AddressMode : uint8_t {
    Static,
    Dhcp,
};

constexpr Nanoseconds kDefaultDhcpFallbackAfter = 30 * kNsPerSec;

struct NetConfig {
    AddressMode mode { AddressMode::Dhcp };
    // Static: the settings. Dhcp: the fallback applied if no lease arrives in time
    // (has_fallback false: keep trying forever).
    Ipv4Settings settings;
    bool has_fallback { false };
    Nanoseconds fallback_after { kDefaultDhcpFallbackAfter };
    // Dhcp: the address of a lease from before this boot (kept on the disk) and the server
    // that granted it. Set: DHCP starts with an INIT-REBOOT REQUEST for it (RFC 2131 §3.2).
    Ipv4Address remembered;
    Ipv4Address remembered_server;
};

// Accepted forms (no spaces):
//   dhcp
//   dhcp,fallback=192.0.2.10/24[,gw=192.0.2.1][,dns=192.0.2.1][,timeout=30]
//   192.0.2.10/24[,gw=192.0.2.1][,dns=192.0.2.1]
// Malformed: bad syntax. InvalidArgument: well-formed but unusable (a gateway off the
// subnet, a network or broadcast address as the host address).
Result<NetConfig> parse_net_config(std::string_view text);

// Strict dotted quad: four decimal octets of one to three digits each.
Result<Ipv4Address> parse_ipv4_address(std::string_view text);

} // namespace oh::net
