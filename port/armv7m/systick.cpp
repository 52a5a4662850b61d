// SysTick (ARMv7-M ARM §B3.3) as the tick source and the clock behind oh::Clock.
#include "port/armv7m/systick.h"

#include "port/armv7m/cpu.h"
#include "port/armv7m/scs.h"
#include "port/armv7m/thread.h"

namespace oh::arm {

namespace {

constinit uint32_t s_cycles_per_tick = 0;
constinit volatile uint64_t s_ticks = 0;

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

} // namespace oh::arm

extern "C" void SysTick_Handler()
{
    oh::arm::s_ticks = oh::arm::s_ticks + 1;
    oh::arm::scheduler_tick(oh::arm::monotonic_ns());
}
