// One call's media: G.711 RTP send/receive, jitter buffer + PLC to the speaker, RTCP, DTMF,
// local tones. Clocked by audio: the phone task calls on_frame() every 20 ms.
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
#include "sip/media/dtmf_detector.h"
#include "sip/media/g711.h"
#include "sip/media/jitter_buffer.h"
#include "sip/media/plc.h"
#include "sip/media/rtp.h"
#include "sip/media/rtp_source_gate.h"
#include "sip/media/telephone_event.h"
#include "sip/media/tones.h"

namespace oh::media {

constexpr size_t kFrameSamples = 160; // 20 ms at 8 kHz (RFC 3551 §4.5.14 default ptime)

// Where packets go: the UDP sockets of the phone task (or a test double).
class MediaTransport {
public:
    virtual void send_rtp(std::span<const uint8_t> packet, Endpoint to) = 0;
    virtual void send_rtcp(std::span<const uint8_t> packet, Endpoint to) = 0;

protected:
    ~MediaTransport() = default;
};

enum class EchoMode : uint8_t { Off, Loopback }; // Loopback: send back what we hear

// Everything the SDP offer/answer decided. Payload types come from the negotiation: a
// telephone-event PT is whatever the peer's rtpmap said (often 101, never assumed).
struct MediaConfig {
    G711Law law { G711Law::Ulaw };
    uint8_t payload_type { kPayloadTypePcmu };
    int16_t telephone_event_pt { -1 };  // -1: not negotiated, DTMF goes in-band
    Endpoint remote_rtp {};
    Endpoint remote_rtcp {};            // usually remote_rtp.port + 1 (RFC 3550 §11)
    PeerMode peer_mode { PeerMode::Negotiated }; // Latch only where NAT handling is configured
    std::string_view cname {};          // copied; at most kMaxCname bytes
    EchoMode echo { EchoMode::Off };
};

struct MediaStats {
    uint32_t packets_sent { 0 };
    uint32_t octets_sent { 0 };
    uint32_t packets_received { 0 };     // accepted audio + event packets
    uint32_t octets_received { 0 };
    uint32_t dropped_bad_header { 0 };
    uint32_t dropped_wrong_source { 0 }; // not the peer, or no probation slot free
    uint32_t held_in_probation { 0 };    // from a candidate source not yet believed (RFC 3550 §A.1)
    uint32_t source_latches { 0 };       // sources that passed probation (PeerMode::Latch)
    uint32_t dropped_wrong_payload { 0 };
    uint32_t dropped_bad_sequence { 0 };
    int32_t lost { 0 };                  // RFC 3550 cumulative number of packets lost
    uint32_t jitter_ms { 0 };            // RFC 3550 A.8 interarrival jitter
    uint32_t rtcp_sent { 0 };
    uint32_t rtcp_received { 0 };
    uint32_t rtcp_dropped { 0 };         // malformed or from the wrong source
    uint32_t rtcp_wrong_source { 0 };
    uint32_t remote_fraction_lost { 0 }; // what the peer reports about us, 8-bit fraction
    uint32_t remote_jitter_ms { 0 };
    uint32_t rtt_ms { 0 };
    bool remote_bye { false };
    uint32_t dtmf_sent { 0 };
    uint32_t dtmf_received { 0 };
    uint32_t frames { 0 };               // on_frame() calls
    JitterBufferStats playout {};        // late, lost (concealed), underruns, depth...
};

class MediaSession {
public:
    static constexpr size_t kMaxCname = 64;
    static constexpr Nanoseconds kRtcpInterval = 5 * kNsPerSec; // RFC 3550 §6.2 minimum
    static constexpr size_t kDigitQueue = 16;

    MediaSession(MediaTransport& transport, Random& random) : m_transport(transport), m_random(random) { }

    Result<void> start(const MediaConfig& config, Nanoseconds now);
    // Sends RTCP BYE (RFC 3550 §6.6) and stops sending.
    void stop(Nanoseconds now);
    bool running() const { return m_running; }

    void on_frame(std::span<const int16_t, kFrameSamples> capture, std::span<int16_t, kFrameSamples> playback, Nanoseconds now);
    void on_rtp_packet(std::span<const uint8_t> packet, Endpoint from, Nanoseconds now);
    void on_rtcp_packet(std::span<const uint8_t> packet, Endpoint from, Nanoseconds now);
    void poll_rtcp(Nanoseconds now);

    // RFC 4733 when negotiated, otherwise in-band tones in place of the microphone.
    Result<void> send_dtmf(char key, uint16_t duration_ms = 100);
    std::optional<char> poll_dtmf();

    // A local tone (ringback, busy...) replaces what the speaker would play.
    void play_tone(const ToneSpec& spec) { m_tone.start(spec); }
    void stop_tone() { m_tone.stop(); }
    void set_mute(bool mute) { m_mute = mute; }

    const MediaStats& stats() const { return m_stats; }
    uint32_t ssrc() const { return m_ssrc; }
    Endpoint rtp_destination() const { return m_gate.rtp_destination(); }
    Endpoint rtcp_destination() const { return m_gate.rtcp_destination(); }
    // What the transport should let through to on_rtp_packet()/on_rtcp_packet() right now;
    // it changes when a source latches or falls silent, so ask again every frame.
    AdmitFilter admit_filter(Nanoseconds now) const { return m_running ? m_gate.admit(now) : AdmitFilter {}; }

private:
    void play(std::span<int16_t, kFrameSamples> out, Nanoseconds now);
    void send_audio(std::span<const int16_t, kFrameSamples> pcm);
    void send_event();
    void send_packet(const RtpHeaderFields& fields, std::span<const uint8_t> payload);
    void on_event_payload(const RtpPacketView& v);
    void push_digit(char key);
    void send_report(Nanoseconds now, bool bye);
    void schedule_rtcp(Nanoseconds now, Nanoseconds base);
    static uint64_t ntp_time(Nanoseconds now);

    MediaTransport& m_transport;
    Random& m_random;
    MediaConfig m_config {};
    char m_cname[kMaxCname] {};
    bool m_running { false };
    bool m_mute { false };

    // Sender state (RFC 3550 §5.1: random initial SSRC, sequence number and timestamp).
    uint32_t m_ssrc { 0 };
    uint16_t m_seq { 0 };
    uint32_t m_ts { 0 };
    bool m_first_packet { true };
    uint32_t m_event_ts { 0 };
    uint32_t m_last_sent_ts { 0 };
    uint32_t m_sent_since_report { 0 };

    // Receiver state.
    RtpSourceGate m_gate {};
    RtpReceiveStats m_rx {};
    uint32_t m_last_sr { 0 };             // middle 32 bits of the peer's last SR
    Nanoseconds m_last_sr_arrival { 0 };
    Nanoseconds m_next_rtcp { 0 };

    JitterBuffer m_jitter {};
    Plc m_plc {};
    DtmfDetector m_detector {};
    TelephoneEventSender m_event_tx {};
    TelephoneEventReceiver m_event_rx {};
    ToneGenerator m_tone {};
    ToneGenerator m_inband_dtmf {};
    char m_digits[kDigitQueue] {};
    uint8_t m_digit_head { 0 }, m_digit_count { 0 };
    MediaStats m_stats {};
};

} // namespace oh::media
