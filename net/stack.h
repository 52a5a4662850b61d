// The IPv4 stack as one object: Ethernet, ARP, IPv4, ICMP echo, UDP sockets, DHCP client
// and DNS resolver over an injected NetDevice, Clock and Random, in fixed memory.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <optional>
#include <span>
#include <string_view>

#include "lib/clock.h"
#include "lib/inet.h"
#include "lib/random.h"
#include "lib/result.h"
#include "lib/sizing.h"
#include "net/arp.h"
#include "net/arp_cache.h"
#include "net/config.h"
#include "net/counters.h"
#include "net/dhcp_client.h"
#include "net/dns_resolver.h"
#include "net/ethernet.h"
#include "net/icmp.h"
#include "net/ip_reassembly.h"
#include "net/ipv4.h"
#include "net/net_device.h"
#include "net/packet_pool.h"
#include "net/udp.h"
#include "net/udp_flow.h"

namespace oh::net {

// Sizing (lib/sizing.h, per target): the pool is most of the stack's RAM (x86: 12 x 1514
// bytes = 17.7 KiB), then the reassembly buffers (ip_reassembly.h: x86 4 x 4 KiB).
constexpr size_t kPoolBuffers = sizing::Target::kPoolBuffers;
constexpr size_t kPoolBufferSize = kEthernetMaxFrame; // a parked frame takes one buffer
constexpr size_t kArpQueueLimit = sizing::Target::kArpQueueLimit; // parked while the next hop resolves
constexpr size_t kUdpSockets = sizing::Target::kUdpSockets;
constexpr size_t kUdpQueueDepth = sizing::Target::kUdpQueueDepth; // datagrams waiting per socket
constexpr size_t kPingsInFlight = sizing::Target::kPingsInFlight;
constexpr size_t kPingReplies = sizing::Target::kPingReplies;
constexpr uint16_t kUdpEchoPort = 7; // RFC 862
// Largest IP payload sent (fragmented above the MTU) or reassembled: symmetric on purpose,
// and never past what an IPv4 total length can say (RFC 791 §3.1: 65,535 with the header).
constexpr size_t kMaxIpPayload = kReassemblyMaxPayload < kIpMaxPayload ? kReassemblyMaxPayload : kIpMaxPayload;
constexpr size_t kUdpMaxDatagramPayload = kMaxIpPayload - kUdpHeaderSize; // x86: 65,507
// RFC 5227 §1.1: ANNOUNCE_NUM and ANNOUNCE_INTERVAL.
constexpr uint8_t kArpAnnounceCount = 2;
constexpr Nanoseconds kArpAnnounceInterval = 2 * kNsPerSec;

enum class Service : uint8_t {
    IcmpEcho, // answer pings
    UdpEcho,  // RFC 862 echo on port 7
};

enum class ServiceState : uint8_t {
    Disabled,
    Enabled,
};

enum class LinkState : uint8_t {
    Down,
    Up,
};

struct SocketId {
    uint16_t value { 0xffff };
    constexpr bool operator==(const SocketId&) const = default;
};

struct UdpReceived {
    size_t length { 0 };    // bytes copied into the caller's buffer
    size_t datagram { 0 };  // the datagram's size (larger than length when it was cut)
    Endpoint from;
};

struct PingReply {
    Ipv4Address from;
    uint16_t sequence { 0 };
    uint16_t payload_size { 0 };
    uint8_t ttl { 0 };
    Nanoseconds rtt { 0 };
};

// Optional notifications, so a kernel can wake the threads that wait on the stack.
class StackListener {
public:
    virtual void on_udp_readable(SocketId) { }
    virtual void on_dns_completed(uint16_t) { }
    virtual void on_ping_reply() { }
    virtual void on_address_changed(const Ipv4Settings&) { }
    // DHCP granted, renewed or lost a lease (dhcp_client.h: DhcpHost::dhcp_lease_changed).
    virtual void on_dhcp_lease(const DhcpLease&) { }

protected:
    ~StackListener() = default;
};

// Single-threaded: the owner serializes every call (the kernel holds its network lock).
class Stack final : private DhcpHost, private DnsHost {
public:
    Stack(NetDevice& device, const Clock& clock, Random& random, const MacAddress& mac);

