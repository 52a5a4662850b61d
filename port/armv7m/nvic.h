// NVIC and system-exception priorities: one table of who may preempt whom on the port.
#pragma once

#include <stdint.h>

namespace oh::arm {

// Priorities use the top bits only (the STM32F7 implements 4 of 8; QEMU all 8), lower
// number = more urgent. Audio DMA must never wait behind the network, and the context
// switch (PendSV) runs last so it never interrupts an ISR half way through.
enum class IrqPriority : uint8_t {
    AudioDma = 0x40,
    Network = 0x80,
    Console = 0xA0,
    SysTick = 0xC0,
    PendSv = 0xF0,
};

void nvic_set_priority(unsigned irq, IrqPriority priority);
void nvic_enable(unsigned irq);
void nvic_disable(unsigned irq);
// PendSV, SysTick and the configurable faults.
void system_exceptions_init();

} // namespace oh::arm
