// Phone glue: SIP over UDP 5060, RTP/RTCP on a random pair per call, auto-answer, timed hang-up.
#include "port/armv7m/app/phone.h"

#include "port/armv7m/console.h"

namespace oh::arm {

namespace {

enum SocketKind { kSip, kRtp, kRtcp };

void print_str(const char* label, Str s) { kprint("%s%.*s", label, int(s.size()), s.data()); }

// Retry pause after a failed lookup (NXDOMAIN, timeout): the resolver already retried.
constexpr Nanoseconds kResolveRetry = 5 * kNsPerSec;

struct HostPort {
    std::string_view host;
    uint16_t port;
};

// "192.0.2.1", "sip.lab.test" or either with ":5070".
Result<HostPort> split_host_port(std::string_view text, uint16_t default_port)
{
    auto colon = text.find(':');
    HostPort hp { text.substr(0, colon), default_port };
    if (hp.host.empty())
        return Error::Malformed;
    if (colon != std::string_view::npos) {
        auto port = parse_u64(text.substr(colon + 1));
        if (!port || *port == 0 || *port > 65535)
            return Error::Malformed;
        hp.port = uint16_t(*port);
    }
    return hp;
}

void print_ip(const char* label, Ipv4Address a)
{
    kprint("%s%u.%u.%u.%u", label, a.octet(0), a.octet(1), a.octet(2), a.octet(3));
}

} // namespace

bool Phone::configure(const CommandLine& c)
{
    auto server = c.get("sip.server");
    auto user = c.get("sip.user");
    if (!server || !user) {
        kprint("sip: not configured (sip.server= and sip.user= missing)\n");
        return false;
    }
    auto hp = split_host_port(*server, 5060);
    if (hp.is_error()) {
        kprint("sip: sip.server=%.*s is not host[:port]\n", int(server->size()), server->data());
        return false;
    }
    // A name is looked up once the stack has an address (and its DNS server); the domain
    // stays the name, as the user wrote it (RFC 3261 §10.2: the registrar's domain).
    m_config.server.port = hp->port;
    if (auto ip = net::parse_ipv4_address(hp->host); ip.has_value())
        m_config.server.address = ip.value();
    else
        m_server_name = hp->host;
    m_config.domain = c.get_or("sip.domain", hp->host);
    m_config.user = *user;
    m_config.password = c.get_or("sip.password", "");
    m_config.auth_user = c.get_or("sip.authuser", "");
    m_config.auto_answer = c.get_bool("sip.autoanswer", false);
    if (auto text = c.get("rtp.ports")) {
        if (auto range = media::parse_rtp_port_range(*text))
            m_rtp_ports = *range;
        else
            kprint("sip: rtp.ports=%.*s is not FIRST-LAST; using %u-%u\n", int(text->size()), text->data(),
                m_rtp_ports.first, m_rtp_ports.last);
    }
    // Symmetric RTP towards a peer behind a NAT: only when asked (rtp_source_gate.h).
    if (c.get_bool("sip.nat", false))
        m_peer_mode = media::PeerMode::Latch;
    m_call_limit = c.get_uint("sip.hangup").value_or(0) * kNsPerSec;
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
    m_config.rtp_port = m_rtp_port;
    kprint("media: udp %u/%u\n", m_rtp_port, m_rtp_port + 1);
    m_config.local = { settings.address, 5060 };
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
        uint16_t port = media::pick_rtp_port(m_rtp_ports, m_random, m_rtp_port);
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
void Phone::apply_admission(Nanoseconds now)
{
    media::AdmitFilter want = m_media.admit_filter(now);
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
    m_config.server.address = r.value();
    kprint("sip: %.*s is", int(m_server_name.size()), m_server_name.data());
    print_ip(" ", r.value());
    kprint("\n");
    start_ua();
}

void Phone::start_ua()
{
    m_ua.emplace(m_config, static_cast<sip::SipTransport&>(*this), m_clock, m_random,
        static_cast<sip::SipListener&>(*this));
    m_ua_ready = true;
    if (auto r = m_ua->start_register(); r.is_error())
        kprint("sip: register failed to start (%s)\n", r.error_info().text());
}

void Phone::drain(net::SocketId socket, int kind)
{
    for (;;) {
        auto r = m_stack.udp_receive(socket, m_rx);
        if (r.is_error())
            return;
        std::span<const uint8_t> data { m_rx, r->length };
        Nanoseconds now = m_clock.now_ns();
        Endpoint peer = kind == kRtp ? m_admit.rtp : m_admit.rtcp;
        if (kind != kSip && peer.port && !(r->from == peer)) {
            m_rx_wrong_source++; // queued before the socket was connected
            continue;
        }
        if (kind == kSip)
            m_ua->receive(data, r->from);
        else if (kind == kRtp && m_media.running())
            m_media.on_rtp_packet(data, r->from, now);
        else if (kind == kRtcp && m_media.running())
            m_media.on_rtcp_packet(data, r->from, now);
    }
}

// Work the SIP callbacks asked for, now that the user agent has returned: answering and
// starting the media session (its jitter buffer and PLC are reset by assignment, a few KiB of
// stack each) would otherwise nest under the parser's and the INVITE handler's frames.
void Phone::run_deferred()
{
    if (m_answer_call != sip::kNoCall) {
        sip::CallId call = m_answer_call;
        m_answer_call = sip::kNoCall;
        if (m_ua->call_state(call) != sip::CallState::Idle && m_ua->answer(call).is_error())
            kprint("sip: answer failed\n");
    }
    if (m_media_pending) {
        m_media_pending = false;
        Nanoseconds now = m_clock.now_ns();
        if (m_media.running())
            m_media.stop(now);
        if (auto r = m_media.start(m_media_config, now); r.is_error()) {
            kprint("media: start failed (%s)\n", r.error_info().text());
            return;
        }
        auto& remote = m_media_config.remote_rtp;
        print_ip("media: rtp to ", remote.address);
        kprint(":%u pt %u\n", remote.port, m_media_config.payload_type);
    }
}

void Phone::poll()
{
    if (m_sockets_open && !m_ua_ready)
        poll_resolve();
    if (!m_ua_ready)
        return;
    drain(m_sip_socket, kSip);
    run_deferred();
    apply_admission(m_clock.now_ns());
    drain(m_rtp_socket, kRtp);
    drain(m_rtcp_socket, kRtcp);
    Nanoseconds now = m_clock.now_ns();
    if (m_hangup_at && now >= m_hangup_at) {
        m_hangup_at = 0;
        for (sip::CallId id = 0; id < sip::kMaxCalls; id++)
            if (m_ua->call_state(id) == sip::CallState::Active && m_ua->hangup(id).is_error())
                kprint("sip: hangup of call %u failed\n", id);
    }
    m_ua->poll();
    if (m_media.running())
        m_media.poll_rtcp(now);
    // Between calls: the next one gets a fresh pair.
    if (m_ports_used && !m_media.running() && !m_media_pending && calls_idle()) {
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
    if (m_hangup_at && m_hangup_at < next)
        next = m_hangup_at;
    return next;
}

void Phone::on_audio_frame()
{
    m_audio.capture(m_capture);
    if (m_media.running())
        m_media.on_frame(std::span<const int16_t, media::kFrameSamples>(m_capture), m_playback, m_clock.now_ns());
    else
        for (auto& s : m_playback)
            s = 0;
    m_audio.playback(m_playback);
}

void Phone::send(const Endpoint& to, std::span<const uint8_t> datagram)
{
    if (m_stack.udp_send_to(m_sip_socket, to, datagram).is_error())
        kprint("sip: send of %u bytes failed\n", unsigned(datagram.size()));
}

void Phone::send_rtp(std::span<const uint8_t> packet, Endpoint to)
{
    // A lost RTP packet is what the receiver's PLC is for; the stack counts the failure.
    if (m_stack.udp_send_to(m_rtp_socket, to, packet).is_error())
        return;
}

void Phone::send_rtcp(std::span<const uint8_t> packet, Endpoint to)
{
    if (m_stack.udp_send_to(m_rtcp_socket, to, packet).is_error())
        return;
}

void Phone::on_registration(sip::RegState state, uint16_t status, Str reason)
{
    static constexpr const char* kNames[] = { "unregistered", "registering", "registered", "failed" };
    kprint("sip: %s (%u", kNames[int(state) & 3], status);
    print_str(" ", reason);
    kprint(")\n");
}

void Phone::on_incoming_call(sip::CallId call, Str from_display, Str from_uri)
{
    print_str("sip: incoming call from ", from_uri);
    kprint("\n");
    if (m_config.auto_answer)
        m_answer_call = call;
}

void Phone::on_call_progress(sip::CallId, uint16_t status) { kprint("sip: progress %u\n", status); }

void Phone::on_call_answered(sip::CallId call)
{
    kprint("sip: call %u active\n", call);
    if (m_call_limit)
        m_hangup_at = m_clock.now_ns() + m_call_limit;
}

void Phone::on_call_ended(sip::CallId call, sip::EndReason reason, uint16_t status)
{
    Nanoseconds now = m_clock.now_ns();
    if (m_media.running()) {
        auto& st = m_media.stats();
        kprint("media: sent %lu packets, received %lu\n", (unsigned long)st.packets_sent,
            (unsigned long)st.packets_received);
        kprint("media: rejected socket %lu queued %lu session %lu, probation %lu, latches %lu, rtcp %lu\n",
            (unsigned long)m_stack.counters().get(net::Counter::DropUdpWrongPeer), (unsigned long)m_rx_wrong_source,
            (unsigned long)st.dropped_wrong_source, (unsigned long)st.held_in_probation,
            (unsigned long)st.source_latches, (unsigned long)st.rtcp_wrong_source);
        m_media.stop(now);
    }
    m_hangup_at = 0;
    m_media_pending = false;
    if (m_answer_call == call)
        m_answer_call = sip::kNoCall;
    kprint("sip: call %u ended (reason %u, status %u)\n", call, unsigned(reason), status);
}

void Phone::on_media(sip::CallId, const sip::MediaSession& sm)
{
    media::MediaConfig& mc = m_media_config;
    mc = media::MediaConfig {};
    mc.law = sm.codec == sip::Codec::Pcma ? media::G711Law::Alaw : media::G711Law::Ulaw;
    mc.payload_type = sm.pt;
    mc.telephone_event_pt = sm.te_pt == sip::kNoPayloadType ? int16_t(-1) : int16_t(sm.te_pt);
    mc.remote_rtp = sm.remote;
    mc.remote_rtcp = sm.remote_rtcp;
    mc.peer_mode = m_peer_mode;
    mc.cname = "offhook-arm";
    m_ports_used = true;
    m_media_pending = true;
}

void Phone::on_dtmf(sip::CallId, char digit, uint16_t duration_ms)
{
    kprint("sip: dtmf %c (%u ms)\n", digit, duration_ms);
}

} // namespace oh::arm
