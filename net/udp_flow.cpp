// Framing for a pre-resolved UDP flow (see udp_flow.h).
#include "net/udp_flow.h"

#include "lib/bytes.h"
#include "net/ethernet.h"
#include "net/ipv4.h"
#include "net/udp.h"

namespace oh::net {

size_t build_udp_frame(const UdpFlow& flow, uint16_t identification, std::span<const uint8_t> payload,
    std::span<uint8_t> out)
{
    constexpr size_t kHeaders = kEthernetHeaderSize + kIpv4HeaderSize + kUdpHeaderSize;
    if (payload.size() > kUdpMaxPayload)
        return 0;
    size_t length = kHeaders + payload.size();
    size_t padded = length < kEthernetMinFrame ? kEthernetMinFrame : length;
    if (out.size() < padded)
        return 0;
    uint8_t* p = out.data();
    write_ethernet_header(out, flow.destination_mac, flow.source_mac, EtherType::Ipv4);
    if (!payload.empty())
        copy_bytes(p + kHeaders, payload.data(), payload.size());
    write_udp_header(out.subspan(kEthernetHeaderSize + kIpv4HeaderSize), flow.source, flow.destination,
        flow.source_port, flow.destination_port, payload.size());
    Ipv4HeaderFields f;
    f.source = flow.source;
    f.destination = flow.destination;
    f.protocol = IpProtocol::Udp;
    f.payload_length = uint16_t(kUdpHeaderSize + payload.size());
    f.identification = identification;
    f.dont_fragment = true;
    f.dscp = flow.dscp;
    write_ipv4_header(out.subspan(kEthernetHeaderSize), f);
    for (size_t i = length; i < padded; i++)
        p[i] = 0;
    return padded;
}

} // namespace oh::net
