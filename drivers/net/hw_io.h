// The two ways a NIC driver reaches hardware, injected so that tests can model the device:
// 32-bit MMIO registers, and DMA-able memory with both a CPU pointer and a bus address.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/result.h"

namespace oh::drivers {

// One device's register window. Offsets are bytes from the BAR base; every access is a
// whole 32-bit register (never bitfields, never narrower or wider).
class Mmio {
public:
    virtual uint32_t read32(uint32_t offset) = 0;
    virtual void write32(uint32_t offset, uint32_t value) = 0;

protected:
    ~Mmio() = default;
};

struct DmaBuffer {
    uint8_t* cpu { nullptr };  // where the driver reads and writes it
    uint64_t bus { 0 };        // what the device is told (physical or IOMMU address)
    size_t size { 0 };
};

// Hands out device-visible, cache-coherent memory (x86 with WB memory and PCI snooping is
// coherent; a Cortex-M7 port would hand out non-cacheable SRAM here).
class DmaAllocator {
public:
    virtual Result<DmaBuffer> allocate(size_t size, size_t alignment) = 0;

protected:
    ~DmaAllocator() = default;
};

// Orders our stores to DMA memory before the MMIO write that tells the device about them,
// and the device's status write before our reads of the rest of a descriptor.
inline void dma_barrier() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

} // namespace oh::drivers
