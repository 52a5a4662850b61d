// Device interrupt dispatch: drivers register a handler per NVIC line at run time.
#pragma once

#include <stdint.h>

namespace oh::arm {

constexpr unsigned kMaxIrqs = 112; // STM32F746 uses 98, mps2-an500 32

using IrqHandler = void (*)(void* context);

void irq_register(unsigned irq, IrqHandler handler, void* context);
uint32_t irq_spurious_count();

} // namespace oh::arm
