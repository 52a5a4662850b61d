// Network thread: RX interrupt or the stack's next deadline wakes it; nothing else blocks.
#include "port/armv7m/app/net_task.h"

#include "port/armv7m/console.h"
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
    m_stack.set_listener(this);
    m_stack.set_service(net::Service::IcmpEcho, net::ServiceState::Enabled);
    // RFC 862 echo answers anyone who asks: a test aid, off unless net.echo=1 asks for it.
    if (config.cmdline.get_bool("net.echo", false))
        m_stack.set_service(net::Service::UdpEcho, net::ServiceState::Enabled);
    m_stack.start(config.net);
}

void NetTask::notify_audio_frame()
{
    {
        IrqGuard guard;
        m_audio_due = m_audio_due + 1;
    }
    m_wake.signal();
}

void NetTask::run_audio_frames()
{
    // Frames are never skipped silently: a backlog is worked off (the jitter buffer and
    // RTP timestamps expect one call per 20 ms of audio), bounded to one second.
    uint32_t due = m_audio_due;
    if (due - m_audio_done > 50)
        m_audio_done = due - 50;
    while (m_audio_done != due) {
        m_audio_done++;
        if (m_phone)
            m_phone->on_audio_frame();
    }
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
        run_audio_frames();
        if (m_phone)
            m_phone->poll();
        Nanoseconds now = m_clock.now_ns();
        Nanoseconds deadline = m_stack.next_deadline();
        if (m_phone && m_phone->next_deadline() < deadline)
            deadline = m_phone->next_deadline();
        if (deadline > now + kMaxSleep)
            deadline = now + kMaxSleep;
        m_wake.wait_until(deadline);
    }
}

} // namespace oh::arm
