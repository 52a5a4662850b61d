// Register access for the ARM drivers: an injected 32-bit MMIO window (hardware or a mock).
#pragma once

#include <stdint.h>

namespace oh::arm {

// Drivers never dereference device addresses themselves: they read and write whole 32-bit
// registers through this, so the same driver runs against a mock register file on the host.
class Mmio {
public:
    virtual uint32_t read32(uint32_t offset) = 0;
    virtual void write32(uint32_t offset, uint32_t value) = 0;

    void modify32(uint32_t offset, uint32_t clear, uint32_t set)
    {
        write32(offset, (read32(offset) & ~clear) | set);
    }

protected:
    ~Mmio() = default;
};

// A device window at a fixed physical address (the real thing; never used on the host).
class DirectMmio final : public Mmio {
public:
    constexpr explicit DirectMmio(uintptr_t base) : m_base(base) { }
    uint32_t read32(uint32_t offset) override
    {
        return *reinterpret_cast<volatile uint32_t*>(m_base + offset);
    }
    void write32(uint32_t offset, uint32_t value) override
    {
        *reinterpret_cast<volatile uint32_t*>(m_base + offset) = value;
    }
    uintptr_t base() const { return m_base; }

private:
    uintptr_t m_base;
};

// Busy-wait delays for bring-up sequences (PHY reset, codec power-up); a no-op in mocks.
class Delay {
public:
    virtual void delay_us(uint32_t microseconds) = 0;

protected:
    ~Delay() = default;
};

} // namespace oh::arm
