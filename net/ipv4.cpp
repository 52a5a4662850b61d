// IPv4 header validation and writing (RFC 791 §3.1, checksum per RFC 1071).
#include "net/ipv4.h"

#include "lib/bytes.h"
#include "net/checksum.h"

namespace oh::net {

Result<Ipv4Packet> parse_ipv4(std::span<const uint8_t> d)
{
    if (d.size() < kIpv4HeaderSize)
        return Error::NeedMore;
    const uint8_t* p = d.data();
    if ((p[0] >> 4) != 4)
        return { Error::Malformed, "not IPv4" };
    size_t header_length = size_t(p[0] & 0x0f) * 4;
    if (header_length < kIpv4HeaderSize)
        return { Error::Malformed, "IHL below 5" };
    size_t total_length = load_be16(p + 2);
    if (total_length < header_length)
        return { Error::Malformed, "total length below header" };
    if (d.size() < header_length || d.size() < total_length)
        return Error::NeedMore;
    Checksum sum;
    sum.add(d.first(header_length));
    if (!sum.verifies())
        return Error::Checksum;

    Ipv4Packet packet;
    uint16_t flags_fragment = load_be16(p + 6);
    // RFC 791 §3.1: bit 0 reserved (must be zero), bit 1 DF, bit 2 MF, 13-bit offset in 8s.
    if (flags_fragment & 0x8000)
        return { Error::Malformed, "reserved flag set" };
    packet.more_fragments = flags_fragment & 0x2000;
    packet.fragment_offset = uint16_t((flags_fragment & 0x1fff) * 8);
    packet.identification = load_be16(p + 4);
    packet.ttl = p[8];
    packet.protocol = p[9];
    packet.source = Ipv4Address(load_be32(p + 12));
    packet.destination = Ipv4Address(load_be32(p + 16));
    packet.payload = d.subspan(header_length, total_length - header_length);
    return packet;
}

void write_ipv4_header(std::span<uint8_t> out, const Ipv4HeaderFields& f)
{
    uint8_t* p = out.data();
    p[0] = 0x45;
    p[1] = uint8_t(f.dscp << 2); // ECN not used
    store_be16(p + 2, uint16_t(kIpv4HeaderSize + f.payload_length));
    store_be16(p + 4, f.identification);
    store_be16(p + 6, uint16_t((f.dont_fragment ? 0x4000 : 0) | (f.more_fragments ? 0x2000 : 0) |
                                ((f.fragment_offset / 8) & 0x1fff)));
    p[8] = f.ttl;
    p[9] = uint8_t(f.protocol);
    store_be16(p + 10, 0);
    store_be32(p + 12, f.source.value);
    store_be32(p + 16, f.destination.value);
    store_be16(p + 10, internet_checksum(out.first(kIpv4HeaderSize)));
}

} // namespace oh::net
