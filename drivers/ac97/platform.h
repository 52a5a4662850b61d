// What the AC'97 driver needs from the kernel: port I/O, DMA-able memory, a delay, PCI data.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/hw/io.h"
#include "lib/result.h"

namespace oh::ac97 {


// What PCI enumeration found, in the shape probe() needs; filled by the kernel's PCI code.
struct PciFunction {
    uint16_t vendor { 0 };
    uint16_t device { 0 };
    uint32_t bar[6] {};   // raw BAR values: bit 0 set for I/O space
    uint8_t irq_line { 0 };
};

} // namespace oh::ac97
