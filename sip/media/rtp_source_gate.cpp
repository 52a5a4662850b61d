// RtpSourceGate: the negotiated peer only, or latching with probation, SSRC continuity and
// no switch away from a live source (RFC 3550 §8.2 and §A.1; RFC 4961; RFC 3605).
#include "sip/media/rtp_source_gate.h"

namespace oh::media {

void RtpSourceGate::reset(PeerMode mode, Endpoint negotiated_rtp, Endpoint negotiated_rtcp)
{
    *this = RtpSourceGate {};
    m_mode = mode;
    m_negotiated_rtp = negotiated_rtp;
    m_negotiated_rtcp = negotiated_rtcp;
}

RtpSourceGate::Verdict RtpSourceGate::check_rtp(Endpoint from, uint32_t ssrc, uint16_t seq, Nanoseconds now)
{
    if (m_mode == PeerMode::Negotiated)
        return from == m_negotiated_rtp ? Verdict::Accept : Verdict::WrongSource;
    if (m_latched && from == m_peer && ssrc == m_peer_ssrc) {
        m_last_seen = now;
        return Verdict::Accept;
    }
    // SSRC continuity: a new SSRC, even from the latched flow, is a new source (§8.2) and
    // goes through probation. Another flow must also wait until the latched one falls silent.
    if (alive(now) && !(from == m_peer))
        return Verdict::WrongSource;
    return probation(from, ssrc, seq, now);
}

// RFC 3550 §A.1: kMinSequential packets with consecutive sequence numbers. One slot per
// (flow, SSRC); a slot that keeps receiving in order is never given away, and the first
// slot is kept for the address the SDP named, so a spray from elsewhere cannot keep a peer
// that is not behind a NAT in probation.
RtpSourceGate::Verdict RtpSourceGate::probation(Endpoint from, uint32_t ssrc, uint16_t seq, Nanoseconds now)
{
    Candidate* slot = nullptr;
    for (Candidate& c : m_candidates)
        if (c.used && c.from == from && c.ssrc == ssrc)
            slot = &c;
    if (!slot) {
        size_t first = from.address == m_negotiated_rtp.address ? 0 : 1;
        for (size_t i = first; i < kCandidates; i++) {
            Candidate& c = m_candidates[i];
            if (!c.used || now - c.last_seen > kCandidateStale) {
                slot = &c;
                break;
            }
        }
        if (!slot)
            return Verdict::NoSlot;
        *slot = Candidate { true, from, ssrc, uint16_t(seq + 1), 1, now };
    } else {
        slot->in_order = seq == slot->next_seq ? uint8_t(slot->in_order + 1) : uint8_t(1);
        slot->next_seq = uint16_t(seq + 1);
        slot->last_seen = now;
    }
    if (slot->in_order < kMinSequential)
        return Verdict::Probation;
    if (!(m_latched && from == m_peer))
        m_rtcp_latched = false; // a new flow: its RTCP is learnt again
    m_latched = true;
    m_peer = from;
    m_peer_ssrc = ssrc;
    m_last_seen = now;
    m_latches++;
    for (Candidate& c : m_candidates)
        c = Candidate {};
    return Verdict::Accept;
}

bool RtpSourceGate::check_rtcp(Endpoint from, uint32_t sender_ssrc)
{
    if (m_mode == PeerMode::Negotiated)
        return from == m_negotiated_rtcp;
    if (m_rtcp_latched)
        return from == m_rtcp_peer && sender_ssrc == m_peer_ssrc;
    // The RTCP port behind a NAT is not predictable: the latched RTP source's address,
    // speaking for the latched SSRC, fixes it.
    if (!m_latched || !(from.address == m_peer.address) || sender_ssrc != m_peer_ssrc)
        return false;
    m_rtcp_latched = true;
    m_rtcp_peer = from;
    return true;
}

AdmitFilter RtpSourceGate::admit(Nanoseconds now) const
{
    if (m_mode == PeerMode::Negotiated)
        return { m_negotiated_rtp, m_negotiated_rtcp };
    if (!alive(now))
        return {};
    return { m_peer, m_rtcp_latched ? m_rtcp_peer : Endpoint {} };
}

} // namespace oh::media
