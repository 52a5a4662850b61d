// TSC calibration against PIT channel 2 and the nanosecond clock built on it.
#include "kernel/time/time.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/console/console.h"

namespace oh::kernel {

namespace {

constexpr uint64_t kPitHz = 1193182;
constexpr uint16_t kPitCh2 = 0x42, kPitCmd = 0x43, kPortB = 0x61;

constinit uint64_t s_tsc_hz = 0;
constinit uint64_t s_tsc0 = 0;
constinit uint64_t s_boot_tsc = 0;
constinit uint64_t s_ns_per_tick_q32 = 0; // ns per TSC tick, 32.32 fixed point

struct Window {
    uint64_t tsc;       // TSC ticks over the window
    uint32_t lapic;     // LAPIC timer ticks between two reads within it
    uint64_t lapic_tsc; // TSC ticks between those two reads (each timed by a TSC read on either side)
};

// One PIT channel-2 countdown of `ms` milliseconds, measured in TSC ticks and, between the
// same two instants, in LAPIC timer ticks. Port 0x61 bit 0 gates channel 2, bit 5 reads its
// output, which rises at terminal count in mode 0.
Window ticks_over_pit(uint32_t ms)
{
    uint32_t count = uint32_t(kPitHz * ms / 1000);
    uint8_t b = x86::inb(kPortB);
    x86::outb(kPortB, uint8_t((b & ~0x02) & ~0x01)); // gate low, speaker off
    x86::outb(kPitCmd, 0xb0);                         // channel 2, lo/hi, mode 0, binary
    x86::outb(kPitCh2, uint8_t(count));
    x86::outb(kPitCh2, uint8_t(count >> 8));
    b = x86::inb(kPortB);
    x86::outb(kPortB, uint8_t(b | 0x01)); // gate high: counting starts
    uint64_t t0 = x86::rdtsc();
    uint32_t c0 = lapic_timer_count();
    uint64_t t0b = x86::rdtsc();
    while (!(x86::inb(kPortB) & 0x20))
        ;
    uint64_t t1 = x86::rdtsc();
    uint32_t c1 = lapic_timer_count();
    uint64_t t1b = x86::rdtsc();
    x86::outb(kPortB, uint8_t(x86::inb(kPortB) & ~0x01));
    // An MMIO read's latency differs from one read to the next (under emulation by 10 us:
    // +0.1% over 10 ms when timed from the TSC read before it alone), so each LAPIC read is
    // placed midway between the TSC reads around it.
    return { t1 - t0, c0 - c1, (t1 + t1b) / 2 - (t0 + t0b) / 2 };
}

} // namespace

void time_init()
{
    // The shortest of up to three 10 ms windows: emulation can only stretch a window, never
    // shrink it; two that agree within 0.02% (2 us) end it early (under QEMU: 10-80 ppm apart).
    // The LAPIC timer is counted across the same windows, so it needs no stretch of its own
    // (it used to take three 5 ms windows timed on the TSC: 15 ms of every boot).
    lapic_timer_free_run();
    // A 1 ms window first, thrown away: the first pass through this code is slower under an
    // emulator that translates it (10 ms windows came out 0.7% long every boot), and would
    // never agree with the next.
    (void)ticks_over_pit(1);
    Window best { UINT64_MAX, 0, 0 };
    for (int i = 0; i < 3; i++) {
        Window w = ticks_over_pit(10);
        uint64_t lo = w.tsc < best.tsc ? w.tsc : best.tsc;
        uint64_t hi = w.tsc < best.tsc ? best.tsc : w.tsc;
        bool agree = i > 0 && hi - lo <= lo / 5000;
        if (w.tsc < best.tsc)
            best = w;
        if (agree)
            break;
    }
    s_tsc_hz = best.tsc * 100;
    s_ns_per_tick_q32 = (uint64_t(1'000'000'000) << 32) / s_tsc_hz;
    s_tsc0 = x86::rdtsc();
    lapic_timer_set_rate(best.lapic, tsc_to_ns(best.lapic_tsc));
}

uint64_t tsc_to_ns(uint64_t d) { return uint64_t((unsigned __int128)d * s_ns_per_tick_q32 >> 32); }
uint64_t monotonic_ns() { return tsc_to_ns(x86::rdtsc() - s_tsc0); }
uint64_t tsc_hz() { return s_tsc_hz; }
uint64_t boot_tsc() { return s_boot_tsc; }
void set_boot_tsc(uint64_t tsc) { s_boot_tsc = tsc; }
uint64_t since_entry_us() { return tsc_to_ns(x86::rdtsc() - s_boot_tsc) / 1000; }

namespace {
struct EarlyMark {
    uint64_t tsc;
    const char* what;
};
constinit EarlyMark s_early[8] {};
constinit int s_early_count = 0;
}

void boot_mark_early(const char* what)
{
    if (s_early_count < int(sizeof s_early / sizeof s_early[0]))
        s_early[s_early_count++] = { x86::rdtsc(), what };
}

void boot_marks_flush_early()
{
    for (int i = 0; i < s_early_count; i++) {
        uint64_t us = tsc_to_ns(s_early[i].tsc - s_boot_tsc) / 1000;
        printk("boot: %lu.%03lu ms %s\n", us / 1000, us % 1000, s_early[i].what);
    }
    s_early_count = 0;
}

void boot_mark(const char* what)
{
    uint64_t us = since_entry_us();
    printk("boot: %lu.%03lu ms %s\n", us / 1000, us % 1000, what);
}

void udelay(uint64_t us)
{
    uint64_t end = monotonic_ns() + us * 1000;
    while (monotonic_ns() < end)
        x86::pause();
}

} // namespace oh::kernel
