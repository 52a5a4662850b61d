// Stack ICMP: answering echo requests (RFC 792, RFC 1122 §3.2.2.6) and sending pings whose
// replies come back with round-trip times.
#include "net/stack.h"

#include "lib/bytes.h"
#include "net/checksum.h"

namespace oh::net {

void Stack::handle_icmp(const Ipv4Packet& ip)
{
    auto parsed = parse_icmp(ip.payload);
    if (parsed.is_error()) {
        m_counters.bump(parsed.error() == Error::NeedMore ? Counter::DropIcmpTruncated : Counter::DropIcmpChecksum);
        return;
    }
    const IcmpMessage& m = parsed.value();
    switch (IcmpType(m.type)) {
    case IcmpType::EchoRequest: {
        m_counters.bump(Counter::IcmpEchoRequestsIn);
        // RFC 1122 §3.2.2.6 lets hosts ignore broadcast pings; we do (no smurf amplifier).
        if (!m_icmp_echo || !m_configured || !(ip.destination == m_settings.address))
            return;
        // RFC 792: the reply carries the request's identifier, sequence and data unchanged;
        // reassembled requests are answered with fragments.
        uint8_t header[kIcmpHeaderSize] = { uint8_t(IcmpType::EchoReply), 0, 0, 0 };
        store_be16(header + 4, m.identifier);
        store_be16(header + 6, m.sequence);
        Checksum sum;
        sum.add(header);
        sum.add(m.payload);
        store_be16(header + 2, sum.finish());
        if (send_datagram(ip.source, IpProtocol::Icmp, header, m.payload, m_settings.address).has_value())
            m_counters.bump(Counter::IcmpEchoRepliesOut);
        return;
    }
    case IcmpType::EchoReply:
        handle_echo_reply(ip, m);
        return;
    default:
        m_counters.bump(Counter::IcmpOtherIn);
        return;
    }
}

void Stack::handle_echo_reply(const Ipv4Packet& ip, const IcmpMessage& m)
{
    if (m.identifier != m_ping_id) {
        m_counters.bump(Counter::DropIcmpUnmatchedReply);
        return;
    }
    for (PingOut& out : m_pings) {
        if (!out.used || out.sequence != m.sequence || !(out.destination == ip.source))
            continue;
        out.used = false;
        PingReply reply;
        reply.from = ip.source;
        reply.sequence = m.sequence;
        reply.payload_size = uint16_t(m.payload.size());
        reply.ttl = ip.ttl;
        reply.rtt = m_clock.now_ns() - out.sent;
        // A full ring forgets its oldest reply: the newest matters most to a ping loop.
        size_t slot = (m_ping_reply_head + m_ping_reply_count) % kPingReplies;
        if (m_ping_reply_count == kPingReplies)
            m_ping_reply_head = uint8_t((m_ping_reply_head + 1) % kPingReplies);
        else
            m_ping_reply_count++;
        m_ping_replies[slot] = reply;
        m_counters.bump(Counter::IcmpEchoRepliesIn);
        if (m_listener)
            m_listener->on_ping_reply();
        return;
    }
    m_counters.bump(Counter::DropIcmpUnmatchedReply);
}

Result<void> Stack::ping(Ipv4Address destination, uint16_t sequence, size_t payload_size)
{
    if (payload_size > kEthernetMtu - kIpv4HeaderSize - kIcmpHeaderSize)
        return { Error::InvalidArgument, "payload larger than the MTU" };
    if (!m_configured)
        return { Error::Unreachable, "no address" };
    std::span<uint8_t> body = ip_payload_buffer().subspan(kIcmpHeaderSize, payload_size);
    // The classic ping pattern: incrementing bytes, easy to spot in a capture.
    for (size_t i = 0; i < payload_size; ++i)
        body[i] = uint8_t(i);
    size_t length = write_icmp_echo(ip_payload_buffer(), IcmpType::EchoRequest, m_ping_id, sequence, body);

    // Reuse the slot of the same sequence, else a free one, else the oldest.
    PingOut* slot = nullptr;
    for (PingOut& out : m_pings) {
        if (out.used && out.sequence == sequence) {
            slot = &out;
            break;
        }
        if (!slot || (slot->used && (!out.used || out.sent < slot->sent)))
            slot = &out;
    }
    slot->used = true;
    slot->sequence = sequence;
    slot->destination = destination;
    slot->sent = m_clock.now_ns();
    TRY(send_ip(destination, IpProtocol::Icmp, length, m_settings.address));
    m_counters.bump(Counter::IcmpEchoRequestsOut);
    return {};
}

std::optional<PingReply> Stack::take_ping_reply()
{
    if (!m_ping_reply_count)
        return std::nullopt;
    PingReply r = m_ping_replies[m_ping_reply_head];
    m_ping_reply_head = uint8_t((m_ping_reply_head + 1) % kPingReplies);
    m_ping_reply_count--;
    return r;
}

} // namespace oh::net
