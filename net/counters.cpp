// Names of the stack's counters, for consoles and test failure messages.
#include "net/counters.h"

namespace oh::net {

const char* counter_name(Counter c)
{
    switch (c) {
    case Counter::RxFrames: return "rx_frames";
    case Counter::RxBytes: return "rx_bytes";
    case Counter::TxFrames: return "tx_frames";
    case Counter::TxBytes: return "tx_bytes";
    case Counter::DropEthTruncated: return "drop_eth_truncated";
    case Counter::DropEthUnsupported: return "drop_eth_unsupported";
    case Counter::DropEthNotForUs: return "drop_eth_not_for_us";
    case Counter::DropArpTruncated: return "drop_arp_truncated";
    case Counter::DropArpMalformed: return "drop_arp_malformed";
    case Counter::ArpRequestsIn: return "arp_requests_in";
    case Counter::ArpRepliesIn: return "arp_replies_in";
    case Counter::ArpRequestsOut: return "arp_requests_out";
    case Counter::ArpRepliesOut: return "arp_replies_out";
    case Counter::ArpAnnouncementsOut: return "arp_announcements_out";
    case Counter::ArpConflicts: return "arp_conflicts";
    case Counter::ArpExpired: return "arp_expired";
    case Counter::DropArpQueueFull: return "drop_arp_queue_full";
    case Counter::DropArpUnresolved: return "drop_arp_unresolved";
    case Counter::DropArpCacheFull: return "drop_arp_cache_full";
    case Counter::DropIpTruncated: return "drop_ip_truncated";
    case Counter::DropIpMalformed: return "drop_ip_malformed";
    case Counter::DropIpChecksum: return "drop_ip_checksum";
    case Counter::IpFragmentsIn: return "ip_fragments_in";
    case Counter::IpReassembled: return "ip_reassembled";
    case Counter::IpFragmentsOut: return "ip_fragments_out";
    case Counter::DropIpReassemblyTimeout: return "drop_ip_reassembly_timeout";
    case Counter::DropIpReassemblyTooBig: return "drop_ip_reassembly_too_big";
    case Counter::DropIpReassemblyBusy: return "drop_ip_reassembly_busy";
    case Counter::DropIpReassemblyEvicted: return "drop_ip_reassembly_evicted";
    case Counter::DropIpNotForUs: return "drop_ip_not_for_us";
    case Counter::DropIpBadSource: return "drop_ip_bad_source";
    case Counter::DropIpUnsupportedProtocol: return "drop_ip_unsupported_protocol";
    case Counter::DropIcmpTruncated: return "drop_icmp_truncated";
    case Counter::DropIcmpChecksum: return "drop_icmp_checksum";
    case Counter::DropIcmpUnmatchedReply: return "drop_icmp_unmatched_reply";
    case Counter::IcmpEchoRequestsIn: return "icmp_echo_requests_in";
    case Counter::IcmpEchoRepliesOut: return "icmp_echo_replies_out";
    case Counter::IcmpEchoRequestsOut: return "icmp_echo_requests_out";
    case Counter::IcmpEchoRepliesIn: return "icmp_echo_replies_in";
    case Counter::IcmpOtherIn: return "icmp_other_in";
    case Counter::DropUdpTruncated: return "drop_udp_truncated";
    case Counter::DropUdpMalformed: return "drop_udp_malformed";
    case Counter::DropUdpChecksum: return "drop_udp_checksum";
    case Counter::DropUdpNoPort: return "drop_udp_no_port";
    case Counter::DropUdpQueueFull: return "drop_udp_queue_full";
    case Counter::DropUdpWrongPeer: return "drop_udp_wrong_peer";
    case Counter::DropPoolExhausted: return "drop_pool_exhausted";
    case Counter::UdpRxDatagrams: return "udp_rx_datagrams";
    case Counter::UdpTxDatagrams: return "udp_tx_datagrams";
    case Counter::DropTxNoRoute: return "drop_tx_no_route";
    case Counter::DropTxTooBig: return "drop_tx_too_big";
    case Counter::DropTxDevice: return "drop_tx_device";
    case Counter::DropDhcpMalformed: return "drop_dhcp_malformed";
    case Counter::DropDhcpIgnored: return "drop_dhcp_ignored";
    case Counter::DhcpLeases: return "dhcp_leases";
    case Counter::DhcpFallbacks: return "dhcp_fallbacks";
    case Counter::DropDnsMalformed: return "drop_dns_malformed";
    case Counter::DropDnsIgnored: return "drop_dns_ignored";
    case Counter::DropDnsWrongPort: return "drop_dns_wrong_port";
    case Counter::DnsTimeouts: return "dns_timeouts";
    case Counter::Count: break;
    }
    return "?";
}

uint32_t Counters::total_drops() const
{
    uint32_t total = 0;
    for (size_t i = 0; i < kCounterCount; ++i) {
        const char* name = counter_name(Counter(i));
        if (name[0] == 'd' && name[1] == 'r' && name[2] == 'o' && name[3] == 'p')
            total += m_values[i];
    }
    return total;
}

} // namespace oh::net
