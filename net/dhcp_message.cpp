// DHCP message parsing (RFC 2131 §2/§3, RFC 2132 options) and client message building.
#include "net/dhcp_message.h"

#include "lib/bytes.h"

namespace oh::net {

namespace {

constexpr size_t kOffXid = 4;
constexpr size_t kOffSecs = 8;
constexpr size_t kOffFlags = 10;
constexpr size_t kOffCiaddr = 12;
constexpr size_t kOffYiaddr = 16;
constexpr size_t kOffSiaddr = 20;
constexpr size_t kOffChaddr = 28;

Result<void> take_address(std::span<const uint8_t> value, Ipv4Address& out)
{
    if (value.size() != 4)
        return { Error::Malformed, "address option length" };
    out = Ipv4Address(load_be32(value.data()));
    return {};
}

Result<void> take_seconds(std::span<const uint8_t> value, uint32_t& out, bool& has)
{
    if (value.size() != 4)
        return { Error::Malformed, "time option length" };
    out = load_be32(value.data());
    has = true;
    return {};
}

Result<void> apply_option(DhcpMessage& m, uint8_t code, std::span<const uint8_t> value)
{
    switch (DhcpOption(code)) {
    case DhcpOption::MessageType:
        if (value.size() != 1 || value[0] < 1 || value[0] > 8)
            return { Error::Malformed, "message type" };
        m.type = DhcpMessageType(value[0]);
        return {};
    case DhcpOption::SubnetMask:
        m.has_subnet_mask = true;
        return take_address(value, m.subnet_mask);
    case DhcpOption::Router:
        // RFC 2132 §3.5: a list, in order of preference; the first is enough for us.
        if (value.empty() || value.size() % 4)
            return { Error::Malformed, "router list length" };
        return take_address(value.first(4), m.router);
    case DhcpOption::DomainNameServer:
        if (value.empty() || value.size() % 4)
            return { Error::Malformed, "DNS list length" };
        m.dns_count = 0;
        for (size_t i = 0; i + 4 <= value.size() && m.dns_count < kDhcpMaxDnsServers; i += 4)
            m.dns[m.dns_count++] = Ipv4Address(load_be32(value.data() + i));
        return {};
    case DhcpOption::ServerIdentifier:
        return take_address(value, m.server_id);
    case DhcpOption::RequestedAddress:
        return take_address(value, m.requested_address);
    case DhcpOption::LeaseTime:
        return take_seconds(value, m.lease_time, m.has_lease_time);
    case DhcpOption::RenewalTime:
        return take_seconds(value, m.t1, m.has_t1);
    case DhcpOption::RebindingTime:
        return take_seconds(value, m.t2, m.has_t2);
    case DhcpOption::RapidCommit:
        if (!value.empty()) // RFC 4039 §4: Len is 0
            return { Error::Malformed, "rapid commit length" };
        m.rapid_commit = true;
        return {};
    default:
        return {}; // RFC 2131 §4.1: clients ignore options they do not know
    }
}

} // namespace

Result<DhcpMessage> parse_dhcp(std::span<const uint8_t> d)
{
    if (d.size() < kDhcpMinSize)
        return Error::NeedMore;
    const uint8_t* p = d.data();
    DhcpMessage m;
    m.op = p[0];
    if ((m.op != 1 && m.op != 2) || p[1] != 1 || p[2] != 6)
        return { Error::Malformed, "op/htype/hlen" };
    if (load_be32(p + kDhcpFixedSize) != kDhcpMagicCookie)
        return { Error::Malformed, "magic cookie" };
    m.xid = load_be32(p + kOffXid);
    m.flags = load_be16(p + kOffFlags);
    m.ciaddr = Ipv4Address(load_be32(p + kOffCiaddr));
    m.yiaddr = Ipv4Address(load_be32(p + kOffYiaddr));
    m.siaddr = Ipv4Address(load_be32(p + kOffSiaddr));
    m.chaddr = MacAddress::from(p + kOffChaddr);

    // RFC 2132 §2: code, length, value; Pad and End have no length octet.
    size_t i = kDhcpMinSize;
    while (true) {
        if (i >= d.size())
            return { Error::NeedMore, "no End option" };
        uint8_t code = p[i++];
        if (code == uint8_t(DhcpOption::End))
            return m;
        if (code == uint8_t(DhcpOption::Pad))
            continue;
        if (i >= d.size())
            return Error::NeedMore;
        size_t length = p[i++];
        if (length > d.size() - i)
            return Error::NeedMore;
        TRY(apply_option(m, code, d.subspan(i, length)));
        i += length;
    }
}

size_t write_dhcp_request(std::span<uint8_t> out, const DhcpRequestFields& f)
{
    uint8_t* p = out.data();
    fill_bytes(p, 0, kDhcpMinSize);
    p[0] = 1; // BOOTREQUEST
    p[1] = 1; // Ethernet
    p[2] = 6;
    store_be32(p + kOffXid, f.xid);
    store_be16(p + kOffSecs, f.secs);
    // RFC 2131 §4.1: the broadcast bit asks the server to broadcast its reply (we accept
    // unicast replies to an unconfigured address, so we leave it clear by default).
    store_be16(p + kOffFlags, f.broadcast_flag ? 0x8000 : 0);
    store_be32(p + kOffCiaddr, f.ciaddr.value);
    f.chaddr.store(p + kOffChaddr);
    store_be32(p + kDhcpFixedSize, kDhcpMagicCookie);

    size_t i = kDhcpMinSize;
    auto option = [&](DhcpOption code, std::span<const uint8_t> value) {
        p[i++] = uint8_t(code);
        p[i++] = uint8_t(value.size());
        if (!value.empty())
            copy_bytes(p + i, value.data(), value.size());
        i += value.size();
    };
    auto address_option = [&](DhcpOption code, Ipv4Address a) {
        uint8_t v[4];
        store_be32(v, a.value);
        option(code, v);
    };
    const uint8_t type = uint8_t(f.type);
    option(DhcpOption::MessageType, { &type, 1 });
    // RFC 2132 §9.14: client identifier = hardware type + MAC.
    uint8_t client_id[7] = { 1 };
    f.chaddr.store(client_id + 1);
    option(DhcpOption::ClientIdentifier, client_id);
    if (!f.requested_address.is_unspecified())
        address_option(DhcpOption::RequestedAddress, f.requested_address);
    if (!f.server_id.is_unspecified())
        address_option(DhcpOption::ServerIdentifier, f.server_id);
    if (f.type == DhcpMessageType::Discover || f.type == DhcpMessageType::Request) {
        const uint8_t wanted[] = { uint8_t(DhcpOption::SubnetMask), uint8_t(DhcpOption::Router),
            uint8_t(DhcpOption::DomainNameServer), uint8_t(DhcpOption::LeaseTime),
            uint8_t(DhcpOption::RenewalTime), uint8_t(DhcpOption::RebindingTime) };
        option(DhcpOption::ParameterRequestList, wanted);
        uint8_t max_size[2];
        store_be16(max_size, 576); // RFC 2131 §2: every host accepts 576-byte datagrams
        option(DhcpOption::MaxMessageSize, max_size);
    }
    if (f.rapid_commit && f.type == DhcpMessageType::Discover)
        option(DhcpOption::RapidCommit, {});
    p[i++] = uint8_t(DhcpOption::End);
    // Pad to the BOOTP minimum of 300 bytes; some relays drop shorter ones (RFC 1542 §3.1).
    if (i < kDhcpMaxRequestSize) {
        fill_bytes(p + i, 0, kDhcpMaxRequestSize - i);
        i = kDhcpMaxRequestSize;
    }
    return i;
}

} // namespace oh::net
