// Network thread: RX interrupt or the stack's next deadline wakes it; nothing else blocks.
#include "port/armv7m/app/net_task.h"

#include "lib/inet.h"
#include "port/armv7m/console.h"
#include "port/armv7m/console_input.h"
#include "port/armv7m/cpu.h"

namespace oh::arm {

namespace {

// Upper bound on a sleep, so a lost interrupt costs latency, not the link.
constexpr Nanoseconds kMaxSleep = 100 * kNsPerMs;

void print_ip(const char* label, Ipv4Address a)
{
    kprint("%s%u.%u.%u.%u", label, a.octet(0), a.octet(1), a.octet(2), a.octet(3));
}

} // namespace

NetTask::NetTask(net::PolledNetDevice& nic, const Clock& clock, Random& random)
    : m_nic(nic)
    , m_clock(clock)
    , m_stack(nic, clock, random, nic.mac())
{
}

void NetTask::start(const BoardConfig& config)
{
    console_set_listener(&m_wake);
    m_stack.set_listener(this);
    m_stack.set_service(net::Service::IcmpEcho, net::ServiceState::Enabled);
    // RFC 862 echo answers anyone who asks: a test aid, off unless net.echo=1 asks for it.
    if (config.cmdline.get_bool("net.echo", false))
        m_stack.set_service(net::Service::UdpEcho, net::ServiceState::Enabled);
    m_stack.start(config.net);
}

void NetTask::on_address_changed(const net::Ipv4Settings& s)
{
    m_address_changed = true;
    if (s.address.is_unspecified()) {
        kprint("net: address lost\n");
        return;
    }
    print_ip("net: address ", s.address);
    kprint("/%u", s.prefix_length);
    print_ip(" gw ", s.gateway);
    print_ip(" dns ", s.dns);
    kprint("\n");
}

void NetTask::drain_rx()
{
    for (;;) {
        auto r = m_nic.receive(m_frame);
        if (r.is_error()) {
            if (r.error() == Error::WouldBlock)
                return;
            continue; // oversize or bad frame: the driver counted and dropped it
        }
        m_frames++;
        m_stack.receive_frame({ m_frame, r.value() });
    }
}

void NetTask::run()
{
    for (;;) {
        drain_rx();
        m_stack.poll();
        if (m_address_changed) {
            m_address_changed = false;
            if (m_phone && m_stack.configured())
                m_phone->on_address(m_stack.settings());
        }
        if (m_phone)
            m_phone->poll();
        run_console();
        poll_ping();
        Nanoseconds now = m_clock.now_ns();
        Nanoseconds deadline = m_stack.next_deadline();
        if (m_phone && m_phone->next_deadline() < deadline)
            deadline = m_phone->next_deadline();
        if (m_ping.count && m_ping.deadline < deadline)
            deadline = m_ping.deadline;
        if (deadline > now + kMaxSleep)
            deadline = now + kMaxSleep;
        m_wake.wait_until(deadline);
    }
}

void NetTask::run_console()
{
    char line[96];
    while (console_take_line(line, sizeof line))
        run_command(line);
}

void NetTask::run_command(char* line)
{
    const char* argv[8];
    int argc = console_split(line, argv, 8);
    if (argc == 0)
        return;
    Str cmd = cstr(argv[0]);
    if (cmd == Str("help")) {
        kprint("help: this list\nnet: interface and address\nping ADDRESS [COUNT]: ICMP echo\n");
        if (m_phone) {
            for (const auto& c : phone::PhoneCalls::kCommands)
                kprint("%s: %s\n", c[0], c[1]);
            kprint("stats: RTP/RTCP and SIP counters\n");
        }
    } else if (cmd == Str("net")) {
        auto mac = m_stack.mac();
        kprint("net: mac %02x:%02x:%02x:%02x:%02x:%02x, %lu frames received, console drops %lu\n", mac.bytes[0],
            mac.bytes[1], mac.bytes[2], mac.bytes[3], mac.bytes[4], mac.bytes[5], (unsigned long)m_frames,
            (unsigned long)console_rx_dropped());
        if (m_stack.configured())
            on_address_changed(m_stack.settings());
        else
            kprint("net: no address yet\n");
    } else if (cmd == Str("ping")) {
        auto to = argc > 1 ? parse_dotted_quad(cstr(argv[1])) : std::nullopt;
        if (!to) {
            kprint("usage: ping ADDRESS [COUNT]\n");
            return;
        }
        auto count = argc > 2 ? parse_uint(cstr(argv[2]), 1000) : std::optional<uint32_t>(4);
        m_ping = {};
        m_ping.to = *to;
        m_ping.count = uint16_t(count && *count ? *count : 4);
    } else if (!m_phone || !m_phone->command(argc, argv)) {
        kprint("%s: unknown command (help lists them)\n", argv[0]);
    }
}

void NetTask::poll_ping()
{
    Ping& p = m_ping;
    if (!p.count)
        return;
    Nanoseconds now = m_clock.now_ns();
    while (auto reply = m_stack.take_ping_reply()) {
        if (p.waiting && reply->sequence == p.sent) {
            p.waiting = false;
            p.replies++;
            print_ip("ping: reply from ", reply->from);
            kprint(" seq %u ttl %u rtt %lu us\n", reply->sequence, reply->ttl, (unsigned long)(reply->rtt / kNsPerUs));
        }
    }
    if (p.waiting && now < p.deadline)
        return;
    if (p.waiting)
        kprint("ping: seq %u timed out\n", p.sent);
    if (p.sent == p.count) {
        kprint("ping: %u/%u replies\n", p.replies, p.count);
        p = {};
        return;
    }
    if (!p.waiting && p.sent && now < p.deadline)
        return; // a reply came early: the next request goes a second after the last
    p.sent++;
    if (auto r = m_stack.ping(p.to, p.sent, 56); r.is_error())
        kprint("ping: send failed (%s)\n", r.error_info().text());
    p.waiting = true;
    p.deadline = now + kNsPerSec;
}

} // namespace oh::arm
