// e1000 driver core. [82540EM SDM 14 "General initialization and reset operation"]
#include "drivers/net/e1000.h"

#include "lib/bytes.h"

namespace oh::e1000 {

namespace {
RxDescriptor* rx_ring(const DmaBuffer& b) { return static_cast<RxDescriptor*>(b.cpu); }
TxDescriptor* tx_ring(const DmaBuffer& b) { return static_cast<TxDescriptor*>(b.cpu); }

// Descriptors live in memory the device writes: read and write them as volatile so the
// compiler neither caches nor reorders them across the doorbell writes.
template<typename T>
T vload(const T& field) { return *const_cast<const volatile T*>(&field); }
template<typename T>
void vstore(T& field, T v) { *const_cast<volatile T*>(&field) = v; }
} // namespace

bool E1000::probe(uint16_t vendor, uint16_t device)
{
    // 82540EM desktop (QEMU's default e1000); 82545EM and 82574 differ and are not claimed.
    return vendor == 0x8086 && device == 0x100e;
}

Result<E1000> E1000::create(Mmio& mmio, DmaAllocator& dma, Delay& delay)
{
    E1000 dev(mmio, dma, delay);
    // 82540EM SDM 3.2.6 / 3.4: rings are 128-byte aligned, multiples of 128 bytes.
    dev.m_rx_ring = TRY(dma.allocate(kRxDescriptors * sizeof(RxDescriptor), 128));
    dev.m_tx_ring = TRY(dma.allocate(kTxDescriptors * sizeof(TxDescriptor), 128));
    dev.m_rx_buffers = TRY(dma.allocate(kRxDescriptors * kBufferSize, 4096));
    dev.m_tx_buffers = TRY(dma.allocate(kTxDescriptors * kBufferSize, 4096));
    return dev;
}

Result<void> E1000::reset()
{
    write(Reg::Imc, 0xffffffff);
    write(Reg::Ctrl, read(Reg::Ctrl) | ctrl::kRst);
    // 82540EM SDM 13.4.1: RST self-clears; wait at least 1 us before touching registers.
    for (int i = 0; i < 1000; i++) {
        m_delay.delay_us(10);
        if (!(read(Reg::Ctrl) & ctrl::kRst)) {
            write(Reg::Imc, 0xffffffff);
            (void)read(Reg::Icr);
            return {};
        }
    }
    return { Error::Timeout, "e1000 reset did not complete" };
}

Result<uint16_t> E1000::eeprom_read(uint8_t word)
{
    write(Reg::Eerd, eerd::kStart | (uint32_t(word) << eerd::kAddrShift));
    for (int i = 0; i < 1000; i++) {
        uint32_t v = read(Reg::Eerd);
        if (v & eerd::kDone)
            return uint16_t(v >> eerd::kDataShift);
        m_delay.delay_us(5);
    }
    return { Error::Timeout, "EEPROM read timed out" };
}

Result<void> E1000::read_mac()
{
    // 82540EM SDM 5.6.1: words 0-2 hold the Ethernet address, low byte first. Fall back to
    // RAL/RAH, which the firmware may have programmed, when the EEPROM does not answer.
    bool from_eeprom = true;
    for (uint8_t w = 0; w < 3; w++) {
        auto v = eeprom_read(w);
        if (v.is_error()) {
            from_eeprom = false;
            break;
        }
        m_mac[2 * w] = uint8_t(v.value());
        m_mac[2 * w + 1] = uint8_t(v.value() >> 8);
    }
    if (!from_eeprom) {
        uint32_t lo = read(Reg::Ral0), hi = read(Reg::Rah0);
        if (!(hi & kRahAddressValid))
            return { Error::IoError, "no MAC address in EEPROM or RAL/RAH" };
        store_le32(m_mac, lo);
        store_le16(m_mac + 4, uint16_t(hi));
    }
    write(Reg::Ral0, load_le32(m_mac));
    write(Reg::Rah0, uint32_t(load_le16(m_mac + 4)) | kRahAddressValid);
    return {};
}

Result<void> E1000::setup_rx()
{
    for (uint32_t i = 0; i < 128; i++)
        write(Reg(uint32_t(Reg::Mta) + 4 * i), 0);
    auto* ring = rx_ring(m_rx_ring);
    for (size_t i = 0; i < kRxDescriptors; i++) {
        ring[i] = RxDescriptor {};
        ring[i].buffer = m_rx_buffers.physical + i * kBufferSize;
    }
    write(Reg::Rdbal, uint32_t(m_rx_ring.physical));
    write(Reg::Rdbah, uint32_t(m_rx_ring.physical >> 32));
    write(Reg::Rdlen, uint32_t(kRxDescriptors * sizeof(RxDescriptor)));
    write(Reg::Rdh, 0);
    // Tail one behind head: every descriptor but one belongs to the hardware.
    write(Reg::Rdt, uint32_t(kRxDescriptors - 1));
    write(Reg::Rdtr, 0);
    m_rx_next = 0;
    write(Reg::Rctl, rctl::kEn | rctl::kBam | rctl::kBsize2048 | rctl::kSecrc);
    return {};
}

Result<void> E1000::setup_tx()
{
    auto* ring = tx_ring(m_tx_ring);
    for (size_t i = 0; i < kTxDescriptors; i++) {
        ring[i] = TxDescriptor {};
        ring[i].buffer = m_tx_buffers.physical + i * kBufferSize;
        ring[i].status = txstatus::kDd; // free
    }
    write(Reg::Tdbal, uint32_t(m_tx_ring.physical));
    write(Reg::Tdbah, uint32_t(m_tx_ring.physical >> 32));
    write(Reg::Tdlen, uint32_t(kTxDescriptors * sizeof(TxDescriptor)));
    write(Reg::Tdh, 0);
    write(Reg::Tdt, 0);
    m_tx_tail = m_tx_clean = 0;
    write(Reg::Tipg, kTipgCopper);
    write(Reg::Tctl, tctl::kEn | tctl::kPsp | tctl::kCt | tctl::kCold);
    return {};
}

Result<void> E1000::initialize()
{
    TRY(reset());
    write(Reg::Ctrl, (read(Reg::Ctrl) | ctrl::kSlu | ctrl::kAsde) & ~ctrl::kRst);
    TRY(read_mac());
    TRY(setup_rx());
    TRY(setup_tx());
    // ~100 us interrupt throttling (ITR counts 256 ns units): bounded IRQ load in a flood.
    write(Reg::Itr, 390);
    m_last_link = read(Reg::Status) & status::kLu;
    write(Reg::Ims, irq::kRxt0 | irq::kRxo | irq::kRxdmt0 | irq::kLsc | irq::kTxdw);
    return {};
}

IrqEvents E1000::handle_irq()
{
    IrqEvents ev { read(Reg::Icr) };
    if (!ev.ours())
        return ev; // a shared line: someone else's interrupt
    m_counters.irqs++;
    if (ev.cause & irq::kRxo)
        m_counters.rx_overruns++;
    if (ev.link())
        m_counters.link_changes++;
    return ev;
}

bool E1000::link_up() { return read(Reg::Status) & status::kLu; }

void E1000::reclaim_tx()
{
    auto* ring = tx_ring(m_tx_ring);
    while (m_tx_clean != m_tx_tail && (vload(ring[m_tx_clean].status) & txstatus::kDd))
        m_tx_clean = (m_tx_clean + 1) % kTxDescriptors;
}

Result<void> E1000::transmit(std::span<const uint8_t> frame)
{
    if (frame.empty() || frame.size() > kBufferSize) {
        m_counters.tx_dropped++;
        return { Error::InvalidArgument, "frame size" };
    }
    reclaim_tx();
    uint32_t next = (m_tx_tail + 1) % kTxDescriptors;
    if (next == m_tx_clean) {
        m_counters.tx_dropped++;
        return { Error::NoSpace, "transmit ring full" };
    }
    auto* ring = tx_ring(m_tx_ring);
    auto* buf = static_cast<uint8_t*>(m_tx_buffers.cpu) + m_tx_tail * kBufferSize;
    copy_bytes(buf, frame.data(), frame.size());
    vstore(ring[m_tx_tail].length, uint16_t(frame.size()));
    vstore(ring[m_tx_tail].cso, uint8_t(0));
    vstore(ring[m_tx_tail].status, uint8_t(0));
    vstore(ring[m_tx_tail].cmd, uint8_t(txcmd::kEop | txcmd::kIfcs | txcmd::kRs));
    m_tx_tail = next;
    __atomic_thread_fence(__ATOMIC_RELEASE); // descriptor before the doorbell
    write(Reg::Tdt, m_tx_tail);
    m_counters.tx_frames++;
    m_counters.tx_bytes += frame.size();
    return {};
}

size_t E1000::receive(std::span<uint8_t> out)
{
    auto* ring = rx_ring(m_rx_ring);
    for (;;) {
        RxDescriptor& d = ring[m_rx_next];
        uint8_t st = vload(d.status);
        if (!(st & rxstatus::kDd))
            return 0;
        __atomic_thread_fence(__ATOMIC_ACQUIRE); // status before the data it covers
        size_t len = vload(d.length);
        uint8_t errors = vload(d.errors);
        size_t copied = 0;
        bool good = (st & rxstatus::kEop) && errors == 0 && len > 0 && len <= kBufferSize;
        if (!good)
            m_counters.rx_errors++;
        else if (len > out.size())
            m_counters.rx_dropped++;
        else {
            copy_bytes(out.data(), static_cast<uint8_t*>(m_rx_buffers.cpu) + m_rx_next * kBufferSize, len);
            copied = len;
            m_counters.rx_frames++;
            m_counters.rx_bytes += len;
        }
        // Give the descriptor back: it becomes the new tail.
        vstore(d.status, uint8_t(0));
        uint32_t done = m_rx_next;
        m_rx_next = (m_rx_next + 1) % kRxDescriptors;
        __atomic_thread_fence(__ATOMIC_RELEASE);
        write(Reg::Rdt, done);
        if (copied)
            return copied;
    }
}

} // namespace oh::e1000
