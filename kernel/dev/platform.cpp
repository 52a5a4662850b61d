// PCI config ports, DMA memory and MMIO mapping.
#include "kernel/dev/platform.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/ioapic.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/console/console.h"
#include "kernel/console/shell.h"
#include "kernel/kernel.h"
#include "kernel/mm/layout.h"
#include "kernel/mm/memory.h"
#include "kernel/sync/spinlock.h"
#include "kernel/time/time.h"
#include "lib/bytes.h"

namespace oh::kernel {

namespace {
constexpr uint16_t kConfigAddress = 0xcf8;
constexpr uint16_t kConfigData = 0xcfc;
constexpr size_t kMaxPciDevices = 32;

constinit SpinLock s_pci_lock;
constinit PciConfigPorts s_pci_config;
constinit pci::Device s_devices[kMaxPciDevices] {};
constinit size_t s_device_count = 0;

uint32_t config_address(pci::Address a, uint8_t offset)
{
    // [PCI 3.0 §3.2.2.3.2] configuration mechanism #1
    return 0x80000000u | (uint32_t(a.bus) << 16) | (uint32_t(a.device & 31) << 11) |
           (uint32_t(a.function & 7) << 8) | (offset & 0xfc);
}

const char* class_name(uint8_t c)
{
    switch (c) {
    case 0x01: return "storage";
    case 0x02: return "network";
    case 0x03: return "display";
    case 0x04: return "multimedia";
    case 0x06: return "bridge";
    default: return "other";
    }
}

void cmd_pci(int, const char* const*)
{
    for (size_t i = 0; i < s_device_count; i++) {
        const pci::Device& d = s_devices[i];
        printk("%02x:%02x.%u %04x:%04x %-10s irq %u", d.address.bus, d.address.device, d.address.function,
               d.vendor, d.device, class_name(d.class_code), d.interrupt_line);
        for (int b = 0; b < 6; b++)
            if (d.bars[b].kind != pci::Bar::Kind::None)
                printk(" bar%d %s %lx/%lx", b, d.bars[b].kind == pci::Bar::Kind::Io ? "io" : "mem",
                       d.bars[b].base, d.bars[b].size);
        printk("\n");
    }
}

} // namespace

uint32_t PciConfigPorts::read32(pci::Address a, uint8_t offset)
{
    SpinLockIrqGuard g(s_pci_lock);
    x86::outl(kConfigAddress, config_address(a, offset));
    return x86::inl(kConfigData);
}

void PciConfigPorts::write32(pci::Address a, uint8_t offset, uint32_t value)
{
    SpinLockIrqGuard g(s_pci_lock);
    x86::outl(kConfigAddress, config_address(a, offset));
    x86::outl(kConfigData, value);
}

PciConfigPorts& pci_config() { return s_pci_config; }

void pci_init()
{
    s_device_count = pci::enumerate(s_pci_config, s_devices, kMaxPciDevices);
    printk("pci: %zu functions\n", s_device_count);
    shell_register("pci", "list PCI functions", cmd_pci);
}

size_t pci_device_count() { return s_device_count; }
const pci::Device* pci_devices() { return s_devices; }

bool pci_attach_irq(const pci::Device& dev, IrqHandler handler, void* ctx)
{
    if (dev.interrupt_pin == 0 || dev.interrupt_line == 0xff || dev.interrupt_line >= 16)
        return false;
    // QEMU's PIIX routes PCI INTx links to ISA IRQs 5/9/10/11, which the MADT overrides
    // mark level-triggered: ioapic_route_isa applies those flags. One vector per line, so
    // two devices on IRQ 11 (e1000 and AC97 in QEMU) both get their interrupts.
    uint32_t gsi = kernel_madt().isa_irq(dev.interrupt_line).gsi;
    if (gsi >= 0xe0 - kIrqVectorBase)
        return false;
    uint8_t vector = uint8_t(kIrqVectorBase + gsi);
    if (!irq_register(vector, handler, ctx))
        return false;
    return ioapic_route_isa(dev.interrupt_line, vector, g_cpus[0].apic_id);
}

Result<DmaRegion> dma_alloc(size_t bytes, uint64_t below)
{
    size_t pages = (bytes + kPageSize - 1) / kPageSize;
    auto phys = frame_alloc(pages, below);
    if (phys.is_error())
        return Error::NoMemory;
    void* cpu = phys_to_virt(phys.value());
    fill_bytes(cpu, 0, pages * kPageSize);
    return DmaRegion { cpu, phys.value(), pages * kPageSize };
}

namespace {

class KernelPortIo final : public hw::PortIo {
public:
    uint8_t in8(uint16_t p) override { return x86::inb(p); }
    uint16_t in16(uint16_t p) override { return x86::inw(p); }
    uint32_t in32(uint16_t p) override { return x86::inl(p); }
    void out8(uint16_t p, uint8_t v) override { x86::outb(p, v); }
    void out16(uint16_t p, uint16_t v) override { x86::outw(p, v); }
    void out32(uint16_t p, uint32_t v) override { x86::outl(p, v); }
};

// dma_alloc gives page-aligned frames below a bound; larger alignments (the IDE bounce buffer
// must not cross a 64 KiB boundary) come from over-allocating and rounding up.
class KernelDma final : public hw::DmaAllocator {
public:
    Result<hw::DmaBuffer> allocate(size_t bytes, size_t alignment, uint64_t limit) override
    {
        size_t extra = alignment > kPageSize ? alignment : 0;
        // frame_alloc's bound is exclusive; the limit is the last reachable byte.
        uint64_t below = limit == hw::kBusLimit64 ? limit : limit + 1;
        auto r = dma_alloc(bytes + extra, below);
        if (r.is_error())
            return r.error();
        uint64_t phys = r->physical;
        uint64_t aligned = extra ? align_up<uint64_t>(phys, alignment) : phys;
        auto* cpu = static_cast<uint8_t*>(r->cpu) + (aligned - phys);
        return hw::DmaBuffer { cpu, aligned, bytes };
    }
};

class KernelDelay final : public hw::Delay {
public:
    void delay_us(uint32_t us) override { udelay(us); }
};

constinit KernelPortIo s_port_io;
constinit KernelDma s_dma;
constinit KernelDelay s_delay;

} // namespace

hw::PortIo& kernel_port_io() { return s_port_io; }
hw::DmaAllocator& kernel_dma() { return s_dma; }
hw::Delay& kernel_delay() { return s_delay; }

volatile void* mmio_map(uint64_t phys, size_t)
{
    // The direct map covers the 3-4 GiB hole uncached (paging_init).
    return static_cast<volatile void*>(phys_to_virt(phys));
}

} // namespace oh::kernel
