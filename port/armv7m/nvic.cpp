// NVIC priority/enable and system-exception set-up (ARMv7-M ARM §B3.4, §B3.2.10-11).
#include "port/armv7m/nvic.h"

#include "port/armv7m/cpu.h"
#include "port/armv7m/scs.h"

namespace oh::arm {

void nvic_set_priority(unsigned irq, IrqPriority priority)
{
    // §B3.4.9: NVIC_IPRn is byte-accessible, one byte per interrupt.
    scs::reg8(scs::kNvicIpr + irq) = uint8_t(priority);
}

void nvic_enable(unsigned irq)
{
    scs::reg32(scs::kNvicIcpr + 4 * (irq / 32)) = 1u << (irq % 32);
    scs::reg32(scs::kNvicIser + 4 * (irq / 32)) = 1u << (irq % 32);
}

void nvic_disable(unsigned irq)
{
    scs::reg32(scs::kNvicIcer + 4 * (irq / 32)) = 1u << (irq % 32);
    dsb();
    isb();
}

void system_exceptions_init()
{
    uint32_t shpr3 = scs::reg32(scs::kShpr3) & 0x0000ffffu;
    shpr3 |= uint32_t(IrqPriority::PendSv) << 16;
    shpr3 |= uint32_t(IrqPriority::SysTick) << 24;
    scs::reg32(scs::kShpr3) = shpr3;
    // Separate fault handlers give precise reports instead of everything escalating to
    // HardFault; divide by zero traps rather than quietly returning 0.
    scs::reg32(scs::kShcsr) |= scs::kShcsrUsgFaultEna | scs::kShcsrBusFaultEna | scs::kShcsrMemFaultEna;
    scs::reg32(scs::kCcr) |= scs::kCcrDiv0Trp;
    dsb();
    isb();
}

} // namespace oh::arm
