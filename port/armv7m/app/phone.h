// The phone on the ARM port: SIP user agent + media session over net::Stack, driven by
// the network thread and clocked by the board's 20 ms audio frames.
#pragma once

#include <stdint.h>

#include <span>
#include <string_view>

#include "lib/cmdline/cmdline.h"
#include "lib/clock.h"
#include "lib/random.h"
#include "net/stack.h"
#include "port/armv7m/late.h"
#include "sip/media/media_session.h"
#include "sip/media/rtp_ports.h"
#include "sip/user_agent.h"

namespace oh::arm {

// Where 20 ms of audio comes from and goes to: a codec (STM32), a tone and a null sink (QEMU).
class AudioEndpoint {
public:
    virtual void capture(std::span<int16_t, media::kFrameSamples> out) = 0;
    virtual void playback(std::span<const int16_t, media::kFrameSamples> in) = 0;

protected:
    ~AudioEndpoint() = default;
};

class Phone final : private sip::SipTransport, private sip::SipListener, private media::MediaTransport {
public:
    Phone(net::Stack& stack, const Clock& clock, Random& random, AudioEndpoint& audio)
        : m_stack(stack), m_clock(clock), m_random(random), m_audio(audio), m_media(*this, random)
    {
    }

    // Reads sip.* keys; false (and a console line) when the phone is not configured.
    bool configure(const CommandLine& cmdline);
    // Network thread: after the stack got an address.
    void on_address(const net::Ipv4Settings& settings);
    // Network thread: drain sockets, run SIP and RTCP timers.
    void poll();
    Nanoseconds next_deadline() const;
    // Network thread, once per audio frame.
    void on_audio_frame();

private:
    // sip::SipTransport / media::MediaTransport.
    void send(const Endpoint& to, std::span<const uint8_t> datagram) override;
    void send_rtp(std::span<const uint8_t> packet, Endpoint to) override;
    void send_rtcp(std::span<const uint8_t> packet, Endpoint to) override;
    // sip::SipListener.
    void on_registration(sip::RegState state, uint16_t status, Str reason) override;
    void on_incoming_call(sip::CallId call, Str from_display, Str from_uri) override;
    void on_call_progress(sip::CallId call, uint16_t status) override;
    void on_call_answered(sip::CallId call) override;
    void on_call_ended(sip::CallId call, sip::EndReason reason, uint16_t status) override;
    void on_media(sip::CallId call, const sip::MediaSession& media) override;
    void on_dtmf(sip::CallId call, char digit, uint16_t duration_ms) override;

    void drain(net::SocketId socket, int kind);
    void start_resolve();
    void poll_resolve();
    void start_ua();
    void run_deferred();
    bool rebind_media_ports();
    void apply_admission(Nanoseconds now);
    bool calls_idle() const;

    net::Stack& m_stack;
    const Clock& m_clock;
    Random& m_random;
    AudioEndpoint& m_audio;
    media::MediaSession m_media;
    Late<sip::SipUserAgent> m_ua;
    bool m_ua_ready { false };
    bool m_configured { false };
    bool m_sockets_open { false };
    // sip.server given as a name: looked up through the stack's resolver (net/dns_resolver).
    std::string_view m_server_name;
    bool m_resolving { false };
    uint16_t m_resolve_query { 0 };
    Nanoseconds m_resolve_retry_at { 0 };
    sip::SipConfig m_config {};
    net::SocketId m_sip_socket, m_rtp_socket, m_rtcp_socket;
    // A fresh RTP/RTCP pair per call, drawn from rtp.ports (rtp_ports.h).
    media::RtpPortRange m_rtp_ports {};
    media::PeerMode m_peer_mode { media::PeerMode::Negotiated };
    uint16_t m_rtp_port { 0 };
    bool m_ports_used { false };
    // Whom the media sockets admit (the session's AdmitFilter), and what was refused.
    media::AdmitFilter m_admit {};
    uint32_t m_rx_wrong_source { 0 };
    // Set by SIP callbacks, carried out by run_deferred() once the user agent returned.
    sip::CallId m_answer_call { sip::kNoCall };
    bool m_media_pending { false };
    media::MediaConfig m_media_config {};
    Nanoseconds m_hangup_at { 0 };
    Nanoseconds m_call_limit { 0 };
    alignas(4) uint8_t m_rx[sip::kMaxMessageSize];
    int16_t m_capture[media::kFrameSamples] {};
    int16_t m_playback[media::kFrameSamples] {};
};

} // namespace oh::arm
