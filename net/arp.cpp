// ARP (RFC 826) packet parsing and writing for the Ethernet/IPv4 pair only.
#include "net/arp.h"

#include "lib/bytes.h"

namespace oh::net {

namespace {
constexpr uint16_t kHardwareEthernet = 1;
constexpr uint16_t kProtocolIpv4 = 0x0800;
}

Result<ArpPacket> parse_arp(std::span<const uint8_t> d)
{
    if (d.size() < kArpPacketSize)
        return Error::NeedMore;
    const uint8_t* p = d.data();
    if (load_be16(p) != kHardwareEthernet || load_be16(p + 2) != kProtocolIpv4 || p[4] != 6 || p[5] != 4)
        return { Error::Unsupported, "not Ethernet/IPv4 ARP" };
    uint16_t op = load_be16(p + 6);
    if (op != uint16_t(ArpOperation::Request) && op != uint16_t(ArpOperation::Reply))
        return { Error::Malformed, "unknown ARP operation" };
    ArpPacket a;
    a.operation = ArpOperation(op);
    a.sender_mac = MacAddress::from(p + 8);
    a.sender_ip = Ipv4Address(load_be32(p + 14));
    a.target_mac = MacAddress::from(p + 18);
    a.target_ip = Ipv4Address(load_be32(p + 24));
    // A group address as a sender would poison caches (RFC 1812 §3.3.2 rejects them too).
    if (a.sender_mac.is_multicast() || a.sender_ip.is_broadcast() || a.sender_ip.is_multicast())
        return { Error::Malformed, "bogus ARP sender" };
    return a;
}

void write_arp(std::span<uint8_t> out, const ArpPacket& a)
{
    uint8_t* p = out.data();
    store_be16(p, kHardwareEthernet);
    store_be16(p + 2, kProtocolIpv4);
    p[4] = 6;
    p[5] = 4;
    store_be16(p + 6, uint16_t(a.operation));
    a.sender_mac.store(p + 8);
    store_be32(p + 14, a.sender_ip.value);
    a.target_mac.store(p + 18);
    store_be32(p + 24, a.target_ip.value);
}

} // namespace oh::net
