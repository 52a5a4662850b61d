// The RTP pacer (see pacer.h). The media loop follows the codec's clock, which an emulated
// sound card delivers in bursts; the pacer sends one queued packet per 20 ms tick, and a
// second one only when the queue grows, so the wire sees a steady rhythm while the average
// rate still follows the codec. A tick whose packet is not there yet waits for it and sends
// it on arrival: late by what the media loop was late, instead of a 40 ms gap, a 0 ms one
// and a queue one packet deeper for the rest of the call.
#include "kernel/phone/pacer.h"

#include "kernel/console/console.h"
#include "kernel/console/shell.h"
#include "kernel/dev/platform.h"
#include "kernel/dev/random.h"
#include "kernel/net/network.h"
#include "kernel/phone/phone_state.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/wait_queue.h"
#include "kernel/time/time.h"
#include "lib/bytes.h"
#include "lib/ring_buffer.h"
#include "sip/media/send_grid.h"

namespace oh::kernel::phone {

namespace {

constexpr uint64_t kTickNs = media::SendGrid::kTickNs;
constexpr uint64_t kFlowRefreshNs = 1'000'000'000;
constexpr uint8_t kDscpExpedited = 46; // RFC 4594 §4.1: telephony as EF (RFC 3246)

struct PacedPacket {
    uint16_t length { 0 };
    Endpoint to {};
    uint64_t queued_ns { 0 }; // when the media loop handed it over
    uint8_t data[256];
};
constinit SpinLock s_queue_lock;
constinit RingBuffer<PacedPacket, 8> s_queue;
constinit uint32_t s_overflow = 0;
constinit Semaphore s_arrived { 0 }; // up once per packet queued

// How long before the next deadline a late tick gives up waiting (its packet then goes out on
// the next tick, with that tick's own).
constexpr uint64_t kGiveUpBeforeNextNs = 2'000'000;

// The flow the pacer frames RTP with: refreshed from the stack about once a second (ARP may
// have learnt a new next hop), only when the network lock is free at that moment.
struct FlowCache {
    bool valid { false };
    Endpoint to {};
    net::UdpFlow flow {};
    uint64_t refreshed_ns { 0 };
    uint16_t ip_id { 0 };
    uint32_t port_epoch { 0 }; // shared().media_port_epoch when framed: the source port's
};

constinit FlowCache s_flow;

bool flow_current(const Endpoint& to)
{
    return s_flow.valid && s_flow.to == to
        && s_flow.port_epoch == __atomic_load_n(&shared().media_port_epoch, __ATOMIC_ACQUIRE);
}

// One record per tick that sent: times relative to the tick's deadline, in ns.
struct PaceRecord {
    uint64_t deadline { 0 };
    int32_t armed { 0 };  // when the CPU's timer had been set to fire
    int32_t fired { 0 };  // when the timer interrupt came
    int32_t sent { 0 };   // when the frame was in the NIC's ring
    int32_t queued { 0 }; // when the media loop queued it (usually before the deadline)
    uint16_t seq { 0 };   // its RTP sequence number, to find it on the wire
    // Context switches on the pacer's CPU from its timer interrupt until it ran: 1 when it
    // ran first; kNoSwitchCount when it was not woken by this tick's timer.
    uint8_t switches { 0 };
    bool lock_wait { false }; // the transmit waited for the NIC's ring lock (held elsewhere)
};
constexpr uint8_t kNoSwitchCount = 0xff;
constexpr size_t kRecords = 4096; // 82 s of ticks
constexpr size_t kBuckets = 1000; // 100 us each: up to 100 ms
constexpr uint64_t kBucketNs = 100'000;

struct PaceLog {
    SpinLock lock;
    PaceRecord records[kRecords];
    size_t next { 0 };
    size_t count { 0 };
    uint32_t total[kBuckets] {};  // sent - deadline
    uint32_t own[kBuckets] {};    // sent - max(deadline, fired): the kernel's own part
    uint32_t timer[kBuckets] {};  // fired - armed: the interrupt's delivery
    uint32_t armed_late { 0 };    // ticks whose timer was armed after their deadline
    uint32_t media_late { 0 };    // ticks whose packet was queued after their deadline
    uint32_t not_first { 0 };     // ticks where another thread ran before the pacer
    uint32_t lock_waits { 0 };    // sends that waited for the NIC's transmit lock
    uint32_t via_flow { 0 };
    uint32_t via_stack { 0 };
};
constinit PaceLog* s_log = nullptr;
constinit const media::SendGrid* s_grid = nullptr; // read by the `pacer` command

void bump(uint32_t (&h)[kBuckets], int64_t ns)
{
    uint64_t b = ns <= 0 ? 0 : uint64_t(ns) / kBucketNs;
    h[b < kBuckets ? b : kBuckets - 1]++;
}

int32_t clamp_ns(int64_t v) { return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : int32_t(v); }

void log_tick(uint64_t deadline, uint64_t armed, uint64_t fired, uint64_t sent, uint64_t queued, uint16_t seq,
    bool flow, uint8_t switches, bool lock_wait)
{
    if (!s_log)
        return;
    PaceLog& l = *s_log;
    SpinLockIrqGuard g(l.lock);
    PaceRecord& r = l.records[l.next];
    r.deadline = deadline;
    r.armed = clamp_ns(int64_t(armed - deadline));
    r.fired = clamp_ns(int64_t(fired - deadline));
    r.sent = clamp_ns(int64_t(sent - deadline));
    r.queued = clamp_ns(int64_t(queued - deadline));
    r.seq = seq;
    r.switches = switches;
    r.lock_wait = lock_wait;
    l.next = (l.next + 1) % kRecords;
    if (l.count < kRecords)
        l.count++;
    // The kernel's own part starts when the deadline, the interrupt and the packet are all there.
    uint64_t start = fired > deadline ? fired : deadline;
    if (queued > start)
        start = queued;
    if (queued > deadline)
        l.media_late++;
    if (switches != kNoSwitchCount && switches > 1)
        l.not_first++;
    if (lock_wait)
        l.lock_waits++;
    bump(l.total, int64_t(sent - deadline));
    bump(l.own, int64_t(sent - start));
    bump(l.timer, fired > armed ? int64_t(fired - armed) : 0);
    // LAPIC ticks round the arming down; 20 us covers that and the arming's own run time.
    if (int64_t(armed - deadline) > 20'000)
        l.armed_late++;
    (flow ? l.via_flow : l.via_stack)++;
}

// The stack's path (takes the network lock): before the flow is known, and for ARP.
void send_via_stack(std::span<const uint8_t> rtp, const Endpoint& to)
{
    MutexGuard g(network_lock());
    if (auto r = network_stack().udp_send_to(shared().rtp_socket, to, rtp); r.is_error())
        return; // counted by the stack (its DropTx* counters)
}

// Never blocks: refreshes the flow only if the network lock is free right now.
void refresh_flow(const Endpoint& to, uint64_t now)
{
    Mutex& m = network_lock();
    if (!m.try_lock())
        return;
    auto f = network_stack().udp_flow(shared().rtp_socket, to);
    uint32_t epoch = __atomic_load_n(&shared().media_port_epoch, __ATOMIC_ACQUIRE);
    m.unlock();
    if (f.is_error()) {
        if (!(s_flow.valid && s_flow.to == to))
            s_flow.valid = false;
        return; // WouldBlock: the stack path below asks ARP
    }
    if (!(s_flow.valid && s_flow.to == to))
        s_flow.ip_id = uint16_t(kernel_random().next_u32());
    s_flow.flow = f.value();
    s_flow.flow.dscp = kDscpExpedited;
    s_flow.to = to;
    s_flow.port_epoch = epoch;
    s_flow.valid = true;
    s_flow.refreshed_ns = now;
}

// Returns true when the frame went out through the flow.
bool send(const PacedPacket& p, uint64_t now)
{
    if (!flow_current(p.to) || now - s_flow.refreshed_ns > kFlowRefreshNs)
        refresh_flow(p.to, now);
    if (flow_current(p.to)) {
        static uint8_t frame[net::kEthernetMaxFrame];
        size_t n = net::build_udp_frame(s_flow.flow, s_flow.ip_id++, { p.data, p.length }, frame);
        if (n && network_transmit_frame({ frame, n }).has_value())
            return true;
    }
    send_via_stack({ p.data, p.length }, p.to);
    return false;
}

void pacer_thread(void*)
{
    static PacedPacket p;
    Thread* self = thread_current();
    static media::SendGrid grid(monotonic_ns()); // its phase follows the media loop (send_grid.h)
    s_grid = &grid;
    for (;;) {
        uint64_t next = grid.advance(monotonic_ns());
        // No early wake-up and spin: under QEMU with every host CPU busy, a spinning vCPU is
        // preempted by the host (tried: the kernel's part grew to p95 2 ms, no gain on the
        // wire). The interrupt's own delay is the emulator's, and is measured as such.
        thread_sleep_until(next);
        TimerWake w = thread_last_timer_wake(self);
        uint64_t woke = monotonic_ns();
        uint64_t switched = cpu_context_switches() - w.switches;
        uint64_t fired = w.fired, armed = w.armed;
        uint8_t switches = switched < kNoSwitchCount ? uint8_t(switched) : kNoSwitchCount - 1;
        if (fired < next) { // not woken by this tick's timer (the deadline had passed)
            fired = woke;
            armed = next;
            switches = kNoSwitchCount;
        }
        while (s_arrived.try_down()) { } // wake-ups for packets already counted below
        auto queue_size = [] {
            SpinLockIrqGuard g(s_queue_lock);
            return s_queue.size();
        };
        size_t queued = queue_size();
        if (!queued) {
            // The media loop is late: wait for its packet (pacer_queue wakes us) and send it
            // on arrival, until shortly before the next tick.
            switches = kNoSwitchCount;
            uint64_t give_up = next + kTickNs - kGiveUpBeforeNextNs;
            while (!queued && s_arrived.down_timeout(give_up))
                queued = queue_size();
        }
        // One per tick; two when more than two wait (the codec runs a little fast, or the
        // media loop came back from a burst), so the queue never builds up delay.
        bool first = true;
        uint64_t first_queued = 0;
        for (size_t n = queued > 2 ? 2 : (queued ? 1 : 0); n; n--) {
            {
                SpinLockIrqGuard g(s_queue_lock);
                if (!s_queue.pop(p))
                    break;
            }
            uint32_t waits = network_transmit_lock_waits();
            bool flow = send(p, monotonic_ns());
            if (first) {
                log_tick(next, armed, fired, monotonic_ns(), p.queued_ns, p.length >= 4 ? load_be16(p.data + 2) : 0,
                    flow, switches, network_transmit_lock_waits() != waits);
                first_queued = p.queued_ns;
            }
            first = false;
        }
        grid.sent(!first, first_queued);
    }
}

uint64_t percentile_us(const uint32_t (&h)[kBuckets], uint32_t total, uint32_t per_mille)
{
    if (!total)
        return 0;
    uint64_t want = (uint64_t(total) * per_mille + 999) / 1000, seen = 0;
    for (size_t i = 0; i < kBuckets; i++) {
        seen += h[i];
        if (seen >= want)
            return (i + 1) * kBucketNs / 1000; // the bucket's upper edge
    }
    return kBuckets * kBucketNs / 1000;
}

uint64_t max_us(const uint32_t (&h)[kBuckets])
{
    for (size_t i = kBuckets; i > 0; i--)
        if (h[i - 1])
            return i * kBucketNs / 1000;
    return 0;
}

void cmd_pacer(int argc, const char* const* argv)
{
    if (!s_log) {
        printk("pacer: not running\n");
        return;
    }
    PaceLog& l = *s_log;
    if (argc > 1 && argv[1][0] == 'r') {
        SpinLockIrqGuard g(l.lock);
        l.next = l.count = 0;
        for (size_t i = 0; i < kBuckets; i++)
            l.total[i] = l.own[i] = l.timer[i] = 0;
        l.armed_late = l.via_flow = l.via_stack = l.media_late = l.not_first = l.lock_waits = 0;
        printk("pacer: reset\n");
        return;
    }
    if (argc > 1 && argv[1][0] == 'd') {
        // Oldest first: seq, deadline (us of monotonic time), then armed/fired/sent/queued in
        // us after the deadline. Copied out in pieces so the pacer never waits long for the lock.
        size_t count, start;
        {
            SpinLockIrqGuard g(l.lock);
            count = l.count;
            start = (l.next + kRecords - l.count) % kRecords;
        }
        printk("pacer: dump %zu\n", count);
        for (size_t i = 0; i < count; i++) {
            PaceRecord r;
            {
                SpinLockIrqGuard g(l.lock);
                r = l.records[(start + i) % kRecords];
            }
            printk("pace %u %lu %d %d %d %d %d %d\n", r.seq, r.deadline / 1000, r.armed / 1000, r.fired / 1000,
                   r.sent / 1000, r.queued / 1000, r.switches == kNoSwitchCount ? -1 : int(r.switches),
                   r.lock_wait ? 1 : 0);
        }
        printk("pacer: dump end\n");
        return;
    }
    uint32_t n;
    struct Histograms {
        uint32_t total[kBuckets], own[kBuckets], timer[kBuckets];
        uint32_t armed_late, via_flow, via_stack, media_late, not_first, lock_waits;
    };
    static Histograms copy; // the shell runs one command at a time
    {
        SpinLockIrqGuard g(l.lock);
        n = l.via_flow + l.via_stack;
        for (size_t i = 0; i < kBuckets; i++) {
            copy.total[i] = l.total[i];
            copy.own[i] = l.own[i];
            copy.timer[i] = l.timer[i];
        }
        copy.armed_late = l.armed_late;
        copy.via_flow = l.via_flow;
        copy.via_stack = l.via_stack;
        copy.media_late = l.media_late;
        copy.not_first = l.not_first;
        copy.lock_waits = l.lock_waits;
    }
    printk("pacer: ticks=%u via_flow=%u via_stack=%u overflow=%u armed_late=%u media_late=%u not_first=%u "
           "lock_waits=%u grid_earlier=%u grid_later=%u "
           "late_p50_us=%lu late_p99_us=%lu late_max_us=%lu own_p99_us=%lu own_max_us=%lu "
           "timer_p99_us=%lu timer_max_us=%lu\n",
           n, copy.via_flow, copy.via_stack, s_overflow, copy.armed_late, copy.media_late, copy.not_first,
           copy.lock_waits, s_grid ? s_grid->moved_earlier() : 0, s_grid ? s_grid->moved_later() : 0, percentile_us(copy.total, n, 500),
           percentile_us(copy.total, n, 990), max_us(copy.total), percentile_us(copy.own, n, 990), max_us(copy.own),
           percentile_us(copy.timer, n, 990), max_us(copy.timer));
}

} // namespace

void pacer_queue(std::span<const uint8_t> rtp, Endpoint to)
{
    static PacedPacket p; // media thread only
    if (rtp.size() > sizeof p.data) {
        send_via_stack(rtp, to); // never for G.711 at 20 ms (172 bytes)
        return;
    }
    p.length = uint16_t(rtp.size());
    p.to = to;
    p.queued_ns = monotonic_ns();
    copy_bytes(p.data, rtp.data(), rtp.size());
    {
        SpinLockIrqGuard g(s_queue_lock);
        if (s_queue.is_full()) {
            PacedPacket old;
            s_queue.pop(old);
            s_overflow++;
        }
        s_queue.push(p);
    }
    s_arrived.up();
}

void pacer_start(int cpu)
{
    s_log = new PaceLog;
    if (!s_log)
        printk("pacer: no memory for its log; sends are not timed\n");
    ThreadOptions po;
    po.cls = SchedClass::Realtime;
    po.rt_priority = 21; // above the media loop: a tick is never late behind a frame's work
    po.affinity = 1ull << cpu;
    thread_create("rtp-pacer", pacer_thread, nullptr, po);
}

void pacer_register_commands() { shell_register("pacer", "pacer [reset|dump]: RTP send timing", cmd_pacer); }

} // namespace oh::kernel::phone
