// How a driver names its memory to a DMA master: the pointer itself on the MCU, a mapping
// into a fake 32-bit bus in host tests (where pointers are 64-bit).
#pragma once

#include <stdint.h>

namespace oh::arm::stm32 {

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

// The DMA engines read descriptors and buffers behind the CPU's back: all descriptor
// stores must be visible before the "go" register write (D-cache stays off on this port).
inline void dma_fence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

} // namespace oh::arm::stm32
