// RTCP sender/receiver reports, SDES CNAME and BYE: build and parse (RFC 3550 §6).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>
#include <string_view>

#include "lib/result.h"

namespace oh::media {

// RFC 3550 §12.1 packet types.
enum class RtcpType : uint8_t { SenderReport = 200, ReceiverReport = 201, Sdes = 202, Bye = 203, App = 204 };

constexpr size_t kRtcpHeaderSize = 4;
constexpr size_t kRtcpReportBlockSize = 24;
constexpr size_t kRtcpMaxCnameLength = 64;

// RFC 3550 §6.4.1 report block.
struct RtcpReportBlock {
    uint32_t ssrc { 0 };
    uint8_t fraction_lost { 0 };
    int32_t cumulative_lost { 0 }; // 24-bit signed on the wire
    uint32_t extended_highest_seq { 0 };
    uint32_t jitter { 0 };
    uint32_t last_sr { 0 };        // middle 32 bits of the NTP timestamp of the last SR
    uint32_t delay_since_last_sr { 0 }; // units of 1/65536 s
};

// RFC 3550 §6.4.1 sender info.
struct RtcpSenderInfo {
    uint64_t ntp_timestamp { 0 };
    uint32_t rtp_timestamp { 0 };
    uint32_t packet_count { 0 };
    uint32_t octet_count { 0 };
};

// What a report to build contains. At most one report block: we receive one source.
struct RtcpReport {
    uint32_t ssrc { 0 };
    bool is_sender { false };
    RtcpSenderInfo sender {};
    bool has_block { false };
    RtcpReportBlock block {};
    std::string_view cname {};     // SDES CNAME, required in every compound packet (§6.1)
    bool bye { false };            // append a BYE for ssrc (§6.6)
};

// Builds a compound packet: SR or RR, SDES CNAME, optional BYE. Returns its length.
Result<size_t> build_rtcp(const RtcpReport& report, std::span<uint8_t> out);

// The facts a receiver needs from an incoming compound packet.
struct RtcpSummary {
    uint32_t sender_ssrc { 0 };       // of the first SR/RR
    bool has_sender_info { false };
    RtcpSenderInfo sender {};
    bool has_block_for_us { false };
    RtcpReportBlock block_for_us {};  // the block whose ssrc equals our_ssrc
    bool bye { false };
    uint32_t bye_ssrc { 0 };
    uint8_t packets { 0 };            // individual RTCP packets in the compound
};

// RFC 3550 §6.1 / A.2 validity: version 2, the first packet is SR or RR, padding only in
// the last packet, lengths add up to the datagram. Unknown packet types are skipped.
Result<RtcpSummary> parse_rtcp(std::span<const uint8_t> packet, uint32_t our_ssrc);

// NTP 64-bit timestamp <-> the "middle 32 bits" used by LSR/DLSR (§6.4.1).
constexpr uint32_t ntp_middle32(uint64_t ntp) { return uint32_t(ntp >> 16); }

} // namespace oh::media
