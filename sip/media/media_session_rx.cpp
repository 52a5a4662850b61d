// MediaSession receive side: RTP source and sequence validation, RTCP reports in and out.
#include "sip/media/media_session.h"

#include "sip/media/rtcp.h"

namespace oh::media {

namespace {
uint32_t to_ts_units(Nanoseconds t) { return uint32_t(t / 125000); } // 8 kHz ticks
constexpr size_t kMaxRtcp = 160;
} // namespace

// RFC 3550 §8.2: media only from the negotiated peer, or, with PeerMode::Latch, from the
// source that passed probation (rtp_source_gate.h); media goes back to that source.
void MediaSession::on_rtp_packet(std::span<const uint8_t> packet, Endpoint from, Nanoseconds now)
{
    if (!m_running)
        return;
    auto parsed = parse_rtp(packet);
    if (parsed.is_error()) {
        m_stats.dropped_bad_header++;
        return;
    }
    const RtpPacketView& v = *parsed;
    switch (m_gate.check_rtp(from, v.ssrc, v.sequence, now)) {
    case RtpSourceGate::Verdict::Accept:
        break;
    case RtpSourceGate::Verdict::Probation:
        m_stats.held_in_probation++;
        return;
    case RtpSourceGate::Verdict::WrongSource:
    case RtpSourceGate::Verdict::NoSlot:
        m_stats.dropped_wrong_source++;
        return;
    }
    m_stats.source_latches = m_gate.latches();
    bool audio = v.payload_type == m_config.payload_type;
    bool event = m_config.telephone_event_pt >= 0 && v.payload_type == uint8_t(m_config.telephone_event_pt);
    if (!audio && !event) {
        m_stats.dropped_wrong_payload++;
        return;
    }
    if (!m_rx.initialized() || v.ssrc != m_rx.ssrc())
        m_rx.reset(v.ssrc, v.sequence);
    auto verdict = m_rx.update(v.sequence, v.timestamp, to_ts_units(now));
    if (verdict == RtpReceiveStats::Verdict::BadSequence) {
        m_stats.dropped_bad_sequence++;
        return;
    }
    m_stats.packets_received++;
    m_stats.octets_received += uint32_t(v.payload.size());
    m_stats.lost = m_rx.cumulative_lost();
    m_stats.jitter_ms = m_rx.jitter() / 8;
    if (event)
        on_event_payload(v);
    else
        m_jitter.put(v.ssrc, v.timestamp, v.payload, now);
}

void MediaSession::on_event_payload(const RtpPacketView& v)
{
    auto e = parse_telephone_event(v.payload);
    if (e.is_error()) {
        m_stats.dropped_bad_header++;
        return;
    }
    if (auto key = m_event_rx.on_packet(v.timestamp, *e))
        push_digit(*key);
}

uint64_t MediaSession::ntp_time(Nanoseconds now)
{
    // RFC 3550 §4 allows a clock that is not wallclock when only RTT/DLSR use it.
    uint64_t seconds = now / kNsPerSec;
    uint64_t fraction = ((now % kNsPerSec) << 32) / kNsPerSec;
    return (seconds << 32) | fraction;
}

void MediaSession::poll_rtcp(Nanoseconds now)
{
    if (!m_running || now < m_next_rtcp)
        return;
    send_report(now, false);
    schedule_rtcp(now, kRtcpInterval);
}

void MediaSession::send_report(Nanoseconds now, bool bye)
{
    RtcpReport r;
    r.ssrc = m_ssrc;
    r.cname = m_config.cname;
    r.bye = bye;
    // §6.4: an SR if we sent RTP since the report before last, else an RR.
    r.is_sender = m_sent_since_report > 0;
    if (r.is_sender) {
        r.sender.ntp_timestamp = ntp_time(now);
        r.sender.rtp_timestamp = m_ts;
        r.sender.packet_count = m_stats.packets_sent;
        r.sender.octet_count = m_stats.octets_sent;
    }
    m_sent_since_report = 0;
    if (m_rx.initialized()) {
        r.has_block = true;
        r.block.ssrc = m_rx.ssrc();
        r.block.fraction_lost = m_rx.take_fraction_lost();
        r.block.cumulative_lost = m_rx.cumulative_lost();
        r.block.extended_highest_seq = m_rx.extended_max_seq();
        r.block.jitter = m_rx.jitter();
        if (m_last_sr) {
            r.block.last_sr = m_last_sr;
            // DLSR in 1/65536 s (§6.4.1).
            r.block.delay_since_last_sr = uint32_t(((now - m_last_sr_arrival) << 16) / kNsPerSec);
        }
    }
    uint8_t buf[kMaxRtcp];
    auto len = build_rtcp(r, buf);
    if (len.is_error())
        return;
    m_transport.send_rtcp({ buf, *len }, rtcp_destination());
    m_stats.rtcp_sent++;
}

void MediaSession::on_rtcp_packet(std::span<const uint8_t> packet, Endpoint from, Nanoseconds now)
{
    if (!m_running)
        return;
    auto parsed = parse_rtcp(packet, m_ssrc);
    if (parsed.is_error()) {
        m_stats.rtcp_dropped++;
        return;
    }
    const RtcpSummary& s = *parsed;
    if (!m_gate.check_rtcp(from, s.sender_ssrc)) {
        m_stats.rtcp_dropped++;
        m_stats.rtcp_wrong_source++;
        return;
    }
    m_stats.rtcp_received++;
    if (s.has_sender_info) {
        m_last_sr = ntp_middle32(s.sender.ntp_timestamp);
        m_last_sr_arrival = now;
    }
    if (s.has_block_for_us) {
        m_stats.remote_fraction_lost = s.block_for_us.fraction_lost;
        m_stats.remote_jitter_ms = s.block_for_us.jitter / 8;
        // §6.4.1: RTT = A - LSR - DLSR, all in 1/65536 s.
        if (s.block_for_us.last_sr) {
            uint32_t a = ntp_middle32(ntp_time(now));
            uint32_t rtt = a - s.block_for_us.last_sr - s.block_for_us.delay_since_last_sr;
            if (int32_t(rtt) >= 0)
                m_stats.rtt_ms = uint32_t((uint64_t(rtt) * 1000) >> 16);
        }
    }
    if (s.bye && s.bye_ssrc == m_rx.ssrc())
        m_stats.remote_bye = true;
}

} // namespace oh::media
