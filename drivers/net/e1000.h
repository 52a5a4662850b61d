// Intel 82540EM (QEMU's e1000, PCI 8086:100e) driver core: reset, MAC address, legacy RX/TX
// descriptor rings, interrupt causes and link state, over injected MMIO and DMA interfaces.
// Also drives the 82574L (QEMU's e1000e, 8086:10d3) through the same legacy descriptors and
// INTx: its EERD layout differs, and its ICR is cleared by writing the causes back.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "drivers/net/e1000_regs.h"
#include "lib/hw/io.h"
#include "lib/hw/irq.h"
#include "lib/result.h"
#include "net/mac_address.h"
#include "net/net_device.h"

namespace oh::drivers {

// Receives frames drained from the RX ring; the span is valid only during the call.
class FrameSink {
public:
    virtual void on_frame(std::span<const uint8_t> frame) = 0;

protected:
    ~FrameSink() = default;
};

struct E1000Counters {
    uint64_t rx_frames { 0 };
    uint64_t rx_bytes { 0 };
    uint64_t tx_frames { 0 };
    uint64_t tx_bytes { 0 };
    uint64_t rx_dropped { 0 };  // no free descriptor (RXO interrupts, MPC register)
    uint64_t rx_errors { 0 };   // CRC/symbol/sequence errors, frames split over buffers
    uint64_t tx_errors { 0 };   // collisions reported in descriptors, oversized frames
    uint64_t tx_ring_full { 0 };
    uint64_t link_changes { 0 };
    uint64_t interrupts { 0 };
};

constexpr size_t kE1000RxDescriptors = 32; // ring lengths must be multiples of 8 (128 bytes)
constexpr size_t kE1000TxDescriptors = 32;
constexpr size_t kE1000BufferSize = 2048;  // RCTL.BSIZE 2048
static_assert(kE1000RxDescriptors % 8 == 0 && kE1000TxDescriptors % 8 == 0);

// Locking: the caller serializes receive() with itself, and transmit() with reclaim_tx();
// the receive and transmit rings share no state, so the two sides may run concurrently
// (the kernel has one lock per ring). handle_irq() touches only ICR and STATUS and may run in
// interrupt context concurrently with all of them. An E1000 may be moved (the kernel moves it
// onto the heap) as long as no call runs meanwhile: the rings and buffers live in DMA memory,
// which the device knows by bus address, and the object points only at them and at the Mmio.
class E1000 final : public net::NetDevice {
public:
    static constexpr uint16_t kVendorIntel = 0x8086;
    static constexpr uint16_t kDevice82540EM = 0x100e;
    static constexpr uint16_t kDevice82574L = 0x10d3;

    // Pure check of PCI IDs: no device access.
    static bool probe(uint16_t vendor, uint16_t device);

    // A running NIC or why not: NoMemory when the rings or buffers cannot be had (no register
    // touched: they are allocated first, below any limit, as the 82540EM takes 64-bit
    // descriptor and buffer addresses), Timeout when the reset bit never clears, NotFound when
    // neither EERD nor RAL/RAH holds a MAC address, Malformed for a multicast or zero one.
    // Resets the device, reads the MAC, programs the rings and enables interrupts.
    static Result<E1000> create(hw::Mmio& mmio, hw::DmaAllocator& dma, uint16_t device = kDevice82540EM);

    // Reads (and so acknowledges) ICR: RxReady, RxOverrun, TxDone, LinkChanged; no events
    // means the interrupt was not ours (the line may be shared).
    hw::IrqEvents handle_irq();

    // Hands up to budget completed frames to sink and gives their descriptors back.
    size_t receive(FrameSink& sink, size_t budget = kE1000RxDescriptors);
    // Copies the frame into the next TX buffer. Busy: the ring is full.
    Result<void> transmit(std::span<const uint8_t> frame) override;
    // Counts transmitted descriptors and frees them; returns how many.
    size_t reclaim_tx();

    const net::MacAddress& mac() const { return m_mac; }
    bool link_up() const { return __atomic_load_n(&m_link_up, __ATOMIC_RELAXED); }
    const E1000Counters& counters() const { return m_counters; }
    bool is_82574() const { return m_82574; }

private:
    uint32_t read(e1000::Reg r) { return m_mmio.read32(uint32_t(r)); }
    void write(e1000::Reg r, uint32_t v) { m_mmio.write32(uint32_t(r), v); }
    Result<void> reset();
    Result<uint16_t> read_eeprom(uint8_t word);
    Result<void> load_mac_address();
    void setup_rx();
    void setup_tx();
    volatile e1000::RxDescriptor& rx_descriptor(size_t i);
    volatile e1000::TxDescriptor& tx_descriptor(size_t i);

    E1000(hw::Mmio& mmio) : m_mmio(mmio) { }
    Result<void> initialize();

    hw::Mmio& m_mmio;
    hw::DmaBuffer m_rx_ring;
    hw::DmaBuffer m_tx_ring;
    hw::DmaBuffer m_rx_buffers; // kE1000RxDescriptors x kE1000BufferSize, contiguous
    hw::DmaBuffer m_tx_buffers;
    net::MacAddress m_mac;
    bool m_82574 { false };
    bool m_link_up { false };
    bool m_rx_discarding { false }; // inside a frame that spilled over several buffers
    size_t m_rx_next { 0 };  // next descriptor the device will complete
    size_t m_tx_tail { 0 };  // next descriptor we fill (mirrors TDT)
    size_t m_tx_clean { 0 }; // oldest descriptor not yet reclaimed
    E1000Counters m_counters;
};

} // namespace oh::drivers
