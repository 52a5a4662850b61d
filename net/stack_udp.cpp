// Stack UDP: sockets with bounded receive queues, port demultiplexing, the echo service,
// and the DHCP/DNS clients' transport.
#include "net/stack.h"

#include "lib/bytes.h"
#include "net/checksum.h"
#include "net/ephemeral_port.h"

namespace oh::net {

namespace {
constexpr uint8_t kNoBuffer = PacketPool<1, 1>::kNone;
// Sockets may hold at most this many pool buffers, so a flood towards a socket can never
// starve the ARP queue of the buffers it needs.
constexpr size_t kSocketBufferLimit = kPoolBuffers - kArpQueueLimit;
}

Stack::Socket* Stack::socket_for(SocketId id)
{
    return const_cast<Socket*>(static_cast<const Stack*>(this)->socket_for(id));
}

const Stack::Socket* Stack::socket_for(SocketId id) const
{
    size_t index = id.value & 0xff;
    if (index >= kUdpSockets)
        return nullptr;
    const Socket& s = m_sockets[index];
    return s.open && s.generation == (id.value >> 8) ? &s : nullptr;
}

bool Stack::port_in_use(uint16_t port) const
{
    if (m_dns.uses_port(port) || port == kDhcpClientPort || (m_udp_echo && port == kUdpEchoPort))
        return true;
    for (const Socket& s : m_sockets)
        if (s.open && s.local_port == port)
            return true;
    return false;
}

Result<SocketId> Stack::udp_open(uint16_t local_port)
{
    if (local_port == 0) {
        // RFC 6056 §3.3: an unpredictable ephemeral port, not the next one in turn.
        auto port = pick_ephemeral_port(m_random, [this](uint16_t p) { return !port_in_use(p); });
        if (!port)
            return { Error::Exists, "no free ephemeral port" };
        local_port = *port;
    }
    if (port_in_use(local_port))
        return { Error::Exists, "port in use" };
    for (size_t i = 0; i < kUdpSockets; ++i) {
        Socket& s = m_sockets[i];
        if (s.open)
            continue;
        s.open = true;
        s.generation++;
        s.local_port = local_port;
        s.remote = {};
        s.head = s.count = 0;
        return SocketId { uint16_t(i | (size_t(s.generation) << 8)) };
    }
    return { Error::NoMemory, "no free socket" };
}

Result<void> Stack::udp_connect(SocketId id, Endpoint remote)
{
    Socket* s = socket_for(id);
    if (!s)
        return Error::InvalidArgument;
    if (remote.port == 0)
        return { Error::InvalidArgument, "port 0" };
    s->remote = remote;
    return {};
}

Result<void> Stack::udp_disconnect(SocketId id)
{
    Socket* s = socket_for(id);
    if (!s)
        return Error::InvalidArgument;
    s->remote = {};
    return {};
}

Result<uint16_t> Stack::udp_local_port(SocketId id) const
{
    const Socket* s = socket_for(id);
    if (!s)
        return Error::InvalidArgument;
    return s->local_port;
}

void Stack::release_socket_queue(Socket& s)
{
    while (s.count) {
        m_socket_buffers = uint8_t(m_socket_buffers - m_pool.release_chain(s.buffers[s.head]));
        s.head = uint8_t((s.head + 1) % kUdpQueueDepth);
        s.count--;
    }
}

uint8_t Stack::store_chain(std::span<const uint8_t> data)
{
    size_t needed = data.empty() ? 1 : (data.size() + kPoolBufferSize - 1) / kPoolBufferSize;
    if (m_socket_buffers + needed > kSocketBufferLimit)
        return kNoBuffer;
    uint8_t head = kNoBuffer;
    uint8_t tail = kNoBuffer;
    for (size_t done = 0, i = 0; i < needed; ++i) {
        uint8_t b = m_pool.allocate();
        if (b == kNoBuffer) {
            m_pool.release_chain(head);
            return kNoBuffer;
        }
        size_t n = data.size() - done < kPoolBufferSize ? data.size() - done : kPoolBufferSize;
        copy_bytes(m_pool.buffer(b).data(), data.data() + done, n);
        m_pool.set_length(b, n);
        done += n;
        if (tail == kNoBuffer)
            head = b;
        else
            m_pool.link(tail, b);
        tail = b;
    }
    m_socket_buffers = uint8_t(m_socket_buffers + needed);
    return head;
}

void Stack::udp_close(SocketId id)
{
    if (Socket* s = socket_for(id)) {
        release_socket_queue(*s);
        s->open = false;
    }
}

Result<void> Stack::udp_send_to(SocketId id, Endpoint destination, std::span<const uint8_t> payload)
{
    Socket* s = socket_for(id);
    if (!s)
        return Error::InvalidArgument;
    if (destination.port == 0)
        return { Error::InvalidArgument, "port 0" };
    return send_udp(s->local_port, destination, payload);
}

Result<void> Stack::udp_send(SocketId id, std::span<const uint8_t> payload)
{
    Socket* s = socket_for(id);
    if (!s)
        return Error::InvalidArgument;
    if (s->remote.port == 0)
        return { Error::InvalidArgument, "not connected" };
    return send_udp(s->local_port, s->remote, payload);
}

Result<UdpFlow> Stack::udp_flow(SocketId id, Endpoint destination)
{
    Socket* s = socket_for(id);
    if (!s)
        return Error::InvalidArgument;
    if (destination.port == 0 || destination.address.is_broadcast() || destination.address.is_multicast() ||
        destination.address.is_unspecified())
        return { Error::InvalidArgument, "not a unicast destination" };
    LinkTarget t = TRY(route(destination.address));
    if (!t.resolved || t.mac == MacAddress::broadcast())
        return Error::WouldBlock;
    UdpFlow f;
    f.destination_mac = t.mac;
    f.source_mac = m_mac;
    f.source = m_settings.address;
    f.destination = destination.address;
    f.source_port = s->local_port;
    f.destination_port = destination.port;
    return f;
}

Result<UdpReceived> Stack::udp_receive(SocketId id, std::span<uint8_t> out)
{
    Socket* s = socket_for(id);
    if (!s)
        return Error::InvalidArgument;
    if (!s->count)
        return Error::WouldBlock;
    uint8_t head = s->buffers[s->head];
    UdpReceived r;
    r.from = s->from[s->head];
    for (uint8_t b = head; b != kNoBuffer; b = m_pool.next(b)) {
        std::span<const uint8_t> part = m_pool.contents(b);
        size_t room = out.size() - r.length;
        size_t n = part.size() < room ? part.size() : room;
        copy_bytes(out.data() + r.length, part.data(), n);
        r.length += n;
        r.datagram += part.size();
    }
    m_socket_buffers = uint8_t(m_socket_buffers - m_pool.release_chain(head));
    s->head = uint8_t((s->head + 1) % kUdpQueueDepth);
    s->count--;
    return r;
}

size_t Stack::udp_queued(SocketId id) const
{
    const Socket* s = socket_for(id);
    return s ? s->count : 0;
}

Result<void> Stack::send_udp(uint16_t source_port, Endpoint destination, std::span<const uint8_t> payload)
{
    if (payload.size() > kUdpMaxDatagramPayload) {
        m_counters.bump(Counter::DropTxTooBig);
        return { Error::NoSpace, "datagram larger than kUdpMaxDatagramPayload" };
    }
    if (!m_configured) {
        m_counters.bump(Counter::DropTxNoRoute);
        return { Error::Unreachable, "no address" };
    }
    // RFC 768: the checksum covers pseudo-header, header and data; computed once over the
    // whole datagram, before any fragmentation.
    uint8_t header[kUdpHeaderSize];
    uint16_t length = uint16_t(kUdpHeaderSize + payload.size());
    store_be16(header, source_port);
    store_be16(header + 2, destination.port);
    store_be16(header + 4, length);
    store_be16(header + 6, 0);
    Checksum sum;
    sum.add_pseudo_header(m_settings.address, destination.address, uint8_t(IpProtocol::Udp), length);
    sum.add(header);
    sum.add(payload);
    uint16_t c = sum.finish();
    store_be16(header + 6, c == 0 ? 0xffff : c);
    TRY(send_datagram(destination.address, IpProtocol::Udp, header, payload, m_settings.address));
    m_counters.bump(Counter::UdpTxDatagrams);
    return {};
}

Result<void> Stack::send_udp_built(uint16_t source_port, Endpoint destination, size_t payload_length, Ipv4Address source)
{
    write_udp_header(ip_payload_buffer(), source, destination.address, source_port, destination.port, payload_length);
    TRY(send_ip(destination.address, IpProtocol::Udp, kUdpHeaderSize + payload_length, source));
    m_counters.bump(Counter::UdpTxDatagrams);
    return {};
}

void Stack::handle_udp(const Ipv4Packet& ip)
{
    auto parsed = parse_udp(ip.payload, ip.source, ip.destination);
    if (parsed.is_error()) {
        Error e = parsed.error();
        m_counters.bump(e == Error::NeedMore ? Counter::DropUdpTruncated
                : e == Error::Checksum       ? Counter::DropUdpChecksum
                                             : Counter::DropUdpMalformed);
        return;
    }
    const UdpDatagram& udp = parsed.value();
    m_counters.bump(Counter::UdpRxDatagrams);
    Nanoseconds now = m_clock.now_ns();
    if (udp.destination_port == kDhcpClientPort && m_mode == AddressMode::Dhcp) {
        auto r = m_dhcp.receive(udp.payload, now);
        if (r.is_error())
            m_counters.bump(r.error() == Error::NotFound ? Counter::DropDhcpIgnored : Counter::DropDhcpMalformed);
        else if (m_dhcp.state() == DhcpState::Bound)
            m_counters.bump(Counter::DhcpLeases);
        return;
    }
    if (udp.source_port == kDnsPort && m_dns.uses_port(udp.destination_port)) {
        auto r = m_dns.receive(udp.payload, ip.source, udp.destination_port, now);
        if (r.is_error())
            m_counters.bump(r.error() == Error::NotFound || r.error() == Error::InvalidArgument
                    ? Counter::DropDnsIgnored
                    : Counter::DropDnsMalformed);
        return;
    }
    if (!m_configured) {
        m_counters.bump(Counter::DropIpNotForUs);
        return;
    }
    // RFC 862 echo: answer unicast only, never towards well-known ports (echo loops).
    if (udp.destination_port == kUdpEchoPort && m_udp_echo && ip.destination == m_settings.address) {
        if (udp.source_port != kUdpEchoPort)
            (void)send_udp(kUdpEchoPort, { ip.source, udp.source_port }, udp.payload); // counted below
        return;
    }
    deliver_to_socket(ip, udp);
}

void Stack::deliver_to_socket(const Ipv4Packet& ip, const UdpDatagram& udp)
{
    Endpoint from { ip.source, udp.source_port };
    bool wrong_peer = false;
    for (size_t i = 0; i < kUdpSockets; ++i) {
        Socket& s = m_sockets[i];
        if (!s.open || s.local_port != udp.destination_port)
            continue;
        if (s.remote.port != 0 && !(s.remote == from)) {
            wrong_peer = true;
            continue;
        }
        if (s.count == kUdpQueueDepth) {
            m_counters.bump(Counter::DropUdpQueueFull);
            return;
        }
        uint8_t buffer = store_chain(udp.payload);
        if (buffer == kNoBuffer) {
            m_counters.bump(Counter::DropPoolExhausted);
            return;
        }
        size_t tail = (s.head + s.count) % kUdpQueueDepth;
        s.buffers[tail] = buffer;
        s.from[tail] = from;
        s.count++;
        if (m_listener)
            m_listener->on_udp_readable(SocketId { uint16_t(i | (size_t(s.generation) << 8)) });
        return;
    }
    // From the DNS server's port 53 to a port no query (and no socket) uses: an answer to a
    // finished query, or a spoofer guessing ports (RFC 5452 §9.2).
    bool dns_shaped = udp.source_port == kDnsPort && ip.source == m_dns.server();
    m_counters.bump(wrong_peer ? Counter::DropUdpWrongPeer
            : dns_shaped       ? Counter::DropDnsWrongPort
                               : Counter::DropUdpNoPort);
}

void Stack::dhcp_send(size_t length, Ipv4Address destination, DhcpSource source)
{
    Ipv4Address from = source == DhcpSource::Configured && m_configured ? m_settings.address : Ipv4Address {};
    // Failures (no ARP answer from the server, a device error) are counted on the way
    // down; the client's retransmission timer covers them.
    (void)send_udp_built(kDhcpClientPort, { destination, kDhcpServerPort }, length, from);
}

void Stack::dns_send(size_t length, Ipv4Address server, uint16_t local_port)
{
    if (!m_configured) {
        m_counters.bump(Counter::DropTxNoRoute);
        return;
    }
    // As for DHCP: counted below, and the resolver retries.
    (void)send_udp_built(local_port, { server, kDnsPort }, length, m_settings.address);
}

void Stack::dns_completed(uint16_t query)
{
    if (m_listener)
        m_listener->on_dns_completed(query);
}

Result<uint16_t> Stack::resolve(std::string_view name)
{
    return m_dns.resolve(name, m_clock.now_ns());
}

} // namespace oh::net
