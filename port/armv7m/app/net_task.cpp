// Network thread: RX interrupt or the stack's next deadline wakes it; nothing else blocks.
#include "port/armv7m/app/net_task.h"

#include "port/armv7m/console.h"

namespace oh::arm {

namespace {

// Upper bound on a sleep, so a lost interrupt costs latency, not the link.
constexpr Nanoseconds kMaxSleep = 100 * kNsPerMs;

void print_ip(const char* label, Ipv4Address a)
{
    kprint("%s%u.%u.%u.%u", label, a.octet(0), a.octet(1), a.octet(2), a.octet(3));
}

} // namespace

NetTask::NetTask(Nic& nic, const Clock& clock, Random& random)
    : m_nic(nic)
    , m_clock(clock)
    , m_stack(nic, clock, random, nic.mac())
{
}

void NetTask::start(const net::NetConfig& config)
{
    m_stack.set_listener(this);
    m_stack.set_service(net::Service::IcmpEcho, net::ServiceState::Enabled);
    m_stack.set_service(net::Service::UdpEcho, net::ServiceState::Enabled);
    m_stack.start(config);
}

void NetTask::on_address_changed(const net::Ipv4Settings& s)
{
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
        Nanoseconds now = m_clock.now_ns();
        Nanoseconds deadline = m_stack.next_deadline();
        if (deadline > now + kMaxSleep)
            deadline = now + kMaxSleep;
        m_wake.wait_until(deadline);
    }
}

} // namespace oh::arm
