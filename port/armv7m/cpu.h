// Cortex-M7 instructions the port needs (interrupt masking, barriers, wait) and the
// critical section used everywhere the scheduler's state is shared with interrupts.
#pragma once

#include <stdint.h>

namespace oh::arm {

inline uint32_t primask()
{
    uint32_t v;
    asm volatile("mrs %0, primask" : "=r"(v));
    return v;
}
inline void irq_disable() { asm volatile("cpsid i" ::: "memory"); }
inline void irq_enable() { asm volatile("cpsie i" ::: "memory"); }
inline void dsb() { asm volatile("dsb 0xf" ::: "memory"); }
inline void isb() { asm volatile("isb 0xf" ::: "memory"); }
inline void wfi() { asm volatile("wfi" ::: "memory"); }

// PRIMASK rather than BASEPRI: every ISR that wakes a thread touches the run queue, so
// nothing may interleave with it; sections are a few dozen cycles. Nests correctly.
class IrqGuard {
public:
    IrqGuard() : m_was_masked(primask() & 1) { irq_disable(); }
    ~IrqGuard()
    {
        if (!m_was_masked)
            irq_enable();
    }
    IrqGuard(const IrqGuard&) = delete;
    IrqGuard& operator=(const IrqGuard&) = delete;

private:
    bool m_was_masked;
};

} // namespace oh::arm
