// What the AC'97 driver needs from the kernel: port I/O, DMA-able memory, a delay, PCI data.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/result.h"

namespace oh::ac97 {

// x86 port I/O (in/out instructions in the kernel, a register file model in tests).
class PortIo {
public:
    virtual uint8_t in8(uint16_t port) = 0;
    virtual uint16_t in16(uint16_t port) = 0;
    virtual uint32_t in32(uint16_t port) = 0;
    virtual void out8(uint16_t port, uint8_t value) = 0;
    virtual void out16(uint16_t port, uint16_t value) = 0;
    virtual void out32(uint16_t port, uint32_t value) = 0;

protected:
    ~PortIo() = default;
};

// Memory the controller can reach: ICH bus masters take 32-bit physical addresses.
struct DmaBuffer {
    void* cpu { nullptr };
    uint32_t physical { 0 };
    size_t size { 0 };
};

class DmaMemory {
public:
    // Zeroed, physically contiguous, cache-coherent for device access.
    virtual Result<DmaBuffer> allocate(size_t bytes, size_t alignment) = 0;

protected:
    ~DmaMemory() = default;
};

class Delay {
public:
    virtual void delay_us(uint32_t microseconds) = 0;

protected:
    ~Delay() = default;
};

// What PCI enumeration found, in the shape probe() needs; filled by the kernel's PCI code.
struct PciFunction {
    uint16_t vendor { 0 };
    uint16_t device { 0 };
    uint32_t bar[6] {};   // raw BAR values: bit 0 set for I/O space
    uint8_t irq_line { 0 };
};

} // namespace oh::ac97
