// Phone glue: SIP over UDP 5060 in the network thread, the media session in the audio
// thread, RTP/RTCP on a random pair per call; call control, settings and commands are the
// phone core's (sip/phone).
#include "port/armv7m/app/phone.h"

#include "lib/bytes.h"
#include "lib/format.h"
#include "port/armv7m/console.h"
#include "port/armv7m/cpu.h"

namespace oh::arm {

namespace {

enum SocketKind { kSip, kRtp, kRtcp };


// Retry pause after a failed lookup (NXDOMAIN, timeout): the resolver already retried.
constexpr Nanoseconds kResolveRetry = 5 * kNsPerSec;

void print_ip(const char* label, Ipv4Address a)
{
    kprint("%s%u.%u.%u.%u", label, a.octet(0), a.octet(1), a.octet(2), a.octet(3));
}

} // namespace

void ConsoleOutput::vprint(const char* fmt, va_list ap) { vkprint(fmt, ap); }

bool Phone::configure(const CommandLine& c)
{
    if (!phone::parse_phone_settings(c, m_settings, m_out))
        return false;
    // A name is looked up once the stack has an address (and its DNS server).
        m_server_name = m_settings.server_name;
    m_configured = true;
    return true;
}

void Phone::on_address(const net::Ipv4Settings& settings)
{
    if (!m_configured || m_ua_ready)
        return;
    auto sip = m_stack.udp_open(5060);
    if (sip.is_error() || !rebind_media_ports()) {
        kprint("sip: cannot open UDP ports\n");
        return;
    }
    m_sip_socket = sip.value();
    m_settings.sip.rtp_port = m_rtp_port;
    kprint("media: udp %u/%u\n", m_rtp_port, m_rtp_port + 1);
    m_settings.sip.local = { settings.address, 5060 };
    format(m_cname, sizeof m_cname, "%.*s@%u.%u.%u.%u", int(m_settings.sip.user.size()), m_settings.sip.user.data(),
        settings.address.octet(0), settings.address.octet(1), settings.address.octet(2), settings.address.octet(3));
    m_calls.set_cname(cstr(m_cname, sizeof m_cname));
    if (m_settings.sip.domain.empty()) { // no server: we are our own domain (sip:user@our-address)
        format(m_domain, sizeof m_domain, "%u.%u.%u.%u", settings.address.octet(0), settings.address.octet(1),
            settings.address.octet(2), settings.address.octet(3));
        m_settings.sip.domain = cstr(m_domain, sizeof m_domain);
    }
    m_sockets_open = true;
    if (m_server_name.empty())
        start_ua();
    else
        start_resolve();
}

// A new RTP/RTCP pair for the next call (the old one closes once the new one is open).
bool Phone::rebind_media_ports()
{
    for (int attempt = 0; attempt < 8; attempt++) {
        uint16_t port = media::pick_rtp_port(m_settings.rtp_ports, m_random, m_rtp_port);
        if (port == m_rtp_port)
            return true; // a one-pair range
        auto rtp = m_stack.udp_open(port);
        if (rtp.is_error())
            continue;
        auto rtcp = m_stack.udp_open(uint16_t(port + 1));
        if (rtcp.is_error()) {
            m_stack.udp_close(rtp.value());
            continue;
        }
        if (m_rtp_port) {
            m_stack.udp_close(m_rtp_socket);
            m_stack.udp_close(m_rtcp_socket);
        }
        m_rtp_socket = rtp.value();
        m_rtcp_socket = rtcp.value();
        m_rtp_port = port;
        m_admit = {};
        return true;
    }
    return false;
}

bool Phone::calls_idle() const
{
    for (sip::CallId id = 0; id < sip::kMaxCalls; id++)
        if (m_ua->call_state(id) != sip::CallState::Idle)
            return false;
    return true;
}

// Admission before queueing: the media sockets are connected to the peer the session
// listens to, so the stack drops a flood from anyone else (drop_udp_wrong_peer) before it
// takes the socket's queue slots.
void Phone::apply_admission(Nanoseconds)
{
    media::AdmitFilter want;
    {
        IrqGuard guard;
        want = m_admit_wanted; // published by the media thread
    }
    if (want == m_admit)
        return;
    auto connect = [&](net::SocketId s, Endpoint peer) {
        auto r = peer.port ? m_stack.udp_connect(s, peer) : m_stack.udp_disconnect(s);
        if (r.is_error())
            kprint("media: cannot set the socket's peer (%s)\n", r.error_info().text());
    };
    connect(m_rtp_socket, want.rtp);
    connect(m_rtcp_socket, want.rtcp);
    m_admit = want;
}

void Phone::start_resolve()
{
    m_resolve_retry_at = 0;
    auto q = m_stack.resolve(m_server_name);
    if (q.is_error()) {
        kprint("sip: cannot look up %.*s (%s)\n", int(m_server_name.size()), m_server_name.data(),
            q.error_info().text());
        m_resolve_retry_at = m_clock.now_ns() + kResolveRetry;
        return;
    }
    m_resolve_query = q.value();
    m_resolving = true;
}

void Phone::poll_resolve()
{
    if (!m_resolving) {
        if (m_resolve_retry_at && m_clock.now_ns() >= m_resolve_retry_at)
            start_resolve();
        return;
    }
    auto r = m_stack.take_resolved(m_resolve_query);
    if (r.is_error() && r.error() == Error::WouldBlock)
        return;
    m_resolving = false;
    if (r.is_error()) {
        kprint("sip: %.*s did not resolve (%s), retrying\n", int(m_server_name.size()), m_server_name.data(),
            r.error_info().text());
        m_resolve_retry_at = m_clock.now_ns() + kResolveRetry;
        return;
    }
    m_settings.sip.server.address = r.value();
    kprint("sip: %.*s is", int(m_server_name.size()), m_server_name.data());
    print_ip(" ", r.value());
    kprint("\n");
    start_ua();
}

void Phone::start_ua()
{
    // The registrar's and trusted peers' fragmented INVITEs go first in reassembly.
    if (!m_settings.sip.server.address.is_unspecified())
        m_stack.prefer_fragments_from(m_settings.sip.server.address);
    for (size_t i = 0; i < m_settings.sip.trusted_count; ++i)
        m_stack.prefer_fragments_from(m_settings.sip.trusted[i].address);
    m_ua.emplace(m_settings.sip, static_cast<sip::SipTransport&>(*this), m_clock, m_random, m_calls);
    m_calls.attach(&*m_ua);
    m_ua_ready = true;
    if (m_settings.direct) {
        kprint("phone: no sip.server: direct calls only; taking calls from %s; dial sip:user@host[:port]\n",
            m_settings.sip.accept_any_caller ? "anyone (sip.accept=any)" : "sip.trusted peers");
        return;
    }
    if (auto r = m_ua->start_register(); r.is_error())
        kprint("sip: register failed to start (%s)\n", r.error_info().text());
}

void Phone::drain(net::SocketId socket, int kind)
{
    for (;;) {
        auto r = m_stack.udp_receive(socket, m_rx);
        if (r.is_error())
            return;
        std::span<const uint8_t> data { m_rx.data(), r->length };
        Nanoseconds now = m_clock.now_ns();
        Endpoint peer = kind == kRtp ? m_admit.rtp : m_admit.rtcp;
        if (kind != kSip && peer.port && !(r->from == peer)) {
            m_rx_wrong_source++; // queued before the socket was connected
            continue;
        }
        (void)now;
        if (kind == kSip) {
            if (r->length == r->datagram)
                m_ua->receive(data, r->from);
            else // cut to the buffer: answered 513 from its head
                m_ua->receive_oversized(data, r->from);
            continue;
        }
        if (r->length > sizeof(Datagram::data) || r->length != r->datagram) {
            m_rx_oversize++; // no RTP/RTCP of a G.711 call is that long
            continue;
        }
        IrqGuard guard; // a slot is filled in place: about 2 us with interrupts masked
        if (!m_media_running)
            continue;
        if (m_received.is_full()) {
            m_received_overflow++;
            continue;
        }
        m_received.push_slot([&](Datagram& d) {
            d.length = uint16_t(r->length);
            d.rtcp = kind == kRtcp;
            d.peer = r->from;
            d.arrival_ns32 = uint32_t(m_clock.now_ns());
            copy_bytes(d.data, m_rx.data(), r->length);
        });
    }
}

void Phone::poll()
{
    if (m_sockets_open && !m_ua_ready)
        poll_resolve();
    if (!m_ua_ready)
        return;
    drain(m_sip_socket, kSip);
    apply_admission(m_clock.now_ns());
    drain(m_rtp_socket, kRtp);
    drain(m_rtcp_socket, kRtcp);
    send_queued();
    m_calls.poll();
    m_ua->poll();
    if (m_calls.take_media_used())
        m_ports_used = true;
    bool media_running, media_starting;
    {
        IrqGuard guard;
        media_running = m_media_running;
        media_starting = false;
        for (size_t i = 0; i < m_commands.size(); i++)
            media_starting |= m_commands.at(i).kind == MediaCommand::Kind::Start;
    }
    // Between calls (the media thread stopped, its RTCP BYE sent): the next gets a fresh pair.
    if (m_ports_used && !media_running && !media_starting && m_outgoing.is_empty() && calls_idle()) {
        m_ports_used = false;
        if (rebind_media_ports())
            m_ua->set_rtp_port(m_rtp_port);
        else
            kprint("media: no free RTP/RTCP pair; keeping %u\n", m_rtp_port);
    }
}

Nanoseconds Phone::next_deadline() const
{
    if (!m_ua_ready)
        return m_resolve_retry_at ? m_resolve_retry_at : ~Nanoseconds(0);
    Nanoseconds next = m_ua->next_wakeup();
    if (!next) // no SIP timer running: not "due now", which would make the caller spin
        next = ~Nanoseconds(0);
    if (m_calls.next_deadline() < next)
        next = m_calls.next_deadline();
    return next;
}

void Phone::on_audio_frame()
{
    for (;;) {
        MediaCommand c;
        {
            IrqGuard guard;
            if (!m_commands.pop(c))
                break;
        }
        media_apply(c);
    }
    for (;;) {
        // Read in place: the network thread fills only free slots, and this one stays taken
        // until the pop below.
        Datagram* d;
        {
            IrqGuard guard;
            if (m_received.is_empty())
                break;
            d = &m_received.front();
        }
        if (m_media.running()) {
            // Stamped as it came in, not now: the wait for this tick is not network jitter.
            Nanoseconds now = m_clock.now_ns();
            Nanoseconds arrival = now - Nanoseconds(uint32_t(uint32_t(now) - d->arrival_ns32));
            if (d->rtcp)
                m_media.on_rtcp_packet({ d->data, d->length }, d->peer, arrival);
            else
                m_media.on_rtp_packet({ d->data, d->length }, d->peer, arrival);
        }
        IrqGuard guard;
        m_received.drop_front();
    }
    Nanoseconds now = m_clock.now_ns();
    m_digits.pump(m_media, now, m_out);
    m_audio.read_frame(m_capture);
    if (m_media.running()) {
        m_media.on_frame(std::span<const int16_t, media::kFrameSamples>(m_capture), m_playback, now);
        m_media.poll_rtcp(now);
    } else {
        for (auto& s : m_playback)
            s = 0;
    }
    m_audio.write_frame(m_playback);
    publish_media(now);
}

void Phone::publish_media(Nanoseconds now)
{
    media::AdmitFilter admit = m_media.admit_filter(now);
    IrqGuard guard;
    m_admit_wanted = admit;
    m_media_stats = m_media.stats();
    m_media_running = m_media.running();
}

void Phone::media_apply(const MediaCommand& c)
{
    Nanoseconds now = m_clock.now_ns();
    switch (c.kind) {
    case MediaCommand::Kind::Start: {
        if (m_media.running())
            m_media.stop(now);
        m_digits.clear();
        if (auto r = m_media.start(c.config, now); r.is_error()) {
            kprint("media: start failed (%s)\n", r.error_info().text());
            return;
        }
        m_media.set_mute(m_held || m_muted);
        auto& remote = c.config.remote_rtp;
        print_ip("media: rtp to ", remote.address);
        kprint(":%u pt %u\n", remote.port, c.config.payload_type);
        break;
    }
    case MediaCommand::Kind::Stop: {
        m_digits.clear();
        m_held = false;
        if (!m_media.running())
            return;
        auto& st = m_media.stats();
        kprint("media: sent %lu packets, received %lu\n", (unsigned long)st.packets_sent,
            (unsigned long)st.packets_received);
        kprint("media: rejected socket %lu queued %lu session %lu, probation %lu, latches %lu, rtcp %lu\n",
            (unsigned long)m_stack.counters().get(net::Counter::DropUdpWrongPeer), (unsigned long)m_rx_wrong_source,
            (unsigned long)st.dropped_wrong_source, (unsigned long)st.held_in_probation,
            (unsigned long)st.source_latches, (unsigned long)st.rtcp_wrong_source);
        m_media.stop(now); // sends the RTCP BYE
        break;
    }
    case MediaCommand::Kind::Hold:
        m_held = c.flag;
        m_media.set_mute(m_held || m_muted);
        break;
    case MediaCommand::Kind::Mute:
        m_muted = c.flag;
        m_media.set_mute(m_held || m_muted);
        break;
    case MediaCommand::Kind::Dtmf:
        if (!m_media.running() || !m_digits.push(c.digit))
            kprint("phone: dtmf %c not sent (no call, or 32 digits waiting)\n", c.digit);
        break;
    }
}

void Phone::post(const MediaCommand& c)
{
    IrqGuard guard;
    if (!m_commands.push(c))
        m_command_overflow++;
}

void Phone::queue_out(std::span<const uint8_t> packet, Endpoint to, bool rtcp)
{
    if (packet.size() > sizeof(Datagram::data))
        return;
    {
        IrqGuard guard;
        if (m_outgoing.is_full()) {
            m_outgoing_overflow++;
            return;
        }
        m_outgoing.push_slot([&](Datagram& d) {
            d.length = uint16_t(packet.size());
            d.rtcp = rtcp;
            d.peer = to;
            copy_bytes(d.data, packet.data(), packet.size());
        });
    }
    if (m_net_wake)
        m_net_wake->signal();
}

void Phone::send_queued()
{
    for (;;) {
        Datagram* d; // read in place, as the media thread reads m_received
        {
            IrqGuard guard;
            if (m_outgoing.is_empty())
                return;
            d = &m_outgoing.front();
        }
        // A lost RTP packet is what the receiver's PLC is for; the stack counts the failure.
        (void)m_stack.udp_send_to(d->rtcp ? m_rtcp_socket : m_rtp_socket, d->peer, { d->data, d->length });
        IrqGuard guard;
        m_outgoing.drop_front();
    }
}

void Phone::send(const Endpoint& to, std::span<const uint8_t> datagram)
{
    if (m_stack.udp_send_to(m_sip_socket, to, datagram).is_error())
        kprint("sip: send of %u bytes failed\n", unsigned(datagram.size()));
}

void Phone::send_rtp(std::span<const uint8_t> packet, Endpoint to) { queue_out(packet, to, false); }
void Phone::send_rtcp(std::span<const uint8_t> packet, Endpoint to) { queue_out(packet, to, true); }

bool Phone::command(int argc, const char* const* argv)
{
    if (argc >= 1 && argv[0][0] == 's' && Str(argv[0], cstr(argv[0]).size()) == Str("stats")) {
        print_stats();
        return true;
    }
    return m_calls.command(argc, argv);
}

void Phone::print_stats()
{
    media::MediaStats m;
    uint32_t overflows;
    {
        IrqGuard guard;
        m = m_media_stats;
        overflows = m_command_overflow + m_received_overflow + m_outgoing_overflow;
    }
    kprint("stats: rtp_sent=%lu rtp_received=%lu lost=%ld jitter_ms=%lu concealed=%lu rtcp_sent=%lu "
           "rtcp_received=%lu dtmf_sent=%lu dtmf_received=%lu dropped_wrong_source=%lu\n",
        (unsigned long)m.packets_sent, (unsigned long)m.packets_received, (long)m.lost, (unsigned long)m.jitter_ms,
        (unsigned long)m.playout.frames_lost, (unsigned long)m.rtcp_sent, (unsigned long)m.rtcp_received,
        (unsigned long)m.dtmf_sent, (unsigned long)m.dtmf_received, (unsigned long)m.dropped_wrong_source);
    kprint("stats: media rtp_port=%u rejected_socket=%lu rejected_ring=%lu rejected_session=%lu ring_overflow=%lu\n",
        m_rtp_port, (unsigned long)m_stack.counters().get(net::Counter::DropUdpWrongPeer),
        (unsigned long)m_rx_wrong_source, (unsigned long)m.dropped_wrong_source, (unsigned long)overflows);
    phone::AudioCounters a;
    {
        IrqGuard guard; // the audio thread updates them
        a = m_audio.counters();
    }
    kprint("stats: audio device=%s frames=%lu underruns=%lu overruns=%lu\n", m_audio.name(), (unsigned long)a.frames,
        (unsigned long)a.underruns, (unsigned long)a.overruns);
    if (m_ua_ready) {
        const sip::GuardCounters& gc = m_ua->counters();
        kprint("stats: sip admitted=%lu rate_limited=%lu banned_drops=%lu bans=%lu untrusted_403=%lu foreign_403=%lu "
               "user_404=%lu oversized_513=%lu malformed=%lu\n",
            (unsigned long)gc.admitted, (unsigned long)gc.rate_limited, (unsigned long)gc.dropped_banned,
            (unsigned long)gc.bans, (unsigned long)gc.rejected_untrusted, (unsigned long)gc.rejected_foreign,
            (unsigned long)gc.rejected_user, (unsigned long)gc.oversized, (unsigned long)gc.malformed);
    }
}

void Phone::media_start(const media::MediaConfig& config)
{
    MediaCommand c { MediaCommand::Kind::Start };
    c.config = config;
    post(c);
}

void Phone::media_stop() { post({ MediaCommand::Kind::Stop }); }

void Phone::media_hold(bool held)
{
    MediaCommand c { MediaCommand::Kind::Hold };
    c.flag = held;
    post(c);
}

void Phone::media_mute(bool muted)
{
    MediaCommand c { MediaCommand::Kind::Mute };
    c.flag = muted;
    post(c);
}

void Phone::media_dtmf(char digit)
{
    MediaCommand c { MediaCommand::Kind::Dtmf };
    c.digit = digit;
    post(c);
}

} // namespace oh::arm
