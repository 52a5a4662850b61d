// QEMU mps2-an500 board: CMSDK UART0 console, LAN9118 at 0xA0000000 (IRQ 13), 25 MHz clock,
// and the threads of the image: network (normal class) and the 20 ms audio tick (real-time).
#include "port/armv7m/board.h"

#include "port/armv7m/app/config.h"
#include "port/armv7m/app/net_task.h"
#include "port/armv7m/app/phone.h"
#include "port/armv7m/boards/mps2-an500/cmsdk_uart.h"
#include "drivers/lan9118/lan9118.h"
#include "port/armv7m/console.h"
#include "port/armv7m/console_input.h"
#include "port/armv7m/irq.h"
#include "port/armv7m/late.h"
#include "port/armv7m/nvic.h"
#include "port/armv7m/random.h"
#include "port/armv7m/systick.h"
#include "port/armv7m/thread.h"

namespace oh::arm {

namespace {

// AN500 / QEMU hw/arm/mps2.c: system clock and peripheral addresses.
constexpr uint32_t kSysClkHz = 25'000'000;
constexpr uintptr_t kUart0Base = 0x40004000;
constexpr uintptr_t kLan9118Base = 0xA0000000; // AN500 §3.5 (AN385 uses 0x40200000)
constexpr unsigned kLan9118Irq = 13;
constexpr uint32_t kConsoleBaud = 115200;
constexpr unsigned kUart0RxIrq = 0; // AN500: UART0 RX on IRQ 0, TX on 1 (QEMU hw/arm/mps2.c)
// CMSDK APB timer 0 (AN500 memory map; QEMU hw/arm/mps2.c), clocked by PCLK = SYSCLK: the
// reference counter behind monotonic_ns() (QEMU computes its value from its virtual clock).
constexpr uintptr_t kTimer0Base = 0x40000000;
constexpr uint32_t kTimerCtrl = 0x00, kTimerValue = 0x04, kTimerReload = 0x08;
constexpr uint32_t kTimerEnable = 1u << 0;

class BusyDelay final : public hw::Delay {
public:
    void delay_us(uint32_t us) override
    {
        Nanoseconds end = monotonic_ns() + Nanoseconds(us) * kNsPerUs;
        while (monotonic_ns() < end) { }
    }
};

constinit hw::DirectMmio s_uart_io { kUart0Base };
constinit CmsdkUart s_uart { s_uart_io };
constinit hw::DirectMmio s_eth_io { kLan9118Base };
constinit BusyDelay s_delay;
constinit SysTickClock s_clock;
constinit Late<Lan9118> s_nic;
constinit PortRandom s_random;
constinit TimingJitter s_jitter { kTimer0Base + kTimerValue };
constinit Late<NetTask> s_net;
constinit Late<Phone> s_phone;
constinit volatile bool s_phone_up = false; // configured: this thread runs its media

// QEMU has no codec: the microphone is a test tone (`phone.tone=` Hz, 1 kHz by default, as
// on x86), the speaker a null sink that only keeps count (what the phone sends is checked by
// the far end in the e2e test), and the 20 ms period comes from the scheduler's timer: the
// phone core's AudioDevice, as the SAI codec is on the Discovery board and AC'97 on x86.
class ToneAndNullSink final : public phone::AudioDevice {
public:
    explicit ToneAndNullSink(uint32_t frequency_hz) : m_frequency_hz(frequency_hz) { }

    const char* name() const override { return "tone source + null sink (20 ms timer)"; }
    bool playback_live() const override { return false; }
    bool capture_live() const override { return false; } // a generated tone, not a microphone
    int wait_frame() override;
    bool read_frame(std::span<int16_t, phone::kAudioFrame> out) override
    {
        if (!m_tone.active())
            m_tone.start_test_tone(m_frequency_hz, 8000);
        m_tone.generate(out);
        return true;
    }
    void write_frame(std::span<const int16_t, phone::kAudioFrame>) override { m_counters.played_frames++; }
    phone::AudioCounters counters() const override { return m_counters; }

