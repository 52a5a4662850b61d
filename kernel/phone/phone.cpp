// Phone start-up and the SIP thread: configuration from the command line, the SIP server's
// address (DNS when it is a name), the UDP sockets, and the user agent's event loop.
#include "kernel/phone/phone.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/console/console.h"
#include "kernel/dev/platform.h"
#include "kernel/dev/random.h"
#include "kernel/net/network.h"
#include "kernel/phone/pacer.h"
#include "kernel/phone/phone_events.h"
#include "kernel/phone/phone_state.h"
#include "kernel/sched/sched.h"
#include "kernel/time/time.h"
#include "lib/format.h"

namespace oh::kernel::phone {

using oh::phone::PhoneOutput;
using oh::phone::PhoneSettings;
using oh::phone::PhoneTarget;

namespace {

constinit Shared* s_shared = nullptr;
constinit sip::SipConfig* s_config = nullptr;
constinit char s_server_host[96] {};
constinit char s_cname[96] {};
constinit char s_local_domain[16] {};
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

void print_out(const char* fmt, va_list ap) { vprintk(fmt, ap); }

class KernelOutput final : public PhoneOutput {
public:
    void vprint(const char* fmt, va_list ap) override { print_out(fmt, ap); }
    void event(const char* fmt, va_list ap) override
    {
        char line[kPhoneEventLength];
        size_t n = vformat(line, sizeof line, fmt, ap);
        phone_event_push(line, n < sizeof line ? n : sizeof line - 1);
    }
};
constinit KernelOutput s_out;

// The call control's media path: commands to the media thread, which owns the session.
class KernelTarget final : public PhoneTarget {
public:
    void media_start(const media::MediaConfig& config) override
    {
        MediaCommand c { MediaCommand::Kind::Start };
        c.config = config;
        post(c);
    }
    void media_stop() override { post({ MediaCommand::Kind::Stop }); }
    void media_hold(bool held) override
    {
        MediaCommand c { MediaCommand::Kind::Hold };
        c.flag = held;
        post(c);
    }
    void media_mute(bool muted) override
    {
        MediaCommand c { MediaCommand::Kind::Mute };
        c.flag = muted;
        post(c);
    }
    void media_dtmf(char digit) override
    {
        MediaCommand c { MediaCommand::Kind::Dtmf };
        c.digit = digit;
        post(c);
    }
    void registered() override
    {
        printk("phone: registered %lu ms after kernel entry\n", tsc_to_ns(x86::rdtsc() - boot_tsc()) / 1000000);
    }
};
constinit KernelTarget s_target;

// The server's address: as configured, or looked up when sip.server is a name.
Result<Endpoint> resolve_server(const PhoneSettings& ps)
{
    uint16_t port = ps.sip.server.port;
    if (ps.server_name.empty())
        return ps.sip.server;
    copy_str(s_server_host, sizeof s_server_host, ps.server_name);
    std::string_view host = ps.server_name;
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
            uint32_t seen = network_events(); // before the check: an answer after it wakes us
            {
                MutexGuard g(network_lock());
                auto r = network_stack().take_resolved(query);
                if (r.has_value())
                    return Endpoint { r.value(), port };
                if (r.error() != Error::WouldBlock && r.error() != Error::NeedMore)
                    break;
            }
            network_wait_events(seen, monotonic_ns() + 20'000'000);
        }
        printk("phone: resolving %s failed, retrying\n", s_server_host);
        thread_sleep_ns(2'000'000'000ull);
    }
    return { Error::Unreachable, "cannot resolve sip.server" };
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
        uint16_t port = media::pick_rtp_port(sh.settings->rtp_ports, kernel_random(), sh.rtp_port);
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
    (void)arg;
    Shared& sh = *s_shared;
    const PhoneSettings& ps = *sh.settings;
    // The phone needs an address before it can say where it is.
    while (true) {
        uint32_t seen = network_events(); // before the check: an address after it wakes us
        {
            MutexGuard g(network_lock());
            if (network_stack().configured())
                break;
        }
        network_wait_events(seen, monotonic_ns() + 50'000'000);
    }
    Ipv4Address local;
    {
        MutexGuard g(network_lock());
        local = network_stack().settings().address;
    }
    boot_mark("phone: address ready");
    auto server = resolve_server(ps);
    if (server.is_error()) {
        printk("phone: %s; phone disabled\n", server.error_info().text());
        return;
    }
    sip::SipConfig& c = *s_config;
    c = ps.sip;
    c.server = server.value();
    c.local = { local, kSipPort };
    if (c.domain.empty()) { // no server: we are our own domain (sip:user@our-address)
        format(s_local_domain, sizeof s_local_domain, "%u.%u.%u.%u", local.octet(0), local.octet(1), local.octet(2),
               local.octet(3));
        c.domain = cstr(s_local_domain, sizeof s_local_domain);
    }
    format(s_cname, sizeof s_cname, "%.*s@%u.%u.%u.%u", int(c.user.size()), c.user.data(), local.octet(0),
           local.octet(1), local.octet(2), local.octet(3));
    sh.calls->set_cname(Str(s_cname, cstr(s_cname).size()));

