// RTP fixed header parse/build (RFC 3550 §5.1) and per-source receive statistics (§A.1, A.3, A.8).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/result.h"

namespace oh::media {

constexpr size_t kRtpHeaderSize = 12;
constexpr uint8_t kRtpVersion = 2;
constexpr size_t kRtpMaxCsrc = 15;

// A parsed packet is a view into the caller's buffer: nothing is copied.
struct RtpPacketView {
    bool marker { false };
    uint8_t payload_type { 0 };
    uint16_t sequence { 0 };
    uint32_t timestamp { 0 };
    uint32_t ssrc { 0 };
    uint8_t csrc_count { 0 };
    std::span<const uint8_t> csrc {};       // csrc_count * 4 bytes, big-endian
    bool has_extension { false };
    uint16_t extension_profile { 0 };       // RFC 3550 §5.3.1 "defined by profile"
    std::span<const uint8_t> extension {};  // the extension body (length * 4 bytes)
    uint8_t padding { 0 };                  // bytes of padding removed from the end
    std::span<const uint8_t> payload {};

    uint32_t csrc_at(size_t i) const;
};

// RFC 3550 §5.1. NeedMore: the datagram is shorter than its own header says (a truncated
// packet). Malformed: version is not 2, the padding count is zero or larger than what
// follows the header, or the payload type is in the RTCP range 72-76 with the marker set
// (RFC 5761 §4: that is an RTCP packet on a shared port).
Result<RtpPacketView> parse_rtp(std::span<const uint8_t> packet);

// Fields the sender chooses; CSRCs, extension and padding are optional.
struct RtpHeaderFields {
    bool marker { false };
    uint8_t payload_type { 0 };
    uint16_t sequence { 0 };
    uint32_t timestamp { 0 };
    uint32_t ssrc { 0 };
    std::span<const uint32_t> csrc {};
    bool has_extension { false };
    uint16_t extension_profile { 0 };
    std::span<const uint8_t> extension {}; // must be a multiple of 4 bytes
    uint8_t padding { 0 };                 // total padding bytes to append (0 = none)
};

// Writes header + payload (+ padding) into out; returns the packet length.
Result<size_t> build_rtp(const RtpHeaderFields& fields, std::span<const uint8_t> payload, std::span<uint8_t> out);

// RFC 3550 A.1-style sequence tracking, loss (A.3) and interarrival jitter (A.8) for the
// one source we receive from. Clock rate is fixed to 8000 Hz (G.711, RFC 3551 §4.5.14).
class RtpReceiveStats {
public:
    enum class Verdict : uint8_t { Accept, Probation, Duplicate, BadSequence };

    void reset(uint32_t ssrc, uint16_t seq);
    // Feed every packet in arrival order; arrival is in RTP timestamp units (8 kHz ticks of
    // the receiver's clock).
    Verdict update(uint16_t seq, uint32_t rtp_timestamp, uint32_t arrival);

    uint32_t ssrc() const { return m_ssrc; }
    bool initialized() const { return m_initialized; }
    uint32_t extended_max_seq() const { return m_cycles + m_max_seq; }
    uint32_t expected() const { return extended_max_seq() - m_base_seq + 1; }
    uint32_t received() const { return m_received; }
    int32_t cumulative_lost() const;
    uint32_t jitter() const { return m_jitter >> 4; } // RFC 3550 A.8: kept scaled by 16

    // RFC 3550 A.3: fraction lost since the previous call, as an 8-bit fixed point fraction;
    // call once per report sent.
    uint8_t take_fraction_lost();

private:
    static constexpr uint16_t kMaxDropout = 3000;
    static constexpr uint16_t kMaxMisorder = 100;
    static constexpr uint16_t kMinSequential = 2;

    void restart(uint16_t seq);
    void update_jitter(uint32_t rtp_timestamp, uint32_t arrival);

    uint32_t m_ssrc { 0 };
    bool m_initialized { false };
    bool m_have_transit { false };
    uint16_t m_max_seq { 0 };
    uint16_t m_probation { 0 };
    uint32_t m_cycles { 0 };     // shifted count of sequence number wraps (multiples of 65536)
    uint32_t m_base_seq { 0 };
    uint32_t m_bad_seq { 0 };
    uint32_t m_received { 0 };
    uint32_t m_expected_prior { 0 };
    uint32_t m_received_prior { 0 };
    uint32_t m_transit { 0 };
    uint32_t m_jitter { 0 };
};

} // namespace oh::media
