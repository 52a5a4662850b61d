// MediaSession: the 20 ms media loop, RTP to the negotiated (or latched) peer, RTCP reports and BYE, DTMF both ways.
#include "sip/media/media_session.h"

#include <algorithm>

#include "lib/bytes.h"

namespace oh::media {

namespace {

constexpr size_t kMaxPacket = kRtpHeaderSize + kFrameSamples;

} // namespace

Result<void> MediaSession::start(const MediaConfig& config, Nanoseconds now)
{
    if (config.payload_type > 127 || config.telephone_event_pt > 127 || config.cname.size() > kMaxCname
        || int(config.telephone_event_pt) == int(config.payload_type))
        return Error::InvalidArgument;
    m_config = config;
    copy_bytes(m_cname, config.cname.data(), config.cname.size());
    m_config.cname = { m_cname, config.cname.size() };
    m_ssrc = m_random.next_u32();
    m_seq = uint16_t(m_random.next_u32());
    m_ts = m_random.next_u32();
    m_first_packet = true;
    m_gate.reset(config.peer_mode, config.remote_rtp, config.remote_rtcp);
    m_rx = {};
    m_jitter.reset(config.law);
    m_plc.reset();
    m_detector = {};
    m_event_tx = {};
    m_event_rx = {};
    m_stats = {};
    m_sent_since_report = 0;
    m_last_sr = 0;
    m_running = true;
    // RFC 3550 §6.2: the first report comes after half the minimum interval.
    schedule_rtcp(now, kRtcpInterval / 2);
    return {};
}

void MediaSession::stop(Nanoseconds now)
{
    if (!m_running)
        return;
    send_report(now, true);
    m_running = false;
}

// Randomised over [0.5, 1.5] x base so that many phones do not synchronise (§6.3.1).
void MediaSession::schedule_rtcp(Nanoseconds now, Nanoseconds base)
{
    Nanoseconds jitter = Nanoseconds(m_random.next_u32() % 1000);
    m_next_rtcp = now + base / 2 + base * jitter / 1000;
}

void MediaSession::on_frame(std::span<const int16_t, kFrameSamples> capture, std::span<int16_t, kFrameSamples> playback,
    Nanoseconds now)
{
    m_stats.frames++;
    play(playback, now);
    if (!m_running)
        return;
    if (m_event_tx.active()) {
        send_event();
    } else {
        int16_t pcm[kFrameSamples];
        if (m_inband_dtmf.active())
            m_inband_dtmf.generate(pcm);
        else if (m_config.echo == EchoMode::Loopback)
            copy_bytes(pcm, playback.data(), sizeof pcm);
        else if (m_mute)
            fill_bytes(pcm, 0, sizeof pcm);
        else
            copy_bytes(pcm, capture.data(), sizeof pcm);
        send_audio(std::span<const int16_t, kFrameSamples>(pcm, kFrameSamples));
    }
    m_ts += kFrameSamples;
}

void MediaSession::play(std::span<int16_t, kFrameSamples> out, Nanoseconds now)
{
    uint8_t coded[kFrameSamples];
    auto kind = m_jitter.get(std::span<uint8_t, kFrameSamples>(coded, kFrameSamples), now);
    switch (kind) {
    case JitterBuffer::FrameKind::Audio:
        g711_decode(m_config.law, coded, out);
        m_plc.good_frame(out);
        break;
    case JitterBuffer::FrameKind::Lost:
        m_plc.conceal(out);
        break;
    case JitterBuffer::FrameKind::Idle:
        fill_bytes(out.data(), 0, out.size_bytes());
        break;
    }
    // Peers that do not speak RFC 4733 send DTMF as tones in the audio.
    if (m_config.telephone_event_pt < 0 && kind != JitterBuffer::FrameKind::Idle) {
        if (char key = m_detector.process(out))
            push_digit(key);
    }
    if (m_tone.active())
        m_tone.generate(out);
    m_stats.playout = m_jitter.stats();
}

void MediaSession::send_packet(const RtpHeaderFields& fields, std::span<const uint8_t> payload)
{
    uint8_t buf[kMaxPacket];
    auto len = build_rtp(fields, payload, buf);
    if (len.is_error())
        return; // cannot happen with our sizes; nothing to send
    m_transport.send_rtp({ buf, *len }, rtp_destination());
    m_stats.packets_sent++;
    m_stats.octets_sent += uint32_t(payload.size());
    m_sent_since_report++;
    m_last_sent_ts = fields.timestamp;
}

void MediaSession::send_audio(std::span<const int16_t, kFrameSamples> pcm)
{
    uint8_t payload[kFrameSamples];
    g711_encode(m_config.law, pcm, payload);
    RtpHeaderFields f;
    f.marker = m_first_packet; // RFC 3551 §4.1: first packet of a talkspurt
    f.payload_type = m_config.payload_type;
    f.sequence = m_seq++;
    f.timestamp = m_ts;
    f.ssrc = m_ssrc;
    m_first_packet = false;
    send_packet(f, payload);
}

// RFC 4733 §2.5.1: all packets of one event carry the timestamp of its first frame.
void MediaSession::send_event()
{
    auto p = m_event_tx.next();
    if (p.first_of_event)
        m_event_ts = m_ts;
    uint8_t payload[kTelephoneEventSize];
    build_telephone_event(p.event, std::span<uint8_t, kTelephoneEventSize>(payload, kTelephoneEventSize));
    RtpHeaderFields f;
    f.marker = p.marker;
    f.payload_type = uint8_t(m_config.telephone_event_pt);
    f.sequence = m_seq++;
    f.timestamp = m_event_ts;
    f.ssrc = m_ssrc;
    send_packet(f, payload);
}

Result<void> MediaSession::send_dtmf(char key, uint16_t duration_ms)
{
    if (!m_running)
        return Error::Closed;
    if (m_config.telephone_event_pt >= 0) {
        TRY(m_event_tx.start(key, duration_ms));
    } else {
        if (m_inband_dtmf.active())
            return Error::Busy;
        ToneSpec spec;
        if (!dtmf_tone(key, duration_ms, spec))
            return { Error::InvalidArgument, "not a DTMF key" };
        m_inband_dtmf.start(spec);
    }
    m_stats.dtmf_sent++;
    return {};
}

void MediaSession::push_digit(char key)
{
    m_stats.dtmf_received++;
    if (m_digit_count == kDigitQueue)
        return; // nobody is reading: keep the oldest digits
    m_digits[(m_digit_head + m_digit_count) % kDigitQueue] = key;
    m_digit_count++;
}

std::optional<char> MediaSession::poll_dtmf()
{
    if (m_digit_count == 0)
        return std::nullopt;
    char key = m_digits[m_digit_head];
    m_digit_head = uint8_t((m_digit_head + 1) % kDigitQueue);
    m_digit_count--;
    return key;
}

} // namespace oh::media
