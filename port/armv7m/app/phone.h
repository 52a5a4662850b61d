// The phone on the ARM port: the phone core's settings and call control (sip/phone) with a
// SIP user agent and a media session over net::Stack, driven by the network thread and
// clocked by the board's 20 ms audio frames.
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
#include "sip/phone/calls.h"
#include "sip/phone/digit_queue.h"
#include "sip/phone/settings.h"
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

// The port's console lines for the phone core.
class ConsoleOutput final : public phone::PhoneOutput {
public:
    void vprint(const char* fmt, va_list ap) override;
};

class Phone final : private sip::SipTransport, private media::MediaTransport, private phone::PhoneTarget {
public:
    Phone(net::Stack& stack, const Clock& clock, Random& random, AudioEndpoint& audio)
        : m_stack(stack)
        , m_clock(clock)
        , m_random(random)
        , m_audio(audio)
        , m_media(*this, random)
        , m_calls(m_settings, clock, m_out, *this)
    {
    }

    // Reads the sip.*, rtp.* and phone.* keys; false (and a console line) when the phone
    // is not configured.
    bool configure(const CommandLine& cmdline);
    const phone::PhoneSettings& settings() const { return m_settings; }
    // Network thread: a console line split into words. False when it is not a phone command.
    bool command(int argc, const char* const* argv);
    // `stats`: the media session's and the sockets' counters.
    void print_stats();
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
    // phone::PhoneTarget: called inside user-agent events, so the media session's start is
    // deferred (run_deferred) out of the parser's and the INVITE handler's stack frames.
    void media_start(const media::MediaConfig& config) override;
    void media_stop() override;
    void media_hold(bool held) override;
    void media_mute(bool muted) override;
    void media_dtmf(char digit) override;

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
    ConsoleOutput m_out;
    phone::PhoneSettings m_settings {};
    phone::PhoneCalls m_calls;
    phone::DigitQueue m_digits;
    Late<sip::SipUserAgent> m_ua;
    bool m_ua_ready { false };
    bool m_configured { false };
    bool m_sockets_open { false };
    // sip.server given as a name: looked up through the stack's resolver (net/dns_resolver).
    Str m_server_name;
    bool m_resolving { false };
    uint16_t m_resolve_query { 0 };
    Nanoseconds m_resolve_retry_at { 0 };
    sip::SipConfig m_config {};
    net::SocketId m_sip_socket, m_rtp_socket, m_rtcp_socket;
    // A fresh RTP/RTCP pair per call, drawn from rtp.ports (rtp_ports.h).
    uint16_t m_rtp_port { 0 };
    bool m_ports_used { false };
    // Whom the media sockets admit (the session's AdmitFilter), and what was refused.
    media::AdmitFilter m_admit {};
    uint32_t m_rx_wrong_source { 0 };
    // Set by the core's media calls, carried out by run_deferred() once the user agent returned.
    bool m_media_pending { false };
    bool m_hold_pending { false };
    media::MediaConfig m_media_config {};
    char m_cname[64] {};
    alignas(4) uint8_t m_rx[sip::kMaxMessageSize];
    int16_t m_capture[media::kFrameSamples] {};
    int16_t m_playback[media::kFrameSamples] {};
};

} // namespace oh::arm
