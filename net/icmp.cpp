// ICMP parsing and echo message building (RFC 792 "Echo or Echo Reply Message").
#include "net/icmp.h"

#include "lib/bytes.h"
#include "net/checksum.h"

namespace oh::net {

Result<IcmpMessage> parse_icmp(std::span<const uint8_t> d)
{
    if (d.size() < kIcmpHeaderSize)
        return Error::NeedMore;
    Checksum sum;
    sum.add(d);
    if (!sum.verifies())
        return Error::Checksum;
    IcmpMessage m;
    m.type = d[0];
    m.code = d[1];
    m.identifier = load_be16(d.data() + 4);
    m.sequence = load_be16(d.data() + 6);
    m.payload = d.subspan(kIcmpHeaderSize);
    return m;
}

size_t write_icmp_echo(std::span<uint8_t> out, IcmpType type, uint16_t identifier,
    uint16_t sequence, std::span<const uint8_t> payload)
{
    uint8_t* p = out.data();
    p[0] = uint8_t(type);
    p[1] = 0;
    store_be16(p + 2, 0);
    store_be16(p + 4, identifier);
    store_be16(p + 6, sequence);
    // The payload may already sit in place (a reply built over its request): move, not copy.
    if (payload.data() != p + kIcmpHeaderSize)
        move_bytes(p + kIcmpHeaderSize, payload.data(), payload.size());
    size_t length = kIcmpHeaderSize + payload.size();
    store_be16(p + 2, internet_checksum(out.first(length)));
    return length;
}

} // namespace oh::net
