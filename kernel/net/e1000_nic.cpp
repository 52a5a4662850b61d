// Kernel adapter for drivers/net/e1000: MMIO in the uncached direct map, DMA from frames,
// a level-triggered PCI interrupt that only reads ICR and wakes the network thread.
#include "kernel/net/e1000_nic.h"

#include "drivers/net/e1000.h"
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/console/console.h"
#include "kernel/dev/platform.h"
#include "kernel/sync/spinlock.h"
#include "kernel/time/time.h"

namespace oh::kernel {

namespace {

constexpr uint8_t kVector = kIrqVectorBase + 0x10; // any free vector above the ISA range

class KernelMmio final : public e1000::Mmio {
public:
    volatile uint32_t* base { nullptr };
    uint32_t read32(uint32_t off) override { return base[off / 4]; }
    void write32(uint32_t off, uint32_t v) override { base[off / 4] = v; }
};

class KernelDma final : public e1000::DmaAllocator {
public:
    Result<e1000::DmaBuffer> allocate(size_t bytes, size_t) override
    {
        auto r = dma_alloc(bytes); // page aligned, below 4 GiB
        if (r.is_error())
            return r.error();
        return e1000::DmaBuffer { r->cpu, r->physical, r->size };
    }
};

class KernelDelay final : public e1000::Delay {
public:
    void delay_us(uint32_t us) override { udelay(us); }
};

class E1000Nic final : public Nic {
public:
    Result<void> transmit(std::span<const uint8_t> frame) override
    {
        SpinLockIrqGuard g(m_lock);
        return m_dev->transmit(frame);
    }
    const char* name() const override { return "e1000"; }
    net::MacAddress mac() const override
    {
        net::MacAddress m;
        for (int i = 0; i < 6; i++)
            m.bytes[i] = m_dev->mac()[i];
        return m;
    }
    bool link_up() const override { return m_dev->link_up(); }
    size_t receive(std::span<uint8_t> out) override
    {
        SpinLockIrqGuard g(m_lock);
        return m_dev->receive(out);
    }

    e1000::E1000* m_dev { nullptr };
    SpinLock m_lock;
    void (*m_on_event)() { nullptr };
};

constinit KernelMmio s_mmio;
constinit KernelDma s_dma;
constinit KernelDelay s_delay;
constinit E1000Nic s_nic;

void irq_handler(void*)
{
    // ICR is clear-on-read and independent of the rings: no lock needed here.
    auto ev = s_nic.m_dev->handle_irq();
    if (ev.ours() && s_nic.m_on_event)
        s_nic.m_on_event();
}

} // namespace

Nic* e1000_probe_and_start(void (*on_event)())
{
    const pci::Device* dev = nullptr;
    for (size_t i = 0; i < pci_device_count() && !dev; i++)
        if (e1000::E1000::probe(pci_devices()[i].vendor, pci_devices()[i].device))
            dev = &pci_devices()[i];
    if (!dev)
        return nullptr;
    const pci::Bar& bar = dev->bars[0];
    if (bar.kind != pci::Bar::Kind::Memory || bar.size < 0x20000) {
        printk("e1000: unexpected BAR0\n");
        return nullptr;
    }
    pci::enable(pci_config(), *dev, true);
    s_mmio.base = static_cast<volatile uint32_t*>(mmio_map(bar.base, bar.size));
    auto created = e1000::E1000::create(s_mmio, s_dma, s_delay);
    if (created.is_error()) {
        printk("e1000: %s\n", created.error_info().text());
        return nullptr;
    }
    static e1000::E1000* s_dev_storage = new e1000::E1000(created.release_value());
    s_nic.m_dev = s_dev_storage;
    if (auto r = s_nic.m_dev->initialize(); r.is_error()) {
        printk("e1000: initialization failed: %s\n", r.error_info().text());
        return nullptr;
    }
    s_nic.m_on_event = on_event;
    irq_register(kVector, irq_handler, nullptr);
    if (!pci_route_irq(*dev, kVector))
        printk("e1000: no usable interrupt line; polling only\n");
    auto m = s_nic.mac();
    printk("net: e1000 at %02x:%02x.%u mac %02x:%02x:%02x:%02x:%02x:%02x irq %u link %s\n", dev->address.bus,
           dev->address.device, dev->address.function, m.bytes[0], m.bytes[1], m.bytes[2], m.bytes[3], m.bytes[4],
           m.bytes[5], dev->interrupt_line, s_nic.link_up() ? "up" : "down");
    return &s_nic;
}

} // namespace oh::kernel
