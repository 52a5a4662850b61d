// Stack core: configuration, frame reception, IPv4 routing and transmission, ARP.
#include "net/stack.h"

#include "lib/bytes.h"
#include "net/arp.h"

namespace oh::net {

namespace {
constexpr uint8_t kNoBuffer = PacketPool<1, 1>::kNone;
constexpr Nanoseconds kNever = ~Nanoseconds(0);
}

Stack::Stack(NetDevice& device, const Clock& clock, Random& random, const MacAddress& mac)
    : m_device(device)
    , m_clock(clock)
    , m_random(random)
    , m_mac(mac)
    , m_dhcp(*this, random, mac)
    , m_dns(*this, random)
{
    m_ip_id = uint16_t(random.next_u32());
    m_ping_id = uint16_t(random.next_u32());
}

void Stack::start(const NetConfig& config)
{
    m_mode = config.mode;
    if (config.mode == AddressMode::Static)
        configure(config.settings);
    else
        m_dhcp.start(m_clock.now_ns(), config);
}

void Stack::set_service(Service service, ServiceState state)
{
    bool on = state == ServiceState::Enabled;
    if (service == Service::IcmpEcho)
        m_icmp_echo = on;
    else
        m_udp_echo = on;
}

void Stack::configure(const Ipv4Settings& settings)
{
    bool address_changed = !m_configured || !(settings.address == m_settings.address);
    if (m_configured && (address_changed || settings.prefix_length != m_settings.prefix_length)) {
        // Mappings and parked packets belong to the old subnet.
        m_arp.clear();
        for (Parked& p : m_parked)
            if (p.buffer != kNoBuffer)
                drop_parked(p.next_hop);
    }
    m_settings = settings;
    m_configured = true;
    m_dns.set_server(settings.dns);
    if (address_changed) {
        m_announcements_left = kArpAnnounceCount;
        announce();
    }
    if (m_listener)
        m_listener->on_address_changed(m_settings);
}

void Stack::link_changed(LinkState state)
{
    if (state != LinkState::Up)
        return; // timers and retries carry on; nothing to undo while the cable is out
    if (m_configured) {
        m_announcements_left = kArpAnnounceCount;
        announce();
    }
    if (m_mode == AddressMode::Dhcp)
        m_dhcp.link_up(m_clock.now_ns());
}

void Stack::deconfigure()
{
    m_configured = false;
    m_settings = {};
    m_announcements_left = 0;
    m_arp.clear();
    for (Parked& p : m_parked)
        if (p.buffer != kNoBuffer)
            drop_parked(p.next_hop);
    m_dns.set_server({});
    if (m_listener)
        m_listener->on_address_changed(m_settings);
}

// RFC 5227 §2.3: announce the address with ARP requests whose sender and target IP are both
// ours, so neighbours replace stale cache entries.
void Stack::announce()
{
    if (!m_configured || m_announcements_left == 0)
        return;
    --m_announcements_left;
    m_next_announcement = m_clock.now_ns() + kArpAnnounceInterval;
    send_arp(ArpOperation::Request, MacAddress::broadcast(), MacAddress {}, m_settings.address);
    m_counters.bump(Counter::ArpAnnouncementsOut);
}

void Stack::receive_frame(std::span<const uint8_t> frame)
{
    m_counters.bump(Counter::RxFrames);
    m_counters.bump(Counter::RxBytes, uint32_t(frame.size()));
    auto parsed = parse_ethernet(frame);
    if (parsed.is_error()) {
        m_counters.bump(parsed.error() == Error::NeedMore ? Counter::DropEthTruncated : Counter::DropEthUnsupported);
        return;
    }
    const EthernetFrame& eth = parsed.value();
    if (!(eth.destination == m_mac) && !eth.destination.is_broadcast()) {
        m_counters.bump(Counter::DropEthNotForUs);
        return;
    }
    switch (EtherType(eth.ether_type)) {
    case EtherType::Arp:
        handle_arp(eth);
        return;
    case EtherType::Ipv4:
        handle_ipv4(eth);
        return;
    default:
        m_counters.bump(Counter::DropEthUnsupported);
        return;
    }
}

void Stack::handle_arp(const EthernetFrame& frame)
{
    auto parsed = parse_arp(frame.payload);
    if (parsed.is_error()) {
        m_counters.bump(parsed.error() == Error::NeedMore ? Counter::DropArpTruncated : Counter::DropArpMalformed);
        return;
    }
    const ArpPacket& arp = parsed.value();
    bool request = arp.operation == ArpOperation::Request;
    m_counters.bump(request ? Counter::ArpRequestsIn : Counter::ArpRepliesIn);
    if (m_configured && arp.sender_ip == m_settings.address) {
        // Someone else uses our address (RFC 5227 §2.4); never learn our own IP as theirs.
        if (!(arp.sender_mac == m_mac))
            m_counters.bump(Counter::ArpConflicts);
        return;
    }
    Nanoseconds now = m_clock.now_ns();
    bool for_us = m_configured && arp.target_ip == m_settings.address;
    // RFC 826 "Packet Reception": merge what we already know, add the sender if it asks us.
    if (m_arp.learn(arp.sender_ip, arp.sender_mac, now, for_us ? ArpLearn::Create : ArpLearn::UpdateOnly))
        flush_parked(arp.sender_ip, arp.sender_mac);
    if (request && for_us)
        send_arp(ArpOperation::Reply, arp.sender_mac, arp.sender_mac, arp.sender_ip);
}

void Stack::send_arp(ArpOperation op, const MacAddress& eth_destination, const MacAddress& target_mac, Ipv4Address target_ip)
{
    write_ethernet_header({ m_tx, sizeof m_tx }, eth_destination, m_mac, EtherType::Arp);
    ArpPacket a;
    a.operation = op;
    a.sender_mac = m_mac;
    a.sender_ip = m_configured ? m_settings.address : Ipv4Address {};
    a.target_mac = target_mac;
    a.target_ip = target_ip;
    write_arp({ m_tx + kEthernetHeaderSize, kArpPacketSize }, a);
    if (op == ArpOperation::Reply)
        m_counters.bump(Counter::ArpRepliesOut);
    else if (!(target_ip == a.sender_ip))
        m_counters.bump(Counter::ArpRequestsOut);
    transmit(m_tx, kEthernetHeaderSize + kArpPacketSize);
}

bool Stack::accepts_destination(Ipv4Address destination, uint8_t protocol) const
{
    if (destination.is_broadcast())
        return true;
    if (!m_configured) {
        // Before DHCP finishes, servers may unicast the OFFER/ACK to the offered address.
        return protocol == uint8_t(IpProtocol::Udp);
    }
    return destination == m_settings.address || destination == m_settings.subnet_broadcast();
}

void Stack::handle_ipv4(const EthernetFrame& frame)
{
    auto parsed = parse_ipv4(frame.payload);
    if (parsed.is_error()) {
        Error e = parsed.error();
        m_counters.bump(e == Error::NeedMore ? Counter::DropIpTruncated
                : e == Error::Checksum       ? Counter::DropIpChecksum
                                             : Counter::DropIpMalformed);
        return;
    }
    const Ipv4Packet& ip = parsed.value();
    // RFC 1122 §3.2.1.3: a source that is broadcast or multicast is discarded.
    if (ip.source.is_broadcast() || ip.source.is_multicast()
        || (m_configured && ip.source == m_settings.subnet_broadcast() && m_settings.prefix_length <= 30)) {
        m_counters.bump(Counter::DropIpBadSource);
        return;
    }
    if (!accepts_destination(ip.destination, ip.protocol)) {
        m_counters.bump(Counter::DropIpNotForUs);
        return;
    }
    if (ip.is_fragment()) {
        reassemble(ip);
        return;
    }
    dispatch_ipv4(ip);
}

void Stack::reassemble(const Ipv4Packet& fragment)
{
    m_counters.bump(Counter::IpFragmentsIn);
    uint32_t evicted = m_reassembly.evicted();
    auto whole = m_reassembly.add(fragment, m_clock.now_ns());
    m_counters.bump(Counter::DropIpReassemblyEvicted, m_reassembly.evicted() - evicted);
    if (whole.is_error()) {
        switch (whole.error()) {
        case Error::WouldBlock:
            return;
        case Error::NoSpace:
            m_counters.bump(Counter::DropIpReassemblyTooBig);
            return;
        case Error::NoMemory:
            m_counters.bump(Counter::DropIpReassemblyBusy);
            return;
        default:
            m_counters.bump(Counter::DropIpMalformed);
            return;
        }
    }
    m_counters.bump(Counter::IpReassembled);
    Ipv4Packet packet = fragment;
    packet.payload = whole.value();
    packet.fragment_offset = 0;
    packet.more_fragments = false;
    dispatch_ipv4(packet);
}

void Stack::dispatch_ipv4(const Ipv4Packet& ip)
{
    if (ip.protocol == uint8_t(IpProtocol::Icmp))
        handle_icmp(ip);
    else if (ip.protocol == uint8_t(IpProtocol::Udp))
        handle_udp(ip);
    else
        m_counters.bump(Counter::DropIpUnsupportedProtocol);
}

void Stack::poll()
{
    Nanoseconds now = m_clock.now_ns();
    size_t expired = m_arp.poll(
        now,
        [&](Ipv4Address ip) { send_arp(ArpOperation::Request, MacAddress::broadcast(), MacAddress {}, ip); },
        [&](Ipv4Address ip) { drop_parked(ip); });
    m_counters.bump(Counter::ArpExpired, uint32_t(expired));
    if (m_announcements_left && now >= m_next_announcement)
        announce();
    if (m_mode == AddressMode::Dhcp)
        m_dhcp.poll(now);
    m_counters.bump(Counter::DnsTimeouts, uint32_t(m_dns.poll(now)));
    m_counters.bump(Counter::DropIpReassemblyTimeout, uint32_t(m_reassembly.expire(now)));
}

Nanoseconds Stack::next_deadline() const
{
    Nanoseconds next = m_arp.next_deadline();
    if (m_announcements_left && m_next_announcement < next)
        next = m_next_announcement;
    if (m_mode == AddressMode::Dhcp && m_dhcp.next_deadline() < next)
        next = m_dhcp.next_deadline();
    if (m_dns.next_deadline() < next)
        next = m_dns.next_deadline();
    if (m_reassembly.next_deadline() < next)
        next = m_reassembly.next_deadline();
    return next;
}

} // namespace oh::net
