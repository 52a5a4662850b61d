// UDP header parsing and writing with the RFC 768 pseudo-header checksum.
#include "net/udp.h"

#include "lib/bytes.h"
#include "net/checksum.h"
#include "net/ipv4.h"

namespace oh::net {

Result<UdpDatagram> parse_udp(std::span<const uint8_t> d, Ipv4Address source, Ipv4Address destination)
{
    if (d.size() < kUdpHeaderSize)
        return Error::NeedMore;
    const uint8_t* p = d.data();
    size_t length = load_be16(p + 4);
    if (length < kUdpHeaderSize)
        return { Error::Malformed, "UDP length below header" };
    if (length > d.size())
        return Error::NeedMore;
    UdpDatagram u;
    u.source_port = load_be16(p);
    u.destination_port = load_be16(p + 2);
    u.had_checksum = load_be16(p + 6) != 0;
    if (u.had_checksum) {
        Checksum sum;
        sum.add_pseudo_header(source, destination, uint8_t(IpProtocol::Udp), uint16_t(length));
        sum.add(d.first(length));
        if (!sum.verifies())
            return Error::Checksum;
    }
    if (u.source_port == 0 && u.destination_port == 0)
        return { Error::Malformed, "zero ports" };
    u.payload = d.subspan(kUdpHeaderSize, length - kUdpHeaderSize);
    return u;
}

void write_udp_header(std::span<uint8_t> out, Ipv4Address source, Ipv4Address destination,
    uint16_t source_port, uint16_t destination_port, size_t payload_length)
{
    uint8_t* p = out.data();
    uint16_t length = uint16_t(kUdpHeaderSize + payload_length);
    store_be16(p, source_port);
    store_be16(p + 2, destination_port);
    store_be16(p + 4, length);
    store_be16(p + 6, 0);
    Checksum sum;
    sum.add_pseudo_header(source, destination, uint8_t(IpProtocol::Udp), length);
    sum.add(out.first(length));
    uint16_t c = sum.finish();
    store_be16(p + 6, c == 0 ? 0xffff : c);
}

} // namespace oh::net
