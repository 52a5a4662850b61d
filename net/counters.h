// Counters for everything the stack receives, sends and drops, one slot per reason.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace oh::net {

// Every drop has its own reason so a flood of one kind of garbage is visible at a glance.
enum class Counter : uint8_t {
    RxFrames,
    RxBytes,
    TxFrames,
    TxBytes,
    DropEthTruncated,
    DropEthUnsupported,   // 802.3/LLC, VLAN, IPv6 and other types we do not speak
    DropEthNotForUs,
    DropArpTruncated,
    DropArpMalformed,
    ArpRequestsIn,
    ArpRepliesIn,
    ArpRequestsOut,
    ArpRepliesOut,
    ArpAnnouncementsOut,  // gratuitous ARP after an address change
    ArpConflicts,         // someone else claims our address
    ArpExpired,
    DropArpQueueFull,     // no room to park a packet while its next hop resolves
    DropArpUnresolved,    // next hop never answered
    DropArpCacheFull,
    DropIpTruncated,
    DropIpMalformed,
    DropIpChecksum,
    IpFragmentsIn,
    IpReassembled,
    IpFragmentsOut,
    DropIpReassemblyTimeout,
    DropIpReassemblyTooBig,  // larger than kReassemblyMaxPayload
    DropIpReassemblyBusy,    // every reassembly slot holds another datagram
    DropIpReassemblyEvicted, // an unfinished datagram dropped to make room (ip_reassembly.h)
    DropIpNotForUs,
    DropIpBadSource,
    DropIpUnsupportedProtocol,
    DropIcmpTruncated,
    DropIcmpChecksum,
    DropIcmpUnmatchedReply,
    IcmpEchoRequestsIn,
    IcmpEchoRepliesOut,
    IcmpEchoRequestsOut,
    IcmpEchoRepliesIn,
    IcmpOtherIn,
    DropUdpTruncated,
    DropUdpMalformed,
    DropUdpChecksum,
    DropUdpNoPort,
    DropUdpQueueFull,
    DropUdpWrongPeer,     // for a connected socket, from another source: dropped before queueing
    DropPoolExhausted,
    UdpRxDatagrams,
    UdpTxDatagrams,
    DropTxNoRoute,
    DropTxTooBig,
    DropTxDevice,
    DropDhcpMalformed,
    DropDhcpIgnored,      // wrong xid/chaddr/type for our state
    DhcpLeases,
    DhcpFallbacks,
    DropDnsMalformed,
    DropDnsIgnored,       // unknown id or another question
    DropDnsWrongPort,     // from the server's port 53 to a port no pending query uses
    DnsTimeouts,
    Count,
};

constexpr size_t kCounterCount = size_t(Counter::Count);

const char* counter_name(Counter c);

class Counters {
public:
    void bump(Counter c, uint32_t by = 1) { m_values[size_t(c)] += by; }
    uint32_t get(Counter c) const { return m_values[size_t(c)]; }
    // Sum of every Drop* counter: a quick "is anything being thrown away" check.
    uint32_t total_drops() const;

private:
    uint32_t m_values[kCounterCount] {};
};

} // namespace oh::net