    // Static settings apply at once (with a gratuitous ARP); DHCP starts discovering.
    void start(const NetConfig& config);
    void set_listener(StackListener* listener) { m_listener = listener; }
    void set_service(Service service, ServiceState state);

    // One received Ethernet frame (no FCS). Never fails: bad input is counted and dropped.
    void receive_frame(std::span<const uint8_t> frame);
    // Timers: ARP retries and ageing, announcements, DHCP, DNS. Call by next_deadline().
    void poll();
    Nanoseconds next_deadline() const;
    // From the NIC's link interrupt: on Up, re-announce our address and have DHCP verify
    // the lease (or retry discovery at once).
    void link_changed(LinkState state);

    void configure(const Ipv4Settings& settings);
    void deconfigure();
    bool configured() const { return m_configured; }
    const Ipv4Settings& settings() const { return m_settings; }
    const MacAddress& mac() const { return m_mac; }

    // Sources whose fragmented datagrams go before anyone else's when reassembly is full
    // (ip_reassembly.h: kReassemblyPreferred): the addresses the configuration trusts.
    bool prefer_fragments_from(Ipv4Address source) { return m_reassembly.prefer(source); }

    // UDP sockets. Port 0 picks a random free port of the dynamic range (RFC 6056 §3.3).
    // Exists: the port is taken (or, for port 0, every dynamic port is).
    Result<SocketId> udp_open(uint16_t local_port);
    // Fixes the default destination and accepts datagrams only from it; others are dropped
    // before they take a queue slot (Counter::DropUdpWrongPeer).
    Result<void> udp_connect(SocketId socket, Endpoint remote);
    // Accepts datagrams from anyone again.
    Result<void> udp_disconnect(SocketId socket);
    Result<void> udp_send_to(SocketId socket, Endpoint destination, std::span<const uint8_t> payload);
    Result<void> udp_send(SocketId socket, std::span<const uint8_t> payload);
    // The flow from `socket` to `destination` for build_udp_frame(), unicast only.
    // WouldBlock: the next hop's link address is not known yet (a udp_send_to() asks ARP).
    Result<UdpFlow> udp_flow(SocketId socket, Endpoint destination);
    // WouldBlock when nothing is queued.
    Result<UdpReceived> udp_receive(SocketId socket, std::span<uint8_t> out);
    size_t udp_queued(SocketId socket) const;
    Result<uint16_t> udp_local_port(SocketId socket) const;
    void udp_close(SocketId socket);

    // ICMP echo: sends a request with payload_size bytes; replies come back through
    // take_ping_reply() with their round-trip time.
    Result<void> ping(Ipv4Address destination, uint16_t sequence, size_t payload_size);
    std::optional<PingReply> take_ping_reply();

    // DNS (server from the static config or the DHCP lease).
    Result<uint16_t> resolve(std::string_view name);
    Result<Ipv4Address> take_resolved(uint16_t query) { return m_dns.take_result(query); }

    const Counters& counters() const { return m_counters; }
    const ArpCache& arp_cache() const { return m_arp; }
    const DhcpClient& dhcp() const { return m_dhcp; }
    size_t pool_in_use() const { return m_pool.in_use(); }

private:
    struct Parked {
        uint8_t buffer { PacketPool<1, 1>::kNone };
        Ipv4Address next_hop;
    };
    struct Socket {
        bool open { false };
        uint8_t generation { 0 };
        uint16_t local_port { 0 };
        Endpoint remote;
        uint8_t head { 0 };
        uint8_t count { 0 };
        uint8_t buffers[kUdpQueueDepth] {};
        Endpoint from[kUdpQueueDepth] {};
    };
    struct LinkTarget {
        MacAddress mac;
        bool resolved { true };
        Ipv4Address next_hop; // when !resolved: whom to ask ARP about
    };
    struct PingOut {
        bool used { false };
        uint16_t sequence { 0 };
        Ipv4Address destination;
        Nanoseconds sent { 0 };
    };

    // Receive path.
    void handle_arp(const EthernetFrame& frame);
    void handle_ipv4(const EthernetFrame& frame);
    void dispatch_ipv4(const Ipv4Packet& packet);
    void reassemble(const Ipv4Packet& fragment);
    void handle_icmp(const Ipv4Packet& packet);
    void handle_echo_reply(const Ipv4Packet& packet, const IcmpMessage& message);
    void handle_udp(const Ipv4Packet& packet);
    void deliver_to_socket(const Ipv4Packet& packet, const UdpDatagram& datagram);
    bool accepts_destination(Ipv4Address destination, uint8_t protocol) const;

