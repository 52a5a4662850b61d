// What a legacy PCI driver (AC97, PIIX IDE) needs from its platform: x86 port I/O, memory a
// 32-bit bus master can reach, and a delay. The kernel implements these once
// (kernel/dev/platform.h); tests implement them with register-file models.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/result.h"

namespace oh::drivers {

// in/out instructions in the kernel, a model of the device's registers in tests.
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

// Memory that ICH/PIIX bus masters reach: they take 32-bit physical addresses.
struct Dma32Buffer {
    void* cpu { nullptr };
    uint32_t physical { 0 };
    size_t size { 0 };
};

class Dma32Memory {
public:
    // Zeroed, physically contiguous, cache-coherent, aligned to `alignment` (which may be
    // larger than a page: PIIX's bounce buffer must not cross a 64 KiB boundary).
    virtual Result<Dma32Buffer> allocate(size_t bytes, size_t alignment) = 0;

protected:
    ~Dma32Memory() = default;
};

class Delay {
public:
    virtual void delay_us(uint32_t microseconds) = 0;

protected:
    ~Delay() = default;
};

} // namespace oh::drivers
