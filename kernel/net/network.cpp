// The network thread: drains the NIC into the stack, runs the stack's timers, and serves
// shell commands (`net`, `netstat`, `ping`).
#include "kernel/net/network.h"

#include "kernel/console/console.h"
#include "kernel/console/shell.h"
#include "kernel/dev/platform.h"
#include "kernel/dev/random.h"
#include "kernel/net/e1000_nic.h"
#include "kernel/sched/sched.h"
#include "kernel/time/time.h"
#include "lib/format.h"

namespace oh::kernel {

namespace {

constexpr size_t kMaxWaitSockets = 8;
static_assert(kMaxWaitSockets >= net::kUdpSockets, "every socket needs a wait slot");
constexpr uint64_t kIdlePollNs = 100'000'000;

class Listener final : public net::StackListener {
public:
    void on_udp_readable(net::SocketId id) override;
    void on_ping_reply() override { }
    void on_address_changed(const net::Ipv4Settings& s) override;
    void on_dhcp_lease(const net::DhcpLease& lease) override;
};

constinit Mutex s_lock;
constinit Semaphore s_kick(0);
constinit net::Stack* s_stack = nullptr;
constinit Nic* s_nic = nullptr;
constinit bool s_ready = false;
constinit bool s_dhcp = true;
constinit Listener s_listener;
constinit KernelClock s_clock;
constinit WaitQueue s_udp_wq;
constinit uint32_t s_udp_generation[kMaxWaitSockets] {};
constinit uint32_t s_events = 0; // under s_udp_wq's lock
constinit NetDrainHook s_drain_hook = nullptr;
constinit bool s_first_frame_seen = false;
constinit Ipv4Address s_remembered;
constinit Ipv4Address s_remembered_server;
constinit LeaseHook s_lease_hook = nullptr;

void print_ip(const char* label, Ipv4Address a)
{
    printk("%s%u.%u.%u.%u", label, a.octet(0), a.octet(1), a.octet(2), a.octet(3));
}

void Listener::on_address_changed(const net::Ipv4Settings& s)
{
    print_ip("net: address ", s.address);
    printk("/%u", s.prefix_length);
    print_ip(" gw ", s.gateway);
    print_ip(" dns ", s.dns);
    uint64_t us = since_entry_us();
    printk(" (%s, %lu.%03lu ms after kernel entry)\n", s_dhcp ? "dhcp" : "static", us / 1000, us % 1000);
    s_udp_wq.update_and_wake_all([] { s_events++; });
}

void Listener::on_dhcp_lease(const net::DhcpLease& lease)
{
    if (s_lease_hook)
        s_lease_hook(lease.settings.address, lease.server);
}

// A SocketId carries its slot in the low byte and the slot's generation above it.
size_t wait_slot(net::SocketId id) { return id.value & 0xff; }

void Listener::on_udp_readable(net::SocketId id)
{
    if (size_t slot = wait_slot(id); slot < kMaxWaitSockets)
        s_udp_wq.update_and_wake_all([&] { s_udp_generation[slot]++; });
}

void net_thread(void*)
{
    static uint8_t frame[1536];
    for (;;) {
        uint64_t now = monotonic_ns();
        uint64_t deadline = now + kIdlePollNs;
        {
            MutexGuard g(s_lock);
            uint64_t next = s_stack->next_deadline();
            if (next < deadline)
                deadline = next;
        }
        s_kick.down_timeout(deadline);
        // Bounded batch (a flood cannot keep the stack's timers from running), and the lock
        // is taken per frame so other threads' sends slot in between.
        int handled = 0;
        for (int i = 0; i < 256; i++, handled++) {
            MutexGuard g(s_lock);
            size_t n = s_nic->receive(frame);
            if (!n)
                break;
            if (!s_first_frame_seen) {
                // Under QEMU this is RCTL's write + 1 s: its e1000 model holds received
                // frames that long after every write to RCTL (hw/net/e1000.c,
                // set_rx_control arms flush_queue_timer), whatever the driver does.
                s_first_frame_seen = true;
                boot_mark("network: first frame received");
            }
            s_stack->receive_frame({ frame, n });
            if (s_drain_hook)
                s_drain_hook(*s_stack);
        }
        {
            MutexGuard g(s_lock);
            s_stack->poll();
        }
        if (handled) // e.g. a DNS answer or a DHCP ACK, which no socket reports
            s_udp_wq.update_and_wake_all([] { s_events++; });
    }
}

Result<Ipv4Address> parse_ip(const char* s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return net::parse_ipv4_address({ s, n });
}

void cmd_net(int, const char* const*)
{
    if (!s_ready) {
        printk("net: no network\n");
        return;
    }
    MutexGuard g(s_lock);
    auto m = s_stack->mac();
    printk("net: %s mac %02x:%02x:%02x:%02x:%02x:%02x link %s\n", s_nic->name(), m.bytes[0], m.bytes[1],
           m.bytes[2], m.bytes[3], m.bytes[4], m.bytes[5], s_nic->link_up() ? "up" : "down");
    if (s_stack->configured())
        s_listener.on_address_changed(s_stack->settings());
    else
        printk("net: no address yet\n");
}

void cmd_netstat(int, const char* const*)
{
    if (!s_ready)
        return;
    MutexGuard g(s_lock);
    const net::Counters& c = s_stack->counters();
    for (size_t i = 0; i < net::kCounterCount; i++)
        if (uint32_t v = c.get(net::Counter(i)))
            printk("  %-28s %u\n", net::counter_name(net::Counter(i)), v);
    printk("netstat: total_drops=%u pool_in_use=%zu\n", c.total_drops(), s_stack->pool_in_use());
}

void cmd_ping(int argc, const char* const* argv)
{
    if (!s_ready || argc < 2) {
        printk("usage: ping ADDRESS [COUNT]\n");
        return;
    }
    auto dst = parse_ip(argv[1]);
    if (dst.is_error()) {
        printk("ping: bad address '%s'\n", argv[1]);
        return;
    }
    int count = 4;
    if (argc > 2) {
        size_t len = 0;
        while (argv[2][len])
            len++;
        count = int(parse_u64({ argv[2], len }).value_or(4));
        if (count < 1 || count > 1000)
            count = 4;
    }
    int replies = 0;
    for (int seq = 1; seq <= count; seq++) {
        {
            MutexGuard g(s_lock);
            if (auto r = s_stack->ping(dst.value(), uint16_t(seq), 56); r.is_error())
                printk("ping: send failed (%s)\n", r.error_info().text());
        }
        network_kick();
        uint64_t deadline = monotonic_ns() + 1'000'000'000;
        bool got = false;
        while (!got && monotonic_ns() < deadline) {
            thread_sleep_ns(2'000'000);
            MutexGuard g(s_lock);
            while (auto reply = s_stack->take_ping_reply()) {
                if (reply->sequence == seq) {
                    got = true;
                    printk("ping: reply from %u.%u.%u.%u seq %u ttl %u rtt %lu us\n", reply->from.octet(0),
                           reply->from.octet(1), reply->from.octet(2), reply->from.octet(3), reply->sequence,
                           reply->ttl, reply->rtt / 1000);
                }
            }
        }
        if (got)
            replies++;
        else
            printk("ping: seq %d timed out\n", seq);
    }
    printk("ping: %d/%d replies\n", replies, count);
}

// One A lookup through the stack's resolver (each query from a fresh random port, with a
// fresh random ID): what the phone does with a sip.server name, from the shell.
void cmd_resolve(int argc, const char* const* argv)
{
    if (!s_ready || argc < 2) {
        printk("usage: resolve NAME\n");
        return;
    }
    size_t len = 0;
    while (argv[1][len])
        len++;
    uint16_t query;
    {
        MutexGuard g(s_lock);
        auto q = s_stack->resolve({ argv[1], len });
        if (q.is_error()) {
            printk("resolve: %s: %s\n", argv[1], q.error_info().text());
            return;
        }
        query = q.value();
    }
    network_kick();
    // The resolver gives up after 2 + 4 + 8 s (net/dns_resolver.h).
    uint64_t deadline = monotonic_ns() + 16'000'000'000ull;
    while (monotonic_ns() < deadline) {
        thread_sleep_ns(10'000'000);
        MutexGuard g(s_lock);
        auto r = s_stack->take_resolved(query);
        if (r.has_value()) {
            printk("resolve: %s %u.%u.%u.%u\n", argv[1], r->octet(0), r->octet(1), r->octet(2), r->octet(3));
            return;
        }
        if (r.error() != Error::WouldBlock) {
            printk("resolve: %s: %s\n", argv[1], r.error_info().text());
            return;
        }
    }
    printk("resolve: %s: no answer\n", argv[1]);
}

} // namespace

void network_init(const CommandLine& cl)
{
    shell_register("net", "network interface and address", cmd_net);
    shell_register("netstat", "network counters", cmd_netstat);
    shell_register("ping", "ping ADDRESS [COUNT]", cmd_ping);
    shell_register("resolve", "resolve NAME (DNS A lookup)", cmd_resolve);
    s_nic = e1000_probe_and_start([] { network_kick(); });
    if (!s_nic) {
        printk("net: no supported network card\n");
        return;
    }
    auto text = cl.get_or("net", "dhcp");
    net::NetConfig config;
    if (auto parsed = net::parse_net_config(text); parsed.is_error())
        printk("net: bad net= setting '%.*s' (%s); using dhcp\n", int(text.size()), text.data(),
               parsed.error_info().text());
    else
        config = parsed.value();
    s_dhcp = config.mode == net::AddressMode::Dhcp;
    if (s_dhcp && !s_remembered.is_unspecified()) {
        config.remembered = s_remembered;
        config.remembered_server = s_remembered_server;
        print_ip("net: asking for the last boot's lease ", s_remembered);
        print_ip(" from ", s_remembered_server);
        printk(" (INIT-REBOOT)\n");
    }
    s_stack = new net::Stack(*s_nic, s_clock, kernel_random(), s_nic->mac());
    if (!s_stack)
        panic("net: no memory for the stack");
    s_stack->set_listener(&s_listener);
    s_stack->set_service(net::Service::IcmpEcho, net::ServiceState::Enabled);
    // RFC 862 echo answers anyone who asks: a test aid, off unless net.echo=1 asks for it.
    if (cl.get_bool("net.echo", false))
        s_stack->set_service(net::Service::UdpEcho, net::ServiceState::Enabled);
    {
        MutexGuard g(s_lock);
        s_stack->start(config);
    }
    ThreadOptions o;
    o.weight = 2048; // network work ahead of ordinary threads, below real time
    thread_create("net", net_thread, nullptr, o);
    s_ready = true;
}

void network_remember_lease(Ipv4Address address, Ipv4Address server)
{
    s_remembered = address;
    s_remembered_server = server;
}
void network_set_lease_hook(LeaseHook hook) { s_lease_hook = hook; }
bool network_ready() { return s_ready; }
void network_set_drain_hook(NetDrainHook hook) { __atomic_store_n(&s_drain_hook, hook, __ATOMIC_RELEASE); }
Mutex& network_lock() { return s_lock; }
net::Stack& network_stack() { return *s_stack; }
void network_kick() { s_kick.up(); }
Result<void> network_transmit_frame(std::span<const uint8_t> frame)
{
    if (!s_ready)
        return Error::Unreachable;
    return s_nic->transmit(frame);
}

uint32_t network_transmit_lock_waits() { return s_ready ? s_nic->transmit_lock_waits() : 0; }

Result<uint64_t> network_ping_once(Ipv4Address to, uint16_t sequence, uint64_t timeout_ns)
{
    if (!s_ready)
        return Error::NotFound;
    {
        MutexGuard g(s_lock);
        TRY(s_stack->ping(to, sequence, 56));
    }
    network_kick();
    uint64_t deadline = monotonic_ns() + timeout_ns;
    for (;;) {
        uint32_t seen = network_events();
        {
            MutexGuard g(s_lock);
            while (auto reply = s_stack->take_ping_reply())
                if (reply->sequence == sequence && reply->from == to)
                    return uint64_t(reply->rtt);
        }
        if (monotonic_ns() >= deadline)
            return Error::Timeout;
        network_wait_events(seen, deadline);
    }
}

uint32_t network_events() { return __atomic_load_n(&s_events, __ATOMIC_ACQUIRE); }

bool network_wait_events(uint32_t seen, uint64_t deadline_ns)
{
    return s_udp_wq.wait([&] { return s_events != seen; }, deadline_ns);
}

bool network_wait_udp(net::SocketId socket, uint64_t deadline_ns)
{
    // Every socket must be able to wait: a caller that got `false` at once would spin (the
    // phone's SIP thread did, on the whole of CPU 0, when this compared the full id).
    size_t slot = wait_slot(socket);
    if (slot >= kMaxWaitSockets) {
        thread_sleep_until(deadline_ns);
        return false;
    }
    uint32_t seen = s_udp_generation[slot];
    {
        MutexGuard g(s_lock);
        if (s_stack->udp_queued(socket))
            return true;
    }
    return s_udp_wq.wait([&] { return s_udp_generation[slot] != seen; }, deadline_ns);
}

} // namespace oh::kernel
