// Intel 82540EM (e1000) driver core: reset, MAC from the EEPROM, legacy RX/TX descriptor
// rings, interrupt causes, link state and counters. Reaches hardware only through Mmio and
// DmaAllocator, so it runs unchanged against a mock register file on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "drivers/net/e1000_regs.h"
#include "lib/result.h"

namespace oh::e1000 {

class Mmio {
public:
    virtual uint32_t read32(uint32_t offset) = 0;
    virtual void write32(uint32_t offset, uint32_t value) = 0;

protected:
    ~Mmio() = default;
};

struct DmaBuffer {
    void* cpu { nullptr };
    uint64_t physical { 0 };
    size_t size { 0 };
};

class DmaAllocator {
public:
    // Zeroed, physically contiguous, aligned to `alignment`.
    virtual Result<DmaBuffer> allocate(size_t bytes, size_t alignment) = 0;

protected:
    ~DmaAllocator() = default;
};

class Delay {
public:
    virtual void delay_us(uint32_t us) = 0;

protected:
    ~Delay() = default;
};

struct Counters {
    uint64_t rx_frames { 0 };
    uint64_t rx_bytes { 0 };
    uint64_t rx_errors { 0 };     // descriptors with error bits or not a whole frame
    uint64_t rx_dropped { 0 };    // frames too big for the caller's buffer
    uint64_t rx_overruns { 0 };   // RXO interrupts: the ring was full
    uint64_t tx_frames { 0 };
    uint64_t tx_bytes { 0 };
    uint64_t tx_dropped { 0 };    // ring full or frame too big
    uint64_t link_changes { 0 };
    uint64_t irqs { 0 };
};

// What handle_irq() saw (ICR bits, 82540EM SDM 13.4.17).
struct IrqEvents {
    uint32_t cause { 0 };
    bool ours() const { return cause != 0; }
    bool rx() const { return cause & (irq::kRxt0 | irq::kRxdmt0 | irq::kRxo); }
    bool tx() const { return cause & (irq::kTxdw | irq::kTxqe); }
    bool link() const { return cause & irq::kLsc; }
};

class E1000 {
public:
    static constexpr size_t kRxDescriptors = 32;
    static constexpr size_t kTxDescriptors = 16;
    static constexpr size_t kBufferSize = 2048;

    static bool probe(uint16_t vendor, uint16_t device);
    static Result<E1000> create(Mmio& mmio, DmaAllocator& dma, Delay& delay);

    Result<void> initialize();
    // Read and acknowledge the interrupt causes (ICR clears on read); safe in IRQ context.
    IrqEvents handle_irq();

    // Copies `frame` (no FCS) into the next TX buffer. NoSpace when the ring is full.
    Result<void> transmit(std::span<const uint8_t> frame);
    // Copies the next received frame into `out`; 0 when none is waiting.
    size_t receive(std::span<uint8_t> out);

    const uint8_t* mac() const { return m_mac; }
    bool link_up();
    const Counters& counters() const { return m_counters; }

private:
    E1000(Mmio& mmio, DmaAllocator& dma, Delay& delay) : m_mmio(mmio), m_dma(dma), m_delay(delay) { }

    uint32_t read(Reg r) { return m_mmio.read32(uint32_t(r)); }
    void write(Reg r, uint32_t v) { m_mmio.write32(uint32_t(r), v); }
    Result<void> reset();
    Result<uint16_t> eeprom_read(uint8_t word);
    Result<void> read_mac();
    Result<void> setup_rx();
    Result<void> setup_tx();
    void reclaim_tx();

    Mmio& m_mmio;
    DmaAllocator& m_dma;
    Delay& m_delay;
    uint8_t m_mac[6] {};
    DmaBuffer m_rx_ring;
    DmaBuffer m_tx_ring;
    DmaBuffer m_rx_buffers;
    DmaBuffer m_tx_buffers;
    uint32_t m_rx_next { 0 };  // next descriptor software reads
    uint32_t m_tx_tail { 0 };  // next descriptor software fills
    uint32_t m_tx_clean { 0 }; // oldest descriptor not yet reclaimed
    Counters m_counters;
    bool m_last_link { false };
};

} // namespace oh::e1000
