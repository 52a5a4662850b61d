// The one hardware-access vocabulary of every driver and board (x86 and ARM): an MMIO window,
// x86 port I/O, a delay, and DMA memory with both its CPU and bus addresses. Drivers take
// these as injected objects, so each runs against a model of its device on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/result.h"

namespace oh::hw {

// One device's register window. Offsets are bytes from its base; every access is a whole
// 32-bit register (never bitfields on device memory, never narrower or wider).
class Mmio {
public:
    virtual uint32_t read32(uint32_t offset) = 0;
    virtual void write32(uint32_t offset, uint32_t value) = 0;

    // Read-modify-write: the bits of `clear` dropped, then those of `set` raised.
    void modify32(uint32_t offset, uint32_t clear, uint32_t set)
    {
        write32(offset, (read32(offset) & ~clear) | set);
    }

protected:
    ~Mmio() = default;
};

// A window at a fixed address the CPU reaches directly (an MCU's peripherals, a mapped BAR).
class DirectMmio final : public Mmio {
public:
    constexpr DirectMmio() = default;
    constexpr explicit DirectMmio(uintptr_t base) : m_base(base) { }
    uint32_t read32(uint32_t offset) override { return *reinterpret_cast<volatile uint32_t*>(m_base + offset); }
    void write32(uint32_t offset, uint32_t value) override
    {
        *reinterpret_cast<volatile uint32_t*>(m_base + offset) = value;
    }
    uintptr_t base() const { return m_base; }
    void set_base(uintptr_t base) { m_base = base; }

private:
    uintptr_t m_base { 0 };
};

// x86 in/out (legacy PCI functions: AC'97, PIIX IDE); a model of the registers in tests.
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

// Busy-wait delays for bring-up sequences (codec power-up, PHY reset); a no-op in models.
class Delay {
public:
    virtual void delay_us(uint32_t microseconds) = 0;

protected:
    ~Delay() = default;
};

// Device-visible memory: where the driver reads and writes it, and what the device is told.
struct DmaBuffer {
    uint8_t* cpu { nullptr };
    uint64_t bus { 0 };
    size_t size { 0 };
};

// The highest bus address a master can reach: ICH/PIIX bus masters take 32-bit addresses.
constexpr uint64_t kBusLimit32 = 0xffff'ffffull;
constexpr uint64_t kBusLimit64 = ~0ull;

// Hands out zeroed, physically contiguous, cache-coherent memory (x86 with WB memory and PCI
// snooping is coherent; a Cortex-M7 with its D-cache on would hand out non-cacheable SRAM).
class DmaAllocator {
public:
    // `alignment` may exceed a page (PIIX's bounce buffer must not cross 64 KiB); the whole
    // buffer ends at or below `limit`.
    virtual Result<DmaBuffer> allocate(size_t size, size_t alignment, uint64_t limit) = 0;

protected:
    ~DmaAllocator() = default;
};

// An I2C master as a device driver sees it (the WM8994 codec over the STM32's I2C3): write,
// or write then read, to one 7-bit address. NACK, arbitration loss and timeouts are errors.
class I2cBus {
public:
    virtual Result<void> write(uint8_t address, std::span<const uint8_t> bytes) = 0;
    virtual Result<void> write_read(uint8_t address, std::span<const uint8_t> out, std::span<uint8_t> in) = 0;

protected:
    ~I2cBus() = default;
};

// Buffers a driver owns statically (the MCU's DMA descriptors and audio halves): their bus
// address. The pointer itself on the MCU; a fake 32-bit bus in host tests.
class BusAddress {
public:
    virtual uint32_t to_bus(const void* p) = 0;

protected:
    ~BusAddress() = default;
};

class IdentityBus final : public BusAddress {
public:
    uint32_t to_bus(const void* p) override { return uint32_t(reinterpret_cast<uintptr_t>(p)); }
};

// Orders our stores to DMA memory before the register write that tells the device about
// them, and the device's status write before our reads of the rest of a descriptor.
inline void dma_barrier() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

} // namespace oh::hw