    auto sip_sock = open_socket(kSipPort);
    if (sip_sock.is_error() || !rebind_media_ports(sh)) {
        printk("phone: cannot open UDP port %u or an RTP/RTCP pair in %u-%u\n", kSipPort, ps.rtp_ports.first,
               ps.rtp_ports.last);
        return;
    }
    sh.sip_socket = sip_sock.value();
    c.rtp_port = sh.rtp_port;
    {
        // The registrar's and trusted peers' fragmented INVITEs go first in reassembly.
        MutexGuard g(network_lock());
        if (!c.server.address.is_unspecified())
            network_stack().prefer_fragments_from(c.server.address);
        for (size_t i = 0; i < c.trusted_count; ++i)
            network_stack().prefer_fragments_from(c.trusted[i].address);
    }
    printk("phone: media on udp %u/%u (drawn from %u-%u), peers: %s\n", sh.rtp_port, sh.rtp_port + 1,
           ps.rtp_ports.first, ps.rtp_ports.last,
           ps.peer_mode == media::PeerMode::Latch ? "latch (sip.nat)" : "as negotiated");

    {
        MutexGuard g(sh.ua_lock);
        sh.ua = new sip::SipUserAgent(c, s_transport, s_clock, kernel_random(), *sh.calls);
        if (!sh.ua)
            panic("phone: no memory for the user agent");
        sh.calls->attach(sh.ua);
        printk("phone: server %u.%u.%u.%u:%u user %.*s domain %.*s autoanswer %s\n", c.server.address.octet(0),
               c.server.address.octet(1), c.server.address.octet(2), c.server.address.octet(3), c.server.port,
               int(c.user.size()), c.user.data(), int(c.domain.size()), c.domain.data(), c.auto_answer ? "on" : "off");
        if (ps.direct) {
            printk("phone: no sip.server: direct calls only; taking calls from %s; dial sip:user@host[:port]\n",
                   c.accept_any_caller ? "anyone (sip.accept=any)" : "sip.trusted peers");
        } else {
            boot_mark("phone: sip server known, registering");
            if (auto r = sh.ua->start_register(); r.is_error())
                printk("phone: cannot register: %s\n", r.error_info().text());
        }
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

    static uint8_t buf[sip::kMaxMessageSize];
    bool ports_used = false; // a call negotiated media on the current pair
    for (;;) {
        uint64_t deadline = monotonic_ns() + 100'000'000;
        {
            MutexGuard g(sh.ua_lock);
            uint64_t next = sh.ua->next_wakeup(); // 0: no timer running
            if (next && next < deadline)
                deadline = next;
            if (sh.calls->next_deadline() < deadline)
                deadline = sh.calls->next_deadline();
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
            if (got->length == got->datagram)
                sh.ua->receive({ buf, got->length }, got->from);
            else // cut to the buffer: answered 513 from its head
                sh.ua->receive_oversized({ buf, got->length }, got->from);
        }
        sh.ua->poll();
        sh.calls->poll();
        // Between calls (every dialog gone, the media thread stopped and its RTCP BYE sent):
        // the next call gets a fresh port pair.
        if (sh.calls->take_media_used())
            ports_used = true;
        if (ports_used && calls_idle(*sh.ua) && !media_running(sh)) {
            ports_used = false;
            if (rebind_media_ports(sh)) {
                sh.ua->set_rtp_port(sh.rtp_port);
                printk("phone: next call's media on udp %u/%u\n", sh.rtp_port, sh.rtp_port + 1);
            } else
                printk("phone: no free RTP/RTCP pair; the next call keeps port %u\n", sh.rtp_port);
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
    if (!network_ready()) {
        printk("phone: no network; phone off\n");
        return;
    }
    auto* settings = new oh::phone::PhoneSettings;
    if (!settings)
        panic("phone: no memory");
    if (!oh::phone::parse_phone_settings(cl, *settings, s_out))
        return;
    s_shared = new Shared;
    s_config = new sip::SipConfig;
    if (!s_shared || !s_config)
        panic("phone: no memory");
    s_shared->settings = settings;
    s_shared->calls = new oh::phone::PhoneCalls(*settings, s_clock, s_out, s_target);
    if (!s_shared->calls)
        panic("phone: no memory");
    register_shell_commands();
    pacer_register_commands();
    start_panel();
    ThreadOptions so;
    so.weight = 2048;
    thread_create("sip", sip_thread, const_cast<CommandLine*>(&cl), so);
}

} // namespace oh::kernel
