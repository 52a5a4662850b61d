// SysTick time base: a 1 kHz tick for the scheduler and a sub-tick monotonic clock.
#pragma once

#include <stdint.h>

#include "lib/clock.h"

namespace oh::arm {

constexpr uint32_t kTickHz = 1000;
constexpr Nanoseconds kTickNs = kNsPerSec / kTickHz;

void systick_init(uint32_t cpu_hz);
// Monotonic ns since systick_init, to cycle resolution (tick count + the down-counter).
Nanoseconds monotonic_ns();
// From now on, time comes from a free-running 32-bit down-counter at `hz` (it must be read
// at least once per wrap: the tick does). Counting SysTick interrupts loses time whenever
// they are serviced late by more than a tick, which an emulator on a busy host does; a
// counter read keeps time regardless. The clock carries on from its current value.
void systick_use_reference(const volatile uint32_t* down_counter, uint32_t hz);

// The Clock that portable code (net::Stack, sip::UserAgent, MediaSession) is given.
class SysTickClock final : public Clock {
public:
    Nanoseconds now_ns() const override { return monotonic_ns(); }
};

} // namespace oh::arm