    // Transmit path. Payloads are built in place after the headers in m_tx.
    std::span<uint8_t> ip_payload_buffer() { return { m_tx + kEthernetHeaderSize + kIpv4HeaderSize, kEthernetMtu - kIpv4HeaderSize }; }
    std::span<uint8_t> udp_payload_buffer() { return ip_payload_buffer().subspan(kUdpHeaderSize, kUdpMaxPayload); }
    Result<LinkTarget> route(Ipv4Address destination);
    Result<void> emit(const LinkTarget& target, size_t frame_length);
    // A packet whose payload (at most one frame) is already built in place in m_tx.
    Result<void> send_ip(Ipv4Address destination, IpProtocol protocol, size_t payload_length, Ipv4Address source);
    // An 8-byte transport header (checksum filled in) plus body, fragmented when needed.
    Result<void> send_datagram(Ipv4Address destination, IpProtocol protocol, const uint8_t (&header)[8],
        std::span<const uint8_t> body, Ipv4Address source);
    size_t free_parking() const;
    Result<void> send_udp_built(uint16_t source_port, Endpoint destination, size_t payload_length, Ipv4Address source);
    Result<void> send_udp(uint16_t source_port, Endpoint destination, std::span<const uint8_t> payload);
    // Pads and sends; false (and a counter) when the device refuses the frame.
    bool transmit(uint8_t* frame, size_t length);
    Result<void> park(size_t frame_length, Ipv4Address next_hop);
    void flush_parked(Ipv4Address next_hop, const MacAddress& mac);
    void drop_parked(Ipv4Address next_hop);
    void send_arp(ArpOperation op, const MacAddress& eth_destination, const MacAddress& target_mac, Ipv4Address target_ip);
    void announce();

    // Sockets.
    Socket* socket_for(SocketId id);
    const Socket* socket_for(SocketId id) const;
    bool port_in_use(uint16_t port) const;
    void release_socket_queue(Socket& s);
    // Copies data into a chain of pool buffers within the sockets' share; kNone if no room.
    uint8_t store_chain(std::span<const uint8_t> data);

    // DhcpHost / DnsHost.
    std::span<uint8_t> dhcp_buffer() override { return udp_payload_buffer(); }
    void dhcp_send(size_t length, Ipv4Address destination, DhcpSource source) override;
    void dhcp_configure(const Ipv4Settings& settings) override { configure(settings); }
    void dhcp_deconfigure() override { deconfigure(); }
    void dhcp_lease_changed(const DhcpLease& lease) override
    {
        if (m_listener)
            m_listener->on_dhcp_lease(lease);
    }
    std::span<uint8_t> dns_buffer() override { return udp_payload_buffer(); }
    void dns_send(size_t length, Ipv4Address server, uint16_t local_port) override;
    bool dns_port_available(uint16_t local_port) const override { return !port_in_use(local_port); }
    void dns_completed(uint16_t query) override;

    NetDevice& m_device;
    const Clock& m_clock;
    Random& m_random;
    MacAddress m_mac;
    StackListener* m_listener { nullptr };
    Ipv4Settings m_settings;
    bool m_configured { false };
    AddressMode m_mode { AddressMode::Static };
    bool m_icmp_echo { false };
    bool m_udp_echo { false };
    uint16_t m_ip_id { 0 };
    uint16_t m_ping_id { 0 };
    uint8_t m_announcements_left { 0 };
    uint8_t m_socket_buffers { 0 };
    uint8_t m_ping_reply_head { 0 };
    uint8_t m_ping_reply_count { 0 };
    Nanoseconds m_next_announcement { 0 };
    Counters m_counters;
    ArpCache m_arp;
    DhcpClient m_dhcp;
    DnsResolver m_dns;
    Parked m_parked[kArpQueueLimit];
    Socket m_sockets[kUdpSockets];
    PingOut m_pings[kPingsInFlight];
    PingReply m_ping_replies[kPingReplies];
    PacketPool<kPoolBuffers, kPoolBufferSize> m_pool;
    Ipv4Reassembler m_reassembly;
    alignas(4) uint8_t m_tx[kEthernetMaxFrame];
};

} // namespace oh::net
