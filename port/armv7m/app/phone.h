// The phone on the ARM port: the phone core's settings and call control (sip/phone) with a
// SIP user agent over net::Stack in the network thread, and the media session in the
// board's real-time audio thread, clocked by its 20 ms frames (the SAI DMA on the board, a
// timer on mps2), as the x86 phone runs its media thread beside its SIP thread. The two
// threads meet only in small rings guarded by masking interrupts: commands to the media
// side, received RTP/RTCP to it, RTP/RTCP to send back to the network thread, and the
// media side's counters and admission filter published once a frame.
#pragma once

#include <stdint.h>

#include <span>
#include <string_view>

#include "lib/cmdline/cmdline.h"
#include "lib/clock.h"
#include "lib/random.h"
#include "lib/ring_buffer.h"
#include "net/stack.h"
#include "port/armv7m/late.h"
#include "port/armv7m/thread.h"
#include "sip/media/media_session.h"
#include "sip/media/rtp_ports.h"
#include "sip/phone/audio_device.h"
#include "sip/phone/calls.h"
#include "sip/phone/digit_queue.h"
#include "sip/phone/settings.h"
#include "sip/user_agent.h"

namespace oh::arm {

// The port's console lines for the phone core.
class ConsoleOutput final : public phone::PhoneOutput {
public:
    void vprint(const char* fmt, va_list ap) override;
};

class Phone final : private sip::SipTransport, private media::MediaTransport, private phone::PhoneTarget {
public:
    Phone(net::Stack& stack, const Clock& clock, Random& random, phone::AudioDevice& audio)
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
    // Network thread: drain sockets, run SIP timers, send what the media thread queued.
    void poll();
    Nanoseconds next_deadline() const;
    // Who to wake when the media thread queued a datagram (the network thread's event).
    void set_net_wake(Event* wake) { m_net_wake = wake; }
    // The network thread's receive buffer (at least kMaxMessageSize): the same bytes the
    // network thread receives Ethernet frames into, used once a frame is through the stack.
    void set_rx_buffer(std::span<uint8_t> buffer) { m_rx = buffer; }
    // Media thread (the board's real-time audio thread), once per 20 ms audio frame, after
    // the device's wait_frame(): one frame read from it, one written to it.
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

    // Between the threads (each field used under IrqGuard, or by one thread as noted).
    struct MediaCommand {
        enum class Kind : uint8_t { Start, Stop, Hold, Mute, Dtmf } kind { Kind::Stop };
        media::MediaConfig config {};
        char digit { 0 };
        bool flag { false };
    };
    // 20 ms of G.711 with its RTP header (172 bytes), or an RTCP compound.
    struct Datagram {
        uint16_t length { 0 };
        bool rtcp { false };
        Endpoint peer {}; // where from (received) or where to (to send)
        // Received: the clock's low 32 bits of nanoseconds when the network thread took it
        // in (the media loop reads it within 4.29 s, so the wrap is unambiguous).
        uint32_t arrival_ns32 { 0 };
        uint8_t data[256]; // RTCP compounds longer than this are dropped (ours are < 120 B)
    };
    void post(const MediaCommand& c);
    void queue_out(std::span<const uint8_t> packet, Endpoint to, bool rtcp);
    void send_queued();        // network thread
    void media_apply(const MediaCommand& c); // media thread
    void publish_media(Nanoseconds now);     // media thread

    void drain(net::SocketId socket, int kind);
    void start_resolve();
    void poll_resolve();
    void start_ua();
    bool rebind_media_ports();
    void apply_admission(Nanoseconds now);
    bool calls_idle() const;

    net::Stack& m_stack;
    const Clock& m_clock;
    Random& m_random;
    phone::AudioDevice& m_audio;
    media::MediaSession m_media; // the media thread's alone
    ConsoleOutput m_out;
    phone::PhoneSettings m_settings {};
    phone::PhoneCalls m_calls;
    phone::DigitQueue m_digits;  // media thread
    Late<sip::SipUserAgent> m_ua;
    bool m_ua_ready { false };
    bool m_configured { false };
    bool m_sockets_open { false };
    // sip.server given as a name: looked up through the stack's resolver (net/dns_resolver).
    Str m_server_name;
    bool m_resolving { false };
    uint16_t m_resolve_query { 0 };
    Nanoseconds m_resolve_retry_at { 0 };
    net::SocketId m_sip_socket, m_rtp_socket, m_rtcp_socket;
    // A fresh RTP/RTCP pair per call, drawn from rtp.ports (rtp_ports.h).
    uint16_t m_rtp_port { 0 };
    bool m_ports_used { false };
    // Whom the media sockets admit (the session's AdmitFilter), and what was refused.
    media::AdmitFilter m_admit {};
    uint32_t m_rx_wrong_source { 0 };
    Event* m_net_wake { nullptr };
    // Network thread -> media thread: commands (up to a call's start, hold and a typed
    // digit string), and received RTP/RTCP (4 packets: the media thread takes them every
    // 20 ms, a peer sends one per 20 ms plus RTCP).
    RingBuffer<MediaCommand, 8> m_commands;
    RingBuffer<Datagram, 4> m_received;
    // Media thread -> network thread: RTP and RTCP to send (a frame's packet, an RTCP report
    // beside it; the network thread is woken for each, so the ring rarely holds more).
    RingBuffer<Datagram, 3> m_outgoing;
    uint32_t m_command_overflow { 0 }, m_received_overflow { 0 }, m_outgoing_overflow { 0 }, m_rx_oversize { 0 };
    // Published by the media thread each frame.
    media::AdmitFilter m_admit_wanted {};
    media::MediaStats m_media_stats {};
    bool m_media_running { false };
    // The media thread's own state.
    bool m_held { false };
    bool m_muted { false };
    char m_cname[64] {};
    char m_domain[16] {};
    std::span<uint8_t> m_rx;
    int16_t m_capture[media::kFrameSamples] {};
    int16_t m_playback[media::kFrameSamples] {};
};

} // namespace oh::arm
