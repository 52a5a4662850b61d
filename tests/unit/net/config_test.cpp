// Tests for the `net=` command-line value parser.
#include "net/config.h"

#include <gtest/gtest.h>

namespace {

using namespace oh;
using namespace oh::net;
using oh::Error;
using oh::Ipv4Address;

TEST(NetConfig, Dhcp)
{
    auto c = parse_net_config("dhcp");
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->mode, AddressMode::Dhcp);
    EXPECT_FALSE(c->has_fallback);
}

TEST(NetConfig, StaticFull)
{
    auto c = parse_net_config("192.0.2.10/24,gw=192.0.2.1,dns=192.0.2.53");
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->mode, AddressMode::Static);
    EXPECT_EQ(c->settings.address, Ipv4Address(192, 0, 2, 10));
    EXPECT_EQ(c->settings.prefix_length, 24);
    EXPECT_EQ(c->settings.netmask(), 0xffffff00u);
    EXPECT_EQ(c->settings.gateway, Ipv4Address(192, 0, 2, 1));
    EXPECT_EQ(c->settings.dns, Ipv4Address(192, 0, 2, 53));
}

TEST(NetConfig, StaticMinimalAndReordered)
{
    auto c = parse_net_config("10.1.2.3/8");
    ASSERT_TRUE(c.has_value());
    EXPECT_TRUE(c->settings.gateway.is_unspecified());
    auto d = parse_net_config("192.0.2.10/24,dns=1.1.1.1,gw=192.0.2.254");
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->settings.gateway, Ipv4Address(192, 0, 2, 254));
    EXPECT_EQ(d->settings.dns, Ipv4Address(1, 1, 1, 1));
    auto p2p = parse_net_config("192.0.2.0/31"); // RFC 3021
    EXPECT_TRUE(p2p.has_value());
}

TEST(NetConfig, DhcpWithFallback)
{
    auto c = parse_net_config("dhcp,fallback=192.0.2.10/24,gw=192.0.2.1,dns=192.0.2.1,timeout=12");
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->mode, AddressMode::Dhcp);
    EXPECT_TRUE(c->has_fallback);
    EXPECT_EQ(c->settings.address, Ipv4Address(192, 0, 2, 10));
    EXPECT_EQ(c->settings.gateway, Ipv4Address(192, 0, 2, 1));
    EXPECT_EQ(c->fallback_after, 12 * oh::kNsPerSec);
}

TEST(NetConfig, Malformed)
{
    const char* bad[] = { "", "dhcpx", "192.0.2.10", "192.0.2.10/", "192.0.2.10/33", "192.0.2/24", "192.0.2.10.1/24",
        "192.0.2.256/24", "192.0.2.1000/24", "192.0.2.-1/24", "192.0.2.10/24,", "192.0.2.10/24,gw", "192.0.2.10/24,gw=",
        "192.0.2.10/24,mtu=9000", "192.0.2.10/24,timeout=5", "dhcp,gw=192.0.2.1", "dhcp,fallback=1.2.3.4",
        " 192.0.2.10/24", "192.0.2.10/24 ", "192..2.10/24", "0x7f.0.0.1/8", "192.0.2.10/024x" };
    for (const char* text : bad) {
        auto c = parse_net_config(text);
        EXPECT_TRUE(c.is_error()) << text;
        if (c.is_error()) {
            EXPECT_EQ(c.error(), Error::Malformed) << text;
        }
    }
}

TEST(NetConfig, WellFormedButUnusable)
{
    const char* bad[] = { "0.0.0.0/24", "192.0.2.0/24", "192.0.2.255/24", "224.0.0.1/4", "192.0.2.10/0",
        "192.0.2.10/24,gw=198.51.100.1", "192.0.2.10/24,gw=192.0.2.10" };
    for (const char* text : bad) {
        auto c = parse_net_config(text);
        EXPECT_TRUE(c.is_error()) << text;
        if (c.is_error()) {
            EXPECT_EQ(c.error(), Error::InvalidArgument) << text;
        }
    }
}

TEST(NetConfig, AddressParser)
{
    EXPECT_EQ(parse_ipv4_address("255.255.255.255").value(), Ipv4Address(0xffffffff));
    EXPECT_EQ(parse_ipv4_address("0.0.0.0").value(), Ipv4Address());
    EXPECT_TRUE(parse_ipv4_address("1.2.3").is_error());
    EXPECT_TRUE(parse_ipv4_address("1.2.3.4.").is_error());
    EXPECT_TRUE(parse_ipv4_address("").is_error());
}

} // namespace
