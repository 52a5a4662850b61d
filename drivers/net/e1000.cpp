// 82540EM driver core: initialization (82540EM SDM 14.3-14.5), rings and interrupts.
#include "drivers/net/e1000.h"

#include "lib/bytes.h"

namespace oh::drivers {

using namespace e1000;

namespace {

// Device IDs this driver knows to behave like the 82540EM (82540EM SDM 5.6.1 Table 5-3).
constexpr uint16_t kSupportedDevices[] = {
    E1000::kDevice82540EM, // 82540EM desktop: what QEMU's "-device e1000" presents
    E1000::kDevice82574L,  // 82574L: QEMU's "-device e1000e", in its legacy-descriptor mode
};

// 82540EM SDM 14.5: wait at least 1 us after RST before touching registers. We have no
// timer here, so bound by register reads (each an uncached bus access of roughly 1 us).
constexpr int kResetPollLimit = 100000;
constexpr int kEepromPollLimit = 100000;

}

bool E1000::probe(uint16_t vendor, uint16_t device)
{
    if (vendor != kVendorIntel)
        return false;
    for (uint16_t id : kSupportedDevices)
        if (id == device)
            return true;
    return false;
}

Result<E1000> E1000::create(hw::Mmio& mmio, hw::DmaAllocator& dma, uint16_t device)
{
    E1000 dev(mmio);
    dev.m_82574 = device == kDevice82574L;
    // 82540EM SDM 3.2.6 / 3.3.6: rings are 16-byte aligned; 128 keeps each in cache lines.
    dev.m_rx_ring = TRY(dma.allocate(kE1000RxDescriptors * sizeof(RxDescriptor), 128, hw::kBusLimit64));
    dev.m_tx_ring = TRY(dma.allocate(kE1000TxDescriptors * sizeof(TxDescriptor), 128, hw::kBusLimit64));
    dev.m_rx_buffers = TRY(dma.allocate(kE1000RxDescriptors * kE1000BufferSize, 4096, hw::kBusLimit64));
    dev.m_tx_buffers = TRY(dma.allocate(kE1000TxDescriptors * kE1000BufferSize, 4096, hw::kBusLimit64));
    TRY(dev.initialize());
    return dev;
}

volatile RxDescriptor& E1000::rx_descriptor(size_t i)
{
    return reinterpret_cast<volatile RxDescriptor*>(m_rx_ring.cpu)[i];
}

volatile TxDescriptor& E1000::tx_descriptor(size_t i)
{
    return reinterpret_cast<volatile TxDescriptor*>(m_tx_ring.cpu)[i];
}

Result<void> E1000::reset()
{
    // 82540EM SDM 14.3: mask interrupts, reset, mask again (reset re-enables nothing, but a
    // cause latched before it must not fire), and clear pending causes.
    write(Reg::Imc, irq::kAll);
    write(Reg::Ctrl, read(Reg::Ctrl) | ctrl::kReset);
    int polls = 0;
    while (read(Reg::Ctrl) & ctrl::kReset) {
        if (++polls > kResetPollLimit)
            return { Error::Timeout, "e1000 reset did not complete" };
    }
    write(Reg::Imc, irq::kAll);
    (void)read(Reg::Icr); // read-to-clear: the value is stale by definition
    // 14.3: set link up and let the MAC follow the PHY's auto-negotiated speed.
    uint32_t c = read(Reg::Ctrl);
    c |= ctrl::kSetLinkUp | ctrl::kAutoSpeedDetect;
    c &= ~(ctrl::kLinkReset | ctrl::kPhyReset | ctrl::kInvertLoss | ctrl::kVlanEnable);
    write(Reg::Ctrl, c);
    return {};
}

Result<uint16_t> E1000::read_eeprom(uint8_t word)
{
    // 82540EM SDM 13.4.4: write the address with START, poll DONE, data in the top half.
    uint32_t shift = m_82574 ? eerd_82574::kAddressShift : eerd::kAddressShift;
    uint32_t done = m_82574 ? eerd_82574::kDone : eerd::kDone;
    write(Reg::Eerd, (uint32_t(word) << shift) | eerd::kStart);
    for (int i = 0; i < kEepromPollLimit; ++i) {
        uint32_t v = read(Reg::Eerd);
        if (v & done)
            return uint16_t(v >> eerd::kDataShift);
    }
    return { Error::Timeout, "EERD never completed" };
}

Result<void> E1000::load_mac_address()
{
    uint8_t mac[6];
    bool from_eeprom = true;
    for (uint8_t w = 0; w < kEepromMacWords && from_eeprom; ++w) {
        auto v = read_eeprom(w);
        if (v.is_error()) {
            from_eeprom = false;
            break;
        }
        store_le16(mac + 2 * w, v.value());
    }
    if (!from_eeprom) {
        // Firmware (or QEMU) already loaded RAL0/RAH0 from the EEPROM at power-up.
        uint32_t rah = read(Reg::Rah0);
        if (!(rah & kRahAddressValid))
            return { Error::NotFound, "no MAC address in EEPROM or RAL/RAH" };
        store_le32(mac, read(Reg::Ral0));
        store_le16(mac + 4, uint16_t(rah));
    }
    m_mac = net::MacAddress::from(mac);
    if (m_mac.is_multicast() || m_mac.is_zero())
        return { Error::Malformed, "invalid MAC address" };
    // 82540EM SDM 13.4.55/56: program entry 0 so the filter accepts our unicast frames.
    write(Reg::Ral0, load_le32(mac));
    write(Reg::Rah0, load_le16(mac + 4) | kRahAddressValid);
    return {};
}

void E1000::setup_rx()
{
    // 82540EM SDM 14.4, in its order.
    for (uint32_t i = 0; i < kMtaEntries; ++i)
        m_mmio.write32(uint32_t(Reg::Mta) + 4 * i, 0);
    for (size_t i = 0; i < kE1000RxDescriptors; ++i) {
        volatile RxDescriptor& d = rx_descriptor(i);
        d.buffer = m_rx_buffers.bus + i * kE1000BufferSize;
        d.length = 0;
        d.status = 0;
        d.errors = 0;
    }
    hw::dma_barrier();
    write(Reg::Rdbal, uint32_t(m_rx_ring.bus));
    write(Reg::Rdbah, uint32_t(m_rx_ring.bus >> 32));
    write(Reg::Rdlen, uint32_t(kE1000RxDescriptors * sizeof(RxDescriptor)));
    write(Reg::Rdh, 0);
    // One descriptor always stays with software, so head == tail means "ring empty".
    write(Reg::Rdt, uint32_t(kE1000RxDescriptors - 1));
    write(Reg::Rdtr, 0);
    m_rx_next = 0;
    m_rx_discarding = false;
    write(Reg::Rctl, rctl::kEnable | rctl::kBroadcastAccept | rctl::kMinThresholdHalf | rctl::kBufferSize2048 | rctl::kStripCrc);
}

void E1000::setup_tx()
{
    // 82540EM SDM 14.5.
    for (size_t i = 0; i < kE1000TxDescriptors; ++i) {
        volatile TxDescriptor& d = tx_descriptor(i);
        d.buffer = m_tx_buffers.bus + i * kE1000BufferSize;
        d.length = 0;
        d.command = 0;
        d.status = tx_status::kDone; // free
    }
    hw::dma_barrier();
    write(Reg::Tdbal, uint32_t(m_tx_ring.bus));
    write(Reg::Tdbah, uint32_t(m_tx_ring.bus >> 32));
    write(Reg::Tdlen, uint32_t(kE1000TxDescriptors * sizeof(TxDescriptor)));
    write(Reg::Tdh, 0);
    write(Reg::Tdt, 0);
    m_tx_tail = m_tx_clean = 0;
    write(Reg::Tctl, tctl::kRecommended);
    write(Reg::Tipg, kTipgCopper);
}

// 82540EM SDM 14.3-14.5, on the memory create() allocated.
Result<void> E1000::initialize()
{
    TRY(reset());
    TRY(load_mac_address());
    setup_rx();
    setup_tx();
    __atomic_store_n(&m_link_up, (read(Reg::Status) & status::kLinkUp) != 0, __ATOMIC_RELAXED);
    (void)read(Reg::Icr); // drop causes raised while we configured
    write(Reg::Ims, irq::kRxTimer | irq::kRxOverrun | irq::kRxDescMinThreshold | irq::kLinkStatusChange | irq::kTxDescWritten);
    return {};
}

hw::IrqEvents E1000::handle_irq()
{
    // 82540EM SDM 13.4.17: reading ICR returns and clears every pending cause.
    uint32_t cause = read(Reg::Icr);
    if (!cause)
        return {};
    // 82574L datasheet 10.2.4.1: its ICR clears on read only in some modes (IAME, INT_ASSERTED);
    // writing the causes back clears them in all of them.
    if (m_82574)
        write(Reg::Icr, cause);
    m_counters.interrupts++;
    hw::IrqEvents events = hw::IrqEvent::Ours;
    if (cause & (irq::kRxTimer | irq::kRxDescMinThreshold))
        events |= hw::IrqEvent::RxReady;
    if (cause & irq::kRxOverrun) {
        // MPC counts exactly what was lost (statistics registers clear on read, 13.5).
        m_counters.rx_dropped += read(Reg::Mpc);
        events |= hw::IrqEvent::RxOverrun | hw::IrqEvent::RxReady;
    }
    if (cause & (irq::kTxDescWritten | irq::kTxQueueEmpty))
        events |= hw::IrqEvent::TxDone;
    if (cause & irq::kLinkStatusChange) {
        bool up = (read(Reg::Status) & status::kLinkUp) != 0;
        __atomic_store_n(&m_link_up, up, __ATOMIC_RELAXED);
        m_counters.link_changes++;
        events |= hw::IrqEvent::LinkChanged;
    }
    return events;
}

} // namespace oh::drivers
