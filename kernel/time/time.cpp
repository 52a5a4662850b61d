// TSC calibration against PIT channel 2 and the nanosecond clock built on it.
#include "kernel/time/time.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/console/console.h"

namespace oh::kernel {

namespace {

constexpr uint64_t kPitHz = 1193182;
constexpr uint16_t kPitCh2 = 0x42, kPitCmd = 0x43, kPortB = 0x61;

constinit uint64_t s_tsc_hz = 0;
constinit uint64_t s_tsc0 = 0;
constinit uint64_t s_boot_tsc = 0;
constinit uint64_t s_ns_per_tick_q32 = 0; // ns per TSC tick, 32.32 fixed point

// One PIT channel-2 countdown of `ms` milliseconds, measured in TSC ticks. Port 0x61 bit 0
// gates channel 2, bit 5 reads its output, which rises at terminal count in mode 0.
uint64_t tsc_ticks_over_pit(uint32_t ms)
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
    while (!(x86::inb(kPortB) & 0x20))
        ;
    uint64_t t1 = x86::rdtsc();
    x86::outb(kPortB, uint8_t(x86::inb(kPortB) & ~0x01));
    return t1 - t0;
}

} // namespace

void time_init()
{
    // Shortest of three 10 ms windows: emulation can only stretch a window, never shrink it.
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 3; i++) {
        uint64_t t = tsc_ticks_over_pit(10);
        if (t < best)
            best = t;
    }
    s_tsc_hz = best * 100;
    s_ns_per_tick_q32 = (uint64_t(1'000'000'000) << 32) / s_tsc_hz;
    s_tsc0 = x86::rdtsc();
}

uint64_t tsc_to_ns(uint64_t d) { return uint64_t((unsigned __int128)d * s_ns_per_tick_q32 >> 32); }
uint64_t monotonic_ns() { return tsc_to_ns(x86::rdtsc() - s_tsc0); }
uint64_t tsc_hz() { return s_tsc_hz; }
uint64_t boot_tsc() { return s_boot_tsc; }
void set_boot_tsc(uint64_t tsc) { s_boot_tsc = tsc; }
uint64_t since_entry_us() { return tsc_to_ns(x86::rdtsc() - s_boot_tsc) / 1000; }

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
