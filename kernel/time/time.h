// Monotonic time: the TSC, calibrated against the PIT at boot, read as nanoseconds.
#pragma once

#include <stdint.h>

#include "lib/clock.h"

namespace oh::kernel {

void time_init();           // BSP, after lapic_init: calibrates the TSC and the LAPIC timer
uint64_t monotonic_ns();    // since time_init()
uint64_t tsc_hz();
uint64_t boot_tsc();        // TSC value at kernel entry (set by kernel_main)
void set_boot_tsc(uint64_t tsc);
uint64_t tsc_to_ns(uint64_t tsc_delta);
uint64_t since_entry_us();  // since kernel entry (valid once time_init has run)
// One line of the boot timeline: "boot: 12.345 ms <what>" (where the time goes at start).
void boot_mark(const char* what);
// Before time_init: the TSC is kept and the line printed by boot_marks_flush_early().
void boot_mark_early(const char* what);
void boot_marks_flush_early();

// Busy-wait (for device timing during bring-up, never on a hot path).
void udelay(uint64_t us);

// The kernel's Clock for portable code.
class KernelClock final : public Clock {
public:
    Nanoseconds now_ns() const override { return monotonic_ns(); }
};

} // namespace oh::kernel