    // The wake-up report (see wait_frame).
    uint32_t late { 0 }, catch_up { 0 }, missed_ticks { 0 };
    Nanoseconds worst { 0 };

private:
    media::ToneGenerator m_tone;
    uint32_t m_frequency_hz;
    Nanoseconds m_next { 0 };
    phone::AudioCounters m_counters {};
};
constinit Late<ToneAndNullSink> s_audio;

constinit Thread s_net_thread;
constinit Thread s_audio_thread;
// SIP in the network thread, the media session in the audio thread (before, both in the
// network thread peaked at ~5.5 KiB); the audio report prints both high-water marks.
alignas(8) constinit uint32_t s_net_stack[2048];
alignas(8) constinit uint32_t s_audio_stack[1024];
constinit volatile uint32_t s_audio_frames = 0;

void uart_rx_irq(void*)
{
    s_uart.clear_rx_irq();
    for (int c; (c = s_uart.get()) >= 0;)
        console_rx(char(c));
}

void eth_irq(void*)
{
    if (s_nic->handle_irq().has(hw::IrqEvent::RxReady))
        s_net->notify_rx();
}

// Wake-up lateness in 50 us buckets up to 5 ms (the last one holds everything beyond).
class LatencyHistogram {
public:
    void add(Nanoseconds ns)
    {
        uint32_t us = uint32_t(ns / kNsPerUs);
        uint32_t b = us / kBucketUs;
        m_counts[b < kBuckets ? b : kBuckets - 1]++;
        m_total++;
        if (us > m_max_us)
            m_max_us = us;
    }
    // The upper edge of the bucket holding the p-th percentile (0 with no samples).
    uint32_t percentile_us(uint32_t p) const
    {
        uint32_t want = (m_total * p + 99) / 100, seen = 0;
        for (uint32_t b = 0; b < kBuckets; b++) {
            seen += m_counts[b];
            if (want && seen >= want)
                return b + 1 < kBuckets ? (b + 1) * kBucketUs : m_max_us;
        }
        return 0;
    }
    uint32_t max_us() const { return m_max_us; }

private:
    static constexpr uint32_t kBucketUs = 50, kBuckets = 101;
    uint32_t m_counts[kBuckets] {};
    uint32_t m_total { 0 };
    uint32_t m_max_us { 0 };
};
constinit LatencyHistogram s_own_lateness;
constinit LatencyHistogram s_switch_latency;
constinit LatencyHistogram s_waking_tick_gap;

// Stands in for the audio DMA interrupt: every 20 ms (160 samples at 8 kHz) the media
// path runs at real-time priority, ahead of the network and signalling.
//
// Lateness is split so the e2e test can judge the port whatever the host does. The tick that
// woke the thread knows how long it came after the previous tick: beyond one tick period the
// guest took no interrupt at all, which under QEMU is the emulator not running (a host
// stall), and that part is the host's. The rest is the port's own lateness, at most a tick
// period plus the switch when the port is right, and it is also reported in its two parts:
// a wake-up by a tick other than the first one past the deadline (a missed tick), and the
// time from the waking tick to the thread running (PendSV, priority over the network thread).
// A frame whose deadline had already passed before it slept (catching up after a stall) has
// no waking tick and is counted apart.
int ToneAndNullSink::wait_frame()
{
    Thread& self = current_thread();
    if (!m_next)
        m_next = monotonic_ns();
    m_next += 20 * kNsPerMs;
    sleep_until(m_next);
    Nanoseconds ran = monotonic_ns();
    Nanoseconds lateness = ran - m_next;
    if (lateness > worst)
        worst = lateness;
    if (lateness > 2 * kNsPerMs) {
        late++;
        m_counters.late_wakeups++;
    }
    if (self.woken_at >= m_next) {
        Nanoseconds stall = self.woken_tick_gap > kTickNs ? self.woken_tick_gap - kTickNs : 0;
        s_own_lateness.add(lateness > stall ? lateness - stall : 0);
        s_switch_latency.add(ran - self.woken_at);
        s_waking_tick_gap.add(self.woken_tick_gap);
        if (self.woken_at - self.woken_tick_gap >= m_next)
            missed_ticks++;
    } else {
        catch_up++;
    }
    m_counters.frames++;
    return 1;
}

void audio_thread(void*)
{
    ToneAndNullSink& dev = *s_audio;
    for (;;) {
        dev.wait_frame();
        s_audio_frames = s_audio_frames + 1;
        if (s_phone_up)
            s_phone->on_audio_frame(); // the media session runs here, at real-time priority
        uint32_t late = dev.late, catch_up = dev.catch_up, missed_ticks = dev.missed_ticks;
        Nanoseconds worst = dev.worst;
        if (s_audio_frames % 500 == 0) {
            kprint("audio: %lu frames, %lu late, worst wake-up %lu us; net stack %lu of %u bytes used, "
                   "audio stack %lu of %u\n",
                (unsigned long)s_audio_frames, (unsigned long)late, (unsigned long)(worst / kNsPerUs),
                (unsigned long)(sizeof s_net_stack - 4 * stack_unused_words(s_net_thread)),
                unsigned(sizeof s_net_stack),
                (unsigned long)(sizeof s_audio_stack - 4 * stack_unused_words(s_audio_thread)),
                unsigned(sizeof s_audio_stack));
            kprint("audio-port: own lateness p50 %lu us p99 %lu us max %lu us; switch p50 %lu us p99 %lu us; "
                   "%lu missed ticks; waking tick gap p50 %lu us max %lu us; %lu catch-up frames\n",
                (unsigned long)s_own_lateness.percentile_us(50), (unsigned long)s_own_lateness.percentile_us(99),
                (unsigned long)s_own_lateness.max_us(), (unsigned long)s_switch_latency.percentile_us(50),
                (unsigned long)s_switch_latency.percentile_us(99), (unsigned long)missed_ticks,
                (unsigned long)s_waking_tick_gap.percentile_us(50), (unsigned long)s_waking_tick_gap.max_us(),
                (unsigned long)catch_up);
            StackUse h = handler_stack_use(), b = boot_stack_use(), a = thread_stack_use(s_audio_thread),
                     n = thread_stack_use(s_net_thread);
            kprint("stacks: handler %u of %u, idle %u of %u, audio %u of %u, net %u of %u bytes used\n",
                unsigned(h.used), unsigned(h.size), unsigned(b.used), unsigned(b.size), unsigned(a.used),
                unsigned(a.size), unsigned(n.used), unsigned(n.size));
        }
    }
}

} // namespace

namespace board {

void early_init() { s_uart.initialize(kSysClkHz, kConsoleBaud); }
void console_putc(char c) { s_uart.put(c); }
uint32_t cpu_hz() { return kSysClkHz; }
const char* name() { return "mps2-an500"; }

// Free-running from 0xffffffff with no interrupt: 171 s per wrap at 25 MHz, read every tick.
static void start_reference_timer()
{
    hw::DirectMmio timer { kTimer0Base };
    timer.write32(kTimerCtrl, 0);
    timer.write32(kTimerReload, 0xffffffff);
    timer.write32(kTimerValue, 0xffffffff);
    timer.write32(kTimerCtrl, kTimerEnable);
    systick_use_reference(reinterpret_cast<const volatile uint32_t*>(kTimer0Base + kTimerValue), kSysClkHz);
}

// Out of line so that the Result<Lan9118> is gone before start() goes deeper (net, phone).
[[gnu::noinline]] static Lan9118* start_nic()
{
    // Locally administered fallback; QEMU normally preloads its own (-nic ...,mac=).
    net::MacAddress fallback { { 0x02, 0x00, 0x5e, 0x0f, 0xf0, 0x01 } };
    auto created = Lan9118::create(s_eth_io, s_delay, fallback);
    if (created.is_error()) {
        kprint("eth: lan9118 not usable (%s)\n", created.error_info().text());
        return nullptr;
    }
    return &s_nic.emplace(std::move(created.value()));
}

void start()
{
    start_reference_timer();
    kprint("\nOffhook ARMv7-M on %s (Cortex-M7, %lu MHz)\n", name(), (unsigned long)(cpu_hz() / 1000000));
    auto cmdline = baked_cmdline();
    kprint("cmdline: %.*s\n", int(cmdline.size()), cmdline.data());
    BoardConfig config = load_config();

    // Audible range and below Nyquist at 8 kHz; anything else falls back to 1 kHz.
    uint64_t tone = config.cmdline.get_uint("phone.tone").value_or(1000);
    if (tone < 100 || tone > 3400)
        tone = 1000;
    auto& audio = s_audio.emplace(uint32_t(tone)); // before its thread, which waits on it
    thread_start(s_audio_thread, { "audio", audio_thread, nullptr, s_audio_stack,
        SchedClass::Realtime, 31 });

    Lan9118* created = start_nic();
    if (!created)
        return;
    auto& nic = *created;
    auto mac = nic.mac();
    kprint("eth: lan9118 mac %02x:%02x:%02x:%02x:%02x:%02x\n", mac.bytes[0], mac.bytes[1],
        mac.bytes[2], mac.bytes[3], mac.bytes[4], mac.bytes[5]);
    // No hardware RNG on this board: the MAC (unique per lab, not secret) and SysTick jitter
    // around reads of the free-running timer, which QEMU derives from the host's clock.
    s_random.seed(mac.bytes, s_jitter, &s_jitter);
    auto& random = s_random;
    auto& net = s_net.emplace(nic, s_clock, random);
    net.start(config);
    auto& phone = s_phone.emplace(net.stack(), s_clock, random, audio);
    if (phone.configure(config.cmdline)) {
        net.set_phone(&phone);
        s_phone_up = true;
    }
    irq_register(kUart0RxIrq, uart_rx_irq, nullptr);
    nvic_set_priority(kUart0RxIrq, IrqPriority::Console);
    s_uart.enable_rx_irq();
    nvic_enable(kUart0RxIrq);
    irq_register(kLan9118Irq, eth_irq, nullptr);
    nvic_set_priority(kLan9118Irq, IrqPriority::Network);
    nvic_enable(kLan9118Irq);
    kprint("threads: audio (rt 31), net (normal); scheduler running\n");
    thread_start(s_net_thread, { "net", NetTask::entry, &net, s_net_stack,
        SchedClass::Normal, 0 });
}

} // namespace board

} // namespace oh::arm
