// Ethernet II header parsing and writing.
#include "net/ethernet.h"

#include "lib/bytes.h"

namespace oh::net {

Result<EthernetFrame> parse_ethernet(std::span<const uint8_t> frame)
{
    if (frame.size() < kEthernetHeaderSize)
        return Error::NeedMore;
    EthernetFrame f;
    f.destination = MacAddress::from(frame.data());
    f.source = MacAddress::from(frame.data() + 6);
    f.ether_type = load_be16(frame.data() + 12);
    // IEEE 802.3 §3.2.6: values up to 1500 are lengths (802.3/LLC), 1536 and up are types.
    if (f.ether_type < 0x0600)
        return { Error::Unsupported, "802.3 length frame" };
    if (f.ether_type == uint16_t(EtherType::Vlan))
        return { Error::Unsupported, "802.1Q tagged" };
    f.payload = frame.subspan(kEthernetHeaderSize);
    return f;
}

void write_ethernet_header(std::span<uint8_t> out, const MacAddress& destination,
    const MacAddress& source, EtherType type)
{
    destination.store(out.data());
    source.store(out.data() + 6);
    store_be16(out.data() + 12, uint16_t(type));
}

} // namespace oh::net
