// Stack IPv4 transmission: routing to a link-layer destination, ARP parking, and
// fragmentation of datagrams larger than the MTU (RFC 791 §3.2, RFC 1122 §3.3.3).
#include "net/stack.h"

#include "lib/bytes.h"
#include "net/checksum.h"

namespace oh::net {

namespace {
constexpr uint8_t kNoBuffer = PacketPool<1, 1>::kNone;
constexpr size_t kMaxFragmentPayload = (kEthernetMtu - kIpv4HeaderSize) / 8 * 8; // 1480
}

Result<Stack::LinkTarget> Stack::route(Ipv4Address destination)
{
    LinkTarget t;
    if (destination.is_broadcast() || (m_configured && destination == m_settings.subnet_broadcast())) {
        t.mac = MacAddress::broadcast();
        return t;
    }
    if (destination.is_multicast()) {
        // RFC 1112 §6.4: 01:00:5e plus the low 23 bits of the group.
        t.mac = { { 0x01, 0x00, 0x5e, uint8_t(destination.octet(1) & 0x7f), destination.octet(2), destination.octet(3) } };
        return t;
    }
    if (!m_configured || (!m_settings.on_link(destination) && m_settings.gateway.is_unspecified())) {
        m_counters.bump(Counter::DropTxNoRoute);
        return Error::Unreachable;
    }
    t.next_hop = m_settings.on_link(destination) ? destination : m_settings.gateway;
    if (const MacAddress* mac = m_arp.lookup(t.next_hop))
        t.mac = *mac;
    else
        t.resolved = false;
    return t;
}

// Sends the IP packet already in m_tx (after the Ethernet header) to where route() said.
Result<void> Stack::emit(const LinkTarget& target, size_t frame_length)
{
    if (!target.resolved) {
        // Parked with a placeholder destination that flush_parked() fills in.
        write_ethernet_header({ m_tx, sizeof m_tx }, MacAddress {}, m_mac, EtherType::Ipv4);
        return park(frame_length, target.next_hop);
    }
    write_ethernet_header({ m_tx, sizeof m_tx }, target.mac, m_mac, EtherType::Ipv4);
    if (!transmit(m_tx, frame_length))
        return Error::IoError;
    return {};
}

Result<void> Stack::send_ip(Ipv4Address destination, IpProtocol protocol, size_t payload_length, Ipv4Address source)
{
    if (payload_length > kEthernetMtu - kIpv4HeaderSize) {
        m_counters.bump(Counter::DropTxTooBig);
        return Error::NoSpace;
    }
    LinkTarget target = TRY(route(destination));
    Ipv4HeaderFields f;
    f.source = source;
    f.destination = destination;
    f.protocol = protocol;
    f.payload_length = uint16_t(payload_length);
    f.identification = m_ip_id++;
    write_ipv4_header({ m_tx + kEthernetHeaderSize, kIpv4HeaderSize }, f);
    return emit(target, kEthernetHeaderSize + kIpv4HeaderSize + payload_length);
}

size_t Stack::free_parking() const
{
    size_t n = 0;
    for (const Parked& p : m_parked)
        n += p.buffer == kNoBuffer;
    return n;
}

Result<void> Stack::send_datagram(Ipv4Address destination, IpProtocol protocol, const uint8_t (&header)[8],
    std::span<const uint8_t> body, Ipv4Address source)
{
    size_t total = sizeof header + body.size();
    if (total > kMaxIpPayload) {
        m_counters.bump(Counter::DropTxTooBig);
        return { Error::NoSpace, "datagram larger than kMaxIpPayload" };
    }
    LinkTarget target = TRY(route(destination));
    size_t fragments = (total + kMaxFragmentPayload - 1) / kMaxFragmentPayload;
    // All fragments or none: a datagram missing one is worthless to the receiver.
    if (!target.resolved && fragments > free_parking()) {
        m_counters.bump(Counter::DropArpQueueFull);
        return Error::NoMemory;
    }
    Ipv4HeaderFields f;
    f.source = source;
    f.destination = destination;
    f.protocol = protocol;
    f.identification = m_ip_id++;
    uint8_t* out = m_tx + kEthernetHeaderSize + kIpv4HeaderSize;
    for (size_t offset = 0; offset < total; offset += kMaxFragmentPayload) {
        size_t n = total - offset < kMaxFragmentPayload ? total - offset : kMaxFragmentPayload;
        if (offset == 0) {
            copy_bytes(out, header, sizeof header);
            move_bytes(out + sizeof header, body.data(), n - sizeof header);
        } else {
            copy_bytes(out, body.data() + offset - sizeof header, n);
        }
        f.payload_length = uint16_t(n);
        f.fragment_offset = uint16_t(offset);
        f.more_fragments = offset + n < total;
        write_ipv4_header({ m_tx + kEthernetHeaderSize, kIpv4HeaderSize }, f);
        TRY(emit(target, kEthernetHeaderSize + kIpv4HeaderSize + n));
        if (f.more_fragments)
            m_counters.bump(Counter::IpFragmentsOut);
    }
    return {};
}

bool Stack::transmit(uint8_t* frame, size_t length)
{
    if (length < kEthernetMinFrame) {
        fill_bytes(frame + length, 0, kEthernetMinFrame - length);
        length = kEthernetMinFrame;
    }
    if (m_device.transmit({ frame, length }).is_error()) {
        m_counters.bump(Counter::DropTxDevice);
        return false;
    }
    m_counters.bump(Counter::TxFrames);
    m_counters.bump(Counter::TxBytes, uint32_t(length));
    return true;
}

// The frame in m_tx waits in the pool until next_hop answers ARP (RFC 1122 §2.3.2.2 asks
// for at least one such packet per destination; we keep kArpQueueLimit in all).
Result<void> Stack::park(size_t frame_length, Ipv4Address next_hop)
{
    Parked* slot = nullptr;
    for (Parked& p : m_parked)
        if (p.buffer == kNoBuffer)
            slot = &p;
    if (!slot) {
        m_counters.bump(Counter::DropArpQueueFull);
        return Error::NoMemory;
    }
    uint8_t buffer = m_pool.allocate();
    if (buffer == kNoBuffer) {
        m_counters.bump(Counter::DropPoolExhausted);
        return Error::NoMemory;
    }
    auto started = m_arp.start_resolution(next_hop, m_clock.now_ns());
    if (started.is_error()) {
        m_pool.release(buffer);
        m_counters.bump(Counter::DropArpCacheFull);
        return started.error();
    }
    copy_bytes(m_pool.buffer(buffer).data(), m_tx, frame_length);
    m_pool.set_length(buffer, frame_length);
    slot->buffer = buffer;
    slot->next_hop = next_hop;
    if (started.value())
        send_arp(ArpOperation::Request, MacAddress::broadcast(), MacAddress {}, next_hop);
    return {};
}

void Stack::flush_parked(Ipv4Address next_hop, const MacAddress& mac)
{
    // Oldest first would need timestamps; slots fill from the end, so walk them backwards.
    for (size_t i = kArpQueueLimit; i-- > 0;) {
        Parked& p = m_parked[i];
        if (p.buffer == kNoBuffer || !(p.next_hop == next_hop))
            continue;
        std::span<uint8_t> frame = m_pool.buffer(p.buffer);
        mac.store(frame.data());
        transmit(frame.data(), m_pool.contents(p.buffer).size());
        m_pool.release(p.buffer);
        p.buffer = kNoBuffer;
    }
}

void Stack::drop_parked(Ipv4Address next_hop)
{
    for (Parked& p : m_parked) {
        if (p.buffer == kNoBuffer || !(p.next_hop == next_hop))
            continue;
        m_pool.release(p.buffer);
        p.buffer = kNoBuffer;
        m_counters.bump(Counter::DropArpUnresolved);
    }
}

} // namespace oh::net
