// Kernel adapter for drivers/net/e1000: MMIO in the uncached direct map, DMA from frames,
// a level-triggered PCI interrupt that only reads ICR and wakes the network thread.
#include "kernel/net/e1000_nic.h"

#include "drivers/net/e1000.h"
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/console/console.h"
#include "kernel/dev/platform.h"
#include "kernel/sync/spinlock.h"
#include "kernel/time/time.h"
#include "lib/bytes.h"

namespace oh::kernel {

namespace {

// Copies the one frame the driver hands over into the caller's buffer.
class CopySink final : public drivers::FrameSink {
public:
    std::span<uint8_t> out;
    size_t length { 0 };
    void on_frame(std::span<const uint8_t> frame) override
    {
        if (frame.size() <= out.size()) {
            copy_bytes(out.data(), frame.data(), frame.size());
            length = frame.size();
        }
    }
};

class E1000Nic final : public Nic {
public:
    // The rings are independent (82540EM SDM 3.2, 3.3), so each has its own lock: the RTP
    // pacer's transmit on the media CPU never waits behind the network thread's receive.
    Result<void> transmit(std::span<const uint8_t> frame) override
    {
        bool irq = x86::irq_save();
        if (!m_tx_lock.try_lock()) {
            __atomic_fetch_add(&m_tx_lock_waits, 1, __ATOMIC_RELAXED);
            m_tx_lock.lock();
        }
        m_dev->reclaim_tx();
        Result<void> r = m_dev->transmit(frame);
        bool first = !m_sent_one && r.has_value();
        m_sent_one = m_sent_one || r.has_value();
        m_tx_lock.unlock();
        x86::irq_restore(irq);
        if (first)
            boot_mark("network: first frame sent");
        return r;
    }
    uint32_t transmit_lock_waits() const override { return __atomic_load_n(&m_tx_lock_waits, __ATOMIC_RELAXED); }
    const char* name() const override { return m_dev->is_82574() ? "e1000e" : "e1000"; }
    net::MacAddress mac() const override { return m_dev->mac(); }
    bool link_up() const override { return m_dev->link_up(); }
    size_t receive(std::span<uint8_t> out) override
    {
        SpinLockIrqGuard g(m_rx_lock);
        CopySink sink;
        sink.out = out;
        m_dev->receive(sink, 1);
        return sink.length;
    }

    drivers::E1000* m_dev { nullptr };
    SpinLock m_tx_lock;
    uint32_t m_tx_lock_waits { 0 };
    bool m_sent_one { false }; // under m_tx_lock
    SpinLock m_rx_lock;
    void (*m_on_event)() { nullptr };
};

constinit hw::DirectMmio s_mmio; // the BAR in the uncached direct map
constinit E1000Nic s_nic;

void irq_handler(void*)
{
    // handle_irq() touches only ICR and STATUS: safe next to the ring users.
    hw::IrqEvents ev = s_nic.m_dev->handle_irq();
    if (ev.ours() && s_nic.m_on_event)
        s_nic.m_on_event();
}

} // namespace

Nic* e1000_probe_and_start(void (*on_event)())
{
    const pci::Device* dev = nullptr;
    for (size_t i = 0; i < pci_device_count() && !dev; i++)
        if (drivers::E1000::probe(pci_devices()[i].vendor, pci_devices()[i].device))
            dev = &pci_devices()[i];
    if (!dev)
        return nullptr;
    const pci::Bar& bar = dev->bars[0];
    if (bar.kind != pci::Bar::Kind::Memory || bar.size < 0x20000) {
        printk("e1000: unexpected BAR0\n");
        return nullptr;
    }
    pci::enable(pci_config(), *dev, true);
    s_mmio.set_base(reinterpret_cast<uintptr_t>(mmio_map(bar.base, bar.size)));
    auto created = drivers::E1000::create(s_mmio, kernel_dma(), dev->device);
    if (created.is_error()) {
        printk("e1000: bring-up failed: %s\n", created.error_info().text());
        return nullptr;
    }
    s_nic.m_dev = new drivers::E1000(created.release_value());
    if (!s_nic.m_dev) {
        printk("e1000: no memory for the driver\n");
        return nullptr;
    }
    s_nic.m_on_event = on_event;
    if (!pci_attach_irq(*dev, irq_handler, nullptr))
        printk("e1000: no usable interrupt line; polling only\n");
    auto m = s_nic.mac();
    printk("net: %s at %02x:%02x.%u mac %02x:%02x:%02x:%02x:%02x:%02x irq %u link %s\n",
           s_nic.m_dev->is_82574() ? "e1000e (82574L)" : "e1000", dev->address.bus,
           dev->address.device, dev->address.function, m.bytes[0], m.bytes[1], m.bytes[2], m.bytes[3], m.bytes[4],
           m.bytes[5], dev->interrupt_line, s_nic.link_up() ? "up" : "down");
    return &s_nic;
}

} // namespace oh::kernel
