// Phone start-up and the SIP thread: configuration from the command line, the SIP server's
// address (DNS when it is a name), the UDP sockets, and the user agent's event loop.
#include "kernel/phone/phone.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/console/console.h"
#include "kernel/dev/platform.h"
#include "kernel/net/network.h"
#include "kernel/phone/pacer.h"
#include "kernel/phone/phone_state.h"
#include "kernel/sched/sched.h"
#include "kernel/time/time.h"
#include "lib/format.h"

namespace oh::kernel::phone {

namespace {

constinit Shared* s_shared = nullptr;
constinit sip::SipConfig* s_config = nullptr;
constinit char s_server_host[96] {};
constinit char s_cname[96] {};
constinit KernelClock s_clock;

class UdpTransport final : public sip::SipTransport {
public:
    void send(const Endpoint& to, std::span<const uint8_t> datagram) override
    {
        MutexGuard g(network_lock());
        if (auto r = network_stack().udp_send_to(s_shared->sip_socket, to, datagram); r.is_error())
            m_errors++;
    }
    uint32_t m_errors { 0 };
};
constinit UdpTransport s_transport;

const char* reg_name(sip::RegState s)
{
    switch (s) {
    case sip::RegState::Unregistered: return "unregistered";
    case sip::RegState::Registering: return "registering";
    case sip::RegState::Registered: return "registered";
    case sip::RegState::Failed: return "failed";
    }
    return "?";
}

const char* end_name(sip::EndReason r)
{
    switch (r) {
    case sip::EndReason::LocalHangup: return "local hangup";
    case sip::EndReason::RemoteHangup: return "remote hangup";
    case sip::EndReason::Rejected: return "rejected";
    case sip::EndReason::Busy: return "busy";
    case sip::EndReason::Cancelled: return "cancelled";
    case sip::EndReason::Timeout: return "timeout";
    case sip::EndReason::NotAcceptable: return "not acceptable";
    case sip::EndReason::Error: return "error";
    }
    return "?";
}

// Runs inside user-agent calls, with ua_lock held.
class Listener final : public sip::SipListener {
public:
    void on_registration(sip::RegState state, uint16_t status, Str reason) override
    {
        Shared& sh = *s_shared;
        bool was = sh.reg == sip::RegState::Registered;
        sh.reg = state;
        sh.reg_status = status;
        if (state == sip::RegState::Registered && !was) {
            sh.registered_at_ns = monotonic_ns();
            printk("phone: registered %lu ms after kernel entry\n",
                   tsc_to_ns(x86::rdtsc() - boot_tsc()) / 1000000);
        }
        if (state == sip::RegState::Failed)
            printk("phone: registration failed: %u %.*s (will retry with back-off)\n", status, int(reason.size()),
                   reason.data());
        else
            printk("phone: %s (%u)\n", reg_name(state), status);
    }
    void on_incoming_call(sip::CallId call, Str display, Str uri) override
    {
        Shared& sh = *s_shared;
        sh.call = call;
        sh.call_started_ns = monotonic_ns();
        sh.call_answered_ns = 0;
        copy_str(sh.peer, sizeof sh.peer, uri);
        printk("phone: incoming call from %.*s <%.*s>\n", int(display.size()), display.data(), int(uri.size()),
               uri.data());
    }
    void on_call_progress(sip::CallId, uint16_t status) override { printk("phone: call progress %u\n", status); }
    void on_call_answered(sip::CallId call) override
    {
        Shared& sh = *s_shared;
        sh.call_answered_ns = monotonic_ns();
        uint64_t setup_ms = (sh.call_answered_ns - sh.call_started_ns) / 1000000;
        printk("phone: call answered (set-up %lu ms)\n", setup_ms);
    }
    void on_call_ended(sip::CallId call, sip::EndReason reason, uint16_t status) override
    {
        Shared& sh = *s_shared;
        uint64_t talk_ms = sh.call_answered_ns ? (monotonic_ns() - sh.call_answered_ns) / 1000000 : 0;
        printk("phone: call ended (%s, %u) after %lu ms\n", end_name(reason), status, talk_ms);
        if (sh.call == call)
            sh.call = sip::kNoCall;
        sh.held = false;
        post({ MediaCommand::Kind::Stop });
    }
    void on_media(sip::CallId call, const sip::MediaSession& m) override
    {
        MediaCommand c { MediaCommand::Kind::Start };
        c.config.law = m.codec == sip::Codec::Pcma ? media::G711Law::Alaw : media::G711Law::Ulaw;
        c.config.payload_type = m.pt;
        c.config.telephone_event_pt = m.te_pt == sip::kNoPayloadType ? -1 : int16_t(m.te_pt);
        c.config.remote_rtp = m.remote;
        c.config.remote_rtcp = m.remote_rtcp;
        c.config.peer_mode = s_shared->options.peer_mode;
        c.config.cname = s_cname;
        s_shared->ports_used = true;
        c.config.echo = s_shared->options.echo ? media::EchoMode::Loopback : media::EchoMode::Off;
        bool hold = m.remote.address.is_unspecified() || m.direction == sip::Direction::Inactive ||
                    m.direction == sip::Direction::RecvOnly;
        printk("phone: media %s pt %u te %d to %u.%u.%u.%u:%u %s\n", m.codec == sip::Codec::Pcma ? "PCMA" : "PCMU",
               m.pt, c.config.telephone_event_pt, m.remote.address.octet(0), m.remote.address.octet(1),
               m.remote.address.octet(2), m.remote.address.octet(3), m.remote.port, hold ? "(on hold)" : "");
        post(c);
        MediaCommand h { MediaCommand::Kind::Hold };
        h.flag = hold;
        post(h);
    }
    void on_dtmf(sip::CallId, char digit, uint16_t duration_ms) override
    {
        printk("phone: dtmf received %c (SIP INFO, %u ms)\n", digit, duration_ms);
    }
};
constinit Listener s_listener;

Result<Endpoint> resolve_server(std::string_view text)
{
    uint16_t port = 5060;
    size_t colon = text.find(':');
    std::string_view host = text.substr(0, colon);
    if (colon != std::string_view::npos) {
        auto p = parse_u64(text.substr(colon + 1));
        if (!p || *p == 0 || *p > 65535)
            return { Error::InvalidArgument, "bad port in sip.server" };
        port = uint16_t(*p);
    }
    copy_str(s_server_host, sizeof s_server_host, host);
    if (auto ip = net::parse_ipv4_address(host); ip.has_value())
        return Endpoint { ip.value(), port };
    for (int attempt = 0; attempt < 5; attempt++) {
        uint16_t query;
        {
            MutexGuard g(network_lock());
            auto q = network_stack().resolve(host);
            if (q.is_error())
                return q.error_info();
            query = q.value();
        }
        network_kick();
        uint64_t deadline = monotonic_ns() + 10'000'000'000ull;
        while (monotonic_ns() < deadline) {
            thread_sleep_ns(20'000'000);
            MutexGuard g(network_lock());
            auto r = network_stack().take_resolved(query);
            if (r.has_value())
                return Endpoint { r.value(), port };
            if (r.error() != Error::WouldBlock && r.error() != Error::NeedMore)
                break;
        }
        printk("phone: resolving %s failed, retrying\n", s_server_host);
        thread_sleep_ns(2'000'000'000ull);
    }
    return { Error::Unreachable, "cannot resolve sip.server" };
}

void parse_codecs(std::string_view list, sip::SipConfig& c)
{
    c.codec_count = 0;
    while (!list.empty() && c.codec_count < 2) {
        size_t comma = list.find(',');
        std::string_view name = list.substr(0, comma);
        if (name == "pcmu" || name == "ulaw" || name == "PCMU")
            c.codecs[c.codec_count++] = sip::Codec::Pcmu;
        else if (name == "pcma" || name == "alaw" || name == "PCMA")
            c.codecs[c.codec_count++] = sip::Codec::Pcma;
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    if (c.codec_count == 0) {
        c.codecs[0] = sip::Codec::Pcmu;
        c.codecs[1] = sip::Codec::Pcma;
        c.codec_count = 2;
    }
}

void parse_trusted(std::string_view list, sip::SipConfig& c)
{
    while (!list.empty() && c.trusted_count < sip::kMaxTrustedSources) {
        size_t comma = list.find(',');
        if (auto ip = net::parse_ipv4_address(list.substr(0, comma)); ip.has_value())
            c.trusted[c.trusted_count++] = { ip.value(), 0 };
        else
            printk("phone: ignoring bad sip.trusted entry\n");
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
}

Result<net::SocketId> open_socket(uint16_t port)
{
    MutexGuard g(network_lock());
    return network_stack().udp_open(port);
}

// A new RTP/RTCP pair for the next call, drawn at random (rtp_ports.h). Runs between calls:
// the old sockets close and the new ones open under one hold of the network lock, so the
// network thread, the pacer and RTCP sends see one pair or the other, never half of each.
bool rebind_media_ports(Shared& sh)
{
    MutexGuard g(network_lock());
    net::Stack& stack = network_stack();
    for (int attempt = 0; attempt < 8; attempt++) {
        uint16_t port = media::pick_rtp_port(sh.options.rtp_ports, kernel_random(), sh.rtp_port);
        if (port == sh.rtp_port)
            return true; // a one-pair range
        auto rtp = stack.udp_open(port);
        if (rtp.is_error())
            continue;
        auto rtcp = stack.udp_open(uint16_t(port + 1));
        if (rtcp.is_error()) {
            stack.udp_close(rtp.value());
            continue;
        }
        if (sh.rtp_port) {
            stack.udp_close(sh.rtp_socket);
            stack.udp_close(sh.rtcp_socket);
        }
        sh.rtp_socket = rtp.value();
        sh.rtcp_socket = rtcp.value();
        sh.rtp_port = port;
        __atomic_add_fetch(&sh.media_port_epoch, 1, __ATOMIC_RELEASE);
        return true;
    }
    return false;
}

bool calls_idle(const sip::SipUserAgent& ua)
{
    for (sip::CallId id = 0; id < sip::kMaxCalls; id++)
        if (ua.call_state(id) != sip::CallState::Idle)
            return false;
    return true;
}

bool media_running(Shared& sh)
{
    SpinLockIrqGuard g(sh.stats_lock);
    return sh.media_running;
}

void sip_thread(void* arg)
{
    const CommandLine& cl = *static_cast<const CommandLine*>(arg);
    Shared& sh = *s_shared;
    // The phone needs an address before it can say where it is.
    while (true) {
        {
            MutexGuard g(network_lock());
            if (network_stack().configured())
                break;
        }
        thread_sleep_ns(50'000'000);
    }
    Ipv4Address local;
    {
        MutexGuard g(network_lock());
        local = network_stack().settings().address;
    }
    boot_mark("phone: address ready");
    auto server = resolve_server(cl.get_or("sip.server", ""));
    if (server.is_error()) {
        printk("phone: %s; phone disabled\n", server.error_info().text());
        return;
    }
    sip::SipConfig& c = *s_config;
    c.server = server.value();
    c.domain = cl.get_or("sip.domain", s_server_host);
    c.user = cl.get_or("sip.user", "offhook");
    c.password = cl.get_or("sip.password", "");
    c.auth_user = cl.get_or("sip.authuser", "");
    c.display_name = cl.get_or("sip.name", "Offhook");
    c.local = { local, sh.options.sip_port };
    c.expires = uint32_t(cl.get_uint("sip.expires").value_or(600));
    c.auto_answer = cl.get_bool("sip.autoanswer", false);
    parse_codecs(cl.get_or("sip.codecs", "pcmu,pcma"), c);
    parse_trusted(cl.get_or("sip.trusted", ""), c);
    format(s_cname, sizeof s_cname, "%.*s@%u.%u.%u.%u", int(c.user.size()), c.user.data(), local.octet(0),
           local.octet(1), local.octet(2), local.octet(3));

    auto sip_sock = open_socket(sh.options.sip_port);
    if (sip_sock.is_error() || !rebind_media_ports(sh)) {
        printk("phone: cannot open UDP port %u or an RTP/RTCP pair in %u-%u\n", sh.options.sip_port,
               sh.options.rtp_ports.first, sh.options.rtp_ports.last);
        return;
    }
    sh.sip_socket = sip_sock.value();
    c.rtp_port = sh.rtp_port;
    printk("phone: media on udp %u/%u (drawn from %u-%u), peers: %s\n", sh.rtp_port, sh.rtp_port + 1,
           sh.options.rtp_ports.first, sh.options.rtp_ports.last,
           sh.options.peer_mode == media::PeerMode::Latch ? "latch (sip.nat)" : "as negotiated");

    {
        MutexGuard g(sh.ua_lock);
        sh.ua = new sip::SipUserAgent(c, s_transport, s_clock, kernel_random(), s_listener);
        if (!sh.ua)
            panic("phone: no memory for the user agent");
        printk("phone: server %u.%u.%u.%u:%u user %.*s domain %.*s autoanswer %s\n", c.server.address.octet(0),
               c.server.address.octet(1), c.server.address.octet(2), c.server.address.octet(3), c.server.port,
               int(c.user.size()), c.user.data(), int(c.domain.size()), c.domain.data(), c.auto_answer ? "on" : "off");
        boot_mark("phone: sip server known, registering");
        if (auto r = sh.ua->start_register(); r.is_error())
            printk("phone: cannot register: %s\n", r.error_info().text());
    }
    // The media CPU (the last) is kept for the media thread and the pacer: a busy normal
    // thread anywhere cannot delay them, and under an emulator that CPU's host thread is
    // idle between frames, so the host wakes it promptly rather than time-slicing it.
    int media_cpu = online_cpu_count() - 1;
    if (media_cpu > 0 && sched_reserve_cpu(media_cpu))
        printk("phone: cpu %d reserved for the media path\n", media_cpu);
    ThreadOptions mo;
    mo.cls = SchedClass::Realtime;
    mo.rt_priority = 20;
    mo.affinity = 1ull << media_cpu;
    thread_create("media", media_thread, nullptr, mo);

    static uint8_t buf[2048];
    bool dialed = false;
    for (;;) {
        uint64_t deadline = monotonic_ns() + 100'000'000;
        {
            MutexGuard g(sh.ua_lock);
            uint64_t next = sh.ua->next_wakeup(); // 0: no timer running
            if (next && next < deadline)
                deadline = next;
        }
        network_wait_udp(sh.sip_socket, deadline);
        MutexGuard g(sh.ua_lock);
        for (int i = 0; i < 32; i++) {
            Result<net::UdpReceived> got = [&]() -> Result<net::UdpReceived> {
                MutexGuard ng(network_lock());
                return network_stack().udp_receive(sh.sip_socket, buf);
            }();
            if (got.is_error())
                break;
            if (got->length == got->datagram) // a cut datagram cannot be valid SIP over UDP
                sh.ua->receive({ buf, got->length }, got->from);
        }
        sh.ua->poll();
        // Between calls (every dialog gone, the media thread stopped and its RTCP BYE sent):
        // the next call gets a fresh port pair.
        if (sh.ports_used && calls_idle(*sh.ua) && !media_running(sh)) {
            sh.ports_used = false;
            if (rebind_media_ports(sh)) {
                sh.ua->set_rtp_port(sh.rtp_port);
                printk("phone: next call's media on udp %u/%u\n", sh.rtp_port, sh.rtp_port + 1);
            } else
                printk("phone: no free RTP/RTCP pair; the next call keeps port %u\n", sh.rtp_port);
        }
        if (!dialed && sh.options.dial_at_start[0] && sh.reg == sip::RegState::Registered) {
            dialed = true;
            size_t n = 0;
            while (sh.options.dial_at_start[n])
                n++;
            auto call = sh.ua->dial(Str(sh.options.dial_at_start, n));
            if (call.is_error())
                printk("phone: dial failed: %s\n", call.error_info().text());
            else {
                sh.call = call.value();
                sh.call_started_ns = monotonic_ns();
                copy_str(sh.peer, sizeof sh.peer, { sh.options.dial_at_start, n });
                printk("phone: dialing %s\n", sh.options.dial_at_start);
            }
        }
    }
}

} // namespace

Shared& shared() { return *s_shared; }

void post(const MediaCommand& c)
{
    SpinLockIrqGuard g(s_shared->cmd_lock);
    if (!s_shared->commands.push(c))
        printk("phone: media command queue full\n");
}

} // namespace oh::kernel::phone

namespace oh::kernel {

void phone_init(const CommandLine& cl)
{
    using namespace phone;
    if (!cl.get("sip.server")) {
        printk("phone: no sip.server on the command line; phone off\n");
        return;
    }
    if (!network_ready()) {
        printk("phone: no network; phone off\n");
        return;
    }
    s_shared = new Shared;
    s_config = new sip::SipConfig;
    if (!s_shared || !s_config)
        panic("phone: no memory");
    Options& o = s_shared->options;
    o.tone_hz = uint32_t(cl.get_uint("phone.tone").value_or(440));
    o.echo = cl.get_bool("phone.echo", false);
    if (auto text = cl.get("rtp.ports")) {
        if (auto range = media::parse_rtp_port_range(*text))
            o.rtp_ports = *range;
        else
            printk("phone: rtp.ports=%.*s is not FIRST-LAST with an even/odd pair; using %u-%u\n",
                   int(text->size()), text->data(), o.rtp_ports.first, o.rtp_ports.last);
    }
    // Symmetric RTP towards a peer behind a NAT: only when asked (rtp_source_gate.h).
    if (cl.get_bool("sip.nat", false))
        o.peer_mode = media::PeerMode::Latch;
    copy_str(o.dial_at_start, sizeof o.dial_at_start, cl.get_or("sip.dial", ""));
    register_shell_commands();
    pacer_register_commands();
    start_panel();
    ThreadOptions so;
    so.weight = 2048;
    thread_create("sip", sip_thread, const_cast<CommandLine*>(&cl), so);
}

} // namespace oh::kernel
