// The kernel's side of the driver interfaces: PCI config space through ports 0xcf8/0xcfc,
// port I/O, DMA memory from physical frames, delays, and the PCI device list found at boot.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/hw/io.h"
#include "drivers/pci/pci.h"
#include "kernel/arch/x86_64/interrupts.h"
#include "lib/result.h"

namespace oh::kernel {

class PciConfigPorts final : public pci::ConfigSpace {
public:
    uint32_t read32(pci::Address a, uint8_t offset) override;
    void write32(pci::Address a, uint8_t offset, uint32_t value) override;
};

PciConfigPorts& pci_config();
void pci_init();                       // enumerate once; `pci` shell command lists them
size_t pci_device_count();
const pci::Device* pci_devices();
// Attach a handler to a device's legacy INTx (its firmware-assigned ISA IRQ line, level-
// triggered per the MADT overrides), routed to the BSP. Devices sharing a line share its
// vector (0x20 + GSI) and every handler runs: each must check its own device's status.
bool pci_attach_irq(const pci::Device& dev, IrqHandler handler, void* ctx);

struct DmaRegion {
    void* cpu { nullptr };
    uint64_t physical { 0 };
    size_t size { 0 };
};
// Zeroed, physically contiguous, below `below` (4 GiB for 32-bit bus masters).
Result<DmaRegion> dma_alloc(size_t bytes, uint64_t below = 1ull << 32);

// The kernel's side of lib/hw/io.h: port I/O, DMA memory (below the limit each driver
// names), delays.
hw::PortIo& kernel_port_io();
hw::DmaAllocator& kernel_dma();
hw::Delay& kernel_delay();

// MMIO BAR: its uncached virtual address in the direct map.
volatile void* mmio_map(uint64_t phys, size_t size);

} // namespace oh::kernel
