// SysTick (ARMv7-M ARM §B3.3) as the tick source and the clock behind oh::Clock.
#include "port/armv7m/systick.h"

#include "port/armv7m/cpu.h"
#include "port/armv7m/scs.h"
#include "port/armv7m/thread.h"

namespace oh::arm {

namespace {

constinit uint32_t s_cycles_per_tick = 0;
constinit volatile uint64_t s_ticks = 0;

// The optional reference counter (see systick_use_reference); accumulated as whole seconds
// plus a remainder in counter cycles so the conversion to ns never overflows.
struct Reference {
    const volatile uint32_t* counter { nullptr };
    uint32_t hz { 0 };
    uint32_t last { 0 };
    uint32_t rem_cycles { 0 };
    uint64_t seconds { 0 };
    Nanoseconds offset { 0 };
};
constinit Reference s_ref;

// Caller holds PRIMASK.
Nanoseconds reference_ns()
{
    uint32_t value = *s_ref.counter;
    uint32_t elapsed = s_ref.last - value; // down-counter, modulo 2^32
    s_ref.last = value;
    uint64_t rem = uint64_t(s_ref.rem_cycles) + elapsed;
    s_ref.seconds += rem / s_ref.hz;
    s_ref.rem_cycles = uint32_t(rem % s_ref.hz);
    return s_ref.offset + s_ref.seconds * kNsPerSec + uint64_t(s_ref.rem_cycles) * kNsPerSec / s_ref.hz;
}

Nanoseconds systick_ns()
{
    uint64_t ticks = s_ticks;
    uint32_t value = scs::reg32(scs::kSystCvr);
    // The counter may have wrapped after we read s_ticks but before its ISR ran (we hold
    // PRIMASK): the pending bit says so, and the value must be re-read after the wrap.
    if (scs::reg32(scs::kIcsr) & scs::kIcsrPendStSet) {
        value = scs::reg32(scs::kSystCvr);
        ticks++;
    }
    uint32_t elapsed = s_cycles_per_tick - 1 - value;
    return ticks * kTickNs + uint64_t(elapsed) * kTickNs / s_cycles_per_tick;
}

} // namespace

void systick_init(uint32_t cpu_hz)
{
    s_cycles_per_tick = cpu_hz / kTickHz;
    scs::reg32(scs::kSystCsr) = 0;
    scs::reg32(scs::kSystRvr) = s_cycles_per_tick - 1; // 24-bit: fine up to 16.7 GHz / kTickHz
    scs::reg32(scs::kSystCvr) = 0;
    scs::reg32(scs::kSystCsr) = scs::kSystClkSourceCpu | scs::kSystTickInt | scs::kSystEnable;
}

Nanoseconds monotonic_ns()
{
    IrqGuard guard;
    return s_ref.counter ? reference_ns() : systick_ns();
}

void systick_use_reference(const volatile uint32_t* down_counter, uint32_t hz)
{
    IrqGuard guard;
    Nanoseconds now = s_ref.counter ? reference_ns() : systick_ns();
    s_ref = Reference {};
    s_ref.hz = hz;
    s_ref.last = *down_counter;
    s_ref.offset = now;
    s_ref.counter = down_counter;
}

} // namespace oh::arm

extern "C" void SysTick_Handler()
{
    oh::arm::s_ticks = oh::arm::s_ticks + 1;
    oh::arm::scheduler_tick(oh::arm::monotonic_ns());
}
