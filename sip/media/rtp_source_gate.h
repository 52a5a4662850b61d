// Which RTP/RTCP sources a call listens to: the SDP-negotiated peer, or, only when NAT
// handling is configured, a latched source that earned it by probation.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/clock.h"
#include "lib/inet.h"

namespace oh::media {

// Negotiated: media only from the address and port of the SDP c=/m= lines (RTCP from
// RFC 3605 a=rtcp or port + 1). Latch: symmetric RTP, what Asterisk calls rtp_symmetric
// or "comedia" (RFC 4961 is the sending half): the peer may sit behind a NAT, so its
// source is learnt from the packets, after probation.
enum class PeerMode : uint8_t { Negotiated, Latch };

// What the transport may admit before queueing (port 0: anyone, the gate decides).
struct AdmitFilter {
    Endpoint rtp {};
    Endpoint rtcp {};
    constexpr bool operator==(const AdmitFilter&) const = default;
};

class RtpSourceGate {
public:
    // RFC 3550 §A.1 MIN_SEQUENTIAL: in-order packets before a new source is believed.
    static constexpr uint8_t kMinSequential = 2;
    static constexpr size_t kCandidates = 4;
    // A latched source that sent nothing for this long is gone (a NAT rebinding, a restart);
    // until then no other source can take its place. 100 frames of G.711.
    static constexpr Nanoseconds kSourceTimeout = 2 * kNsPerSec;
    // A candidate silent for this long (three frame times) gives its slot up.
    static constexpr Nanoseconds kCandidateStale = 60 * kNsPerMs;

    enum class Verdict : uint8_t {
        Accept,      // from the call's source: play it
        Probation,   // a candidate source, not yet believed: held back
        WrongSource, // not the peer (or the peer is alive and this is someone else)
        NoSlot,      // a candidate, but every probation slot is busy with fresher ones
    };

    void reset(PeerMode mode, Endpoint negotiated_rtp, Endpoint negotiated_rtcp);

    Verdict check_rtp(Endpoint from, uint32_t ssrc, uint16_t seq, Nanoseconds now);
    // `sender_ssrc` is the SSRC of the compound's first SR/RR (RFC 3550 §6.1).
    bool check_rtcp(Endpoint from, uint32_t sender_ssrc);

    PeerMode mode() const { return m_mode; }
    bool latched() const { return m_latched; }
    uint32_t latches() const { return m_latches; }
    Endpoint rtp_destination() const { return m_latched ? m_peer : m_negotiated_rtp; }
    Endpoint rtcp_destination() const { return m_rtcp_latched ? m_rtcp_peer : m_negotiated_rtcp; }
    AdmitFilter admit(Nanoseconds now) const;

private:
    struct Candidate {
        bool used { false };
        Endpoint from {};
        uint32_t ssrc { 0 };
        uint16_t next_seq { 0 };
        uint8_t in_order { 0 };
        Nanoseconds last_seen { 0 };
    };

    bool alive(Nanoseconds now) const { return m_latched && now - m_last_seen < kSourceTimeout; }
    Verdict probation(Endpoint from, uint32_t ssrc, uint16_t seq, Nanoseconds now);

    PeerMode m_mode { PeerMode::Negotiated };
    Endpoint m_negotiated_rtp {}, m_negotiated_rtcp {};
    bool m_latched { false };
    Endpoint m_peer {};
    uint32_t m_peer_ssrc { 0 };
    Nanoseconds m_last_seen { 0 };
    bool m_rtcp_latched { false };
    Endpoint m_rtcp_peer {};
    uint32_t m_latches { 0 };
    Candidate m_candidates[kCandidates] {};
};

} // namespace oh::media
