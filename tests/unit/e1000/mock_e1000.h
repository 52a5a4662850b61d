// A register-level model of the 82540EM/82574L for hosted tests, built on the shared RegFile:
// its hooks are the side effects the driver relies on (self-clearing reset, EERD, ICR read-
// or write-to-clear, IMS/IMC), and "hardware" consumes TX descriptors and fills RX
// descriptors through fake DMA memory.
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memory>
#include <vector>

#include "drivers/net/e1000_regs.h"
#include "lib/hw/io.h"
#include "tests/unit/common/reg_file.h"

namespace e1000test {

using namespace oh::drivers;
using namespace oh::drivers::e1000;
namespace hw = oh::hw;
using Bytes = std::vector<uint8_t>;

// DMA memory with made-up bus addresses, so the model must translate exactly as a device would.
class FakeDma final : public hw::DmaAllocator {
public:
    oh::Result<hw::DmaBuffer> allocate(size_t size, size_t alignment, uint64_t limit) override
    {
        uint64_t at = (m_next_bus + alignment - 1) / alignment * alignment;
        if (fail || at + size - 1 > limit)
            return oh::Error::NoMemory;
        void* p = aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
        memset(p, 0xcc, size); // garbage, as fresh memory would be
        m_next_bus = (m_next_bus + alignment - 1) / alignment * alignment;
        Region r { static_cast<uint8_t*>(p), m_next_bus, size };
        m_next_bus += size + 0x10000;
        m_regions.push_back(r);
        m_owned.emplace_back(p, &free);
        return hw::DmaBuffer { r.cpu, r.bus, size };
    }
    // The device side: bus address to memory, or null for an address nobody allocated.
    uint8_t* translate(uint64_t bus, size_t length)
    {
        for (const Region& r : m_regions)
            if (bus >= r.bus && bus + length <= r.bus + r.size)
                return r.cpu + (bus - r.bus);
        bad_dma++;
        return nullptr;
    }
    bool fail { false };
    int bad_dma { 0 };
    size_t allocations() const { return m_regions.size(); }

private:
    struct Region {
        uint8_t* cpu;
        uint64_t bus;
        size_t size;
    };
    uint64_t m_next_bus { 0x1'2340'0000ull }; // above 4 GiB: RDBAH/TDBAH must be right
    std::vector<Region> m_regions;
    std::vector<std::unique_ptr<void, decltype(&free)>> m_owned;
};

// The device on top of the shared register file: `io` is what the driver is handed, and its
// hooks are the 82540EM/82574L side effects; everything else reads and writes `io.regs`.
class MockE1000 {
public:
    explicit MockE1000(FakeDma& dma)
        : m_dma(dma)
    {
        install_hooks();
        power_on();
    }

    // --- the "hardware" side ---

    // Power-on defaults (82540EM SDM 13.4: most registers reset to 0; RAL/RAH hold the
    // EEPROM address as the device loads it at power-up).
    void power_on()
    {
        io.regs.clear();
        io.regs[uint32_t(Reg::Ral0)] = uint32_t(eeprom[0]) | (uint32_t(eeprom[1]) << 16);
        io.regs[uint32_t(Reg::Rah0)] = eeprom[2] | kRahAddressValid;
    }

    // A register's content as the device holds it (no side effect, not counted as an access).
    uint32_t& reg(Reg r) { return io.regs[uint32_t(r)]; }
    bool interrupt_asserted() { return (reg(Reg::Icr) & reg(Reg::Ims)) != 0; }

    void process_tx()
    {
        if (!(reg(Reg::Tctl) & tctl::kEnable))
            return;
        uint32_t count = reg(Reg::Tdlen) / 16;
        uint64_t base = uint64_t(reg(Reg::Tdbah)) << 32 | reg(Reg::Tdbal);
        uint32_t head = reg(Reg::Tdh);
        uint32_t tail = reg(Reg::Tdt);
        while (count && head != tail) {
            auto* d = reinterpret_cast<TxDescriptor*>(m_dma.translate(base + head * 16ull, 16));
            if (!d)
                return;
            uint8_t* data = m_dma.translate(d->buffer, d->length);
            if (data) {
                pending_frame.insert(pending_frame.end(), data, data + d->length);
                if (d->command & tx_command::kEndOfPacket) {
                    transmitted.push_back(pending_frame);
                    pending_frame.clear();
                }
            }
            if (d->command & tx_command::kReportStatus)
                d->status |= tx_status::kDone | tx_collision_status;
            head = (head + 1) % count;
            reg(Reg::Icr) |= irq::kTxDescWritten;
        }
        reg(Reg::Tdh) = head;
    }

    // A frame arrives from the wire. Returns false when it was missed (no descriptor).
    bool inject_rx(const Bytes& frame, uint8_t errors = 0)
    {
        if (!(reg(Reg::Rctl) & rctl::kEnable))
            return false;
        uint32_t count = reg(Reg::Rdlen) / 16;
        uint64_t base = uint64_t(reg(Reg::Rdbah)) << 32 | reg(Reg::Rdbal);
        size_t offset = 0;
        do {
            uint32_t head = reg(Reg::Rdh);
            if (count == 0 || head == reg(Reg::Rdt)) {
                // 82540EM SDM 3.2.6: no free descriptor, the frame is lost and counted.
                reg(Reg::Mpc)++;
                reg(Reg::Icr) |= irq::kRxOverrun;
                return false;
            }
            auto* d = reinterpret_cast<RxDescriptor*>(m_dma.translate(base + head * 16ull, 16));
            size_t chunk = std::min<size_t>(frame.size() - offset, 2048);
            uint8_t* buffer = d ? m_dma.translate(d->buffer, chunk) : nullptr;
            if (!buffer)
                return false;
            memcpy(buffer, frame.data() + offset, chunk);
            offset += chunk;
            d->length = uint16_t(chunk);
            d->errors = errors;
            d->status = rx_status::kDone | (offset == frame.size() ? rx_status::kEndOfPacket : 0);
            reg(Reg::Rdh) = (head + 1) % count;
        } while (offset < frame.size());
        reg(Reg::Icr) |= irq::kRxTimer;
        return true;
    }

    void set_link(bool up)
    {
        link = up;
        reg(Reg::Icr) |= irq::kLinkStatusChange;
    }

    oh::hw::test::RegFile io;
    uint16_t eeprom[64] { 0x5452, 0x1200, 0x5634 }; // QEMU's default MAC 52:54:00:12:34:56
    bool link { true };
    bool eerd_works { true };
    bool model_82574 { false }; // QEMU's e1000e: 82574L EERD layout, ICR cleared by writing it
    bool reset_stuck { false };
    bool tx_paused { false };
    uint8_t tx_collision_status { 0 };
    int resets { 0 };
    Bytes pending_frame;
    std::vector<Bytes> transmitted;

private:
    void install_hooks()
    {
        auto at = [](Reg r) { return uint32_t(r); };
        io.on_read[at(Reg::Icr)] = [this](uint32_t v) {
            if (!model_82574) // the 82574L keeps its causes until written back (the harder case)
                reg(Reg::Icr) = 0;
            return v;
        };
        io.on_write[at(Reg::Icr)] = [this](uint32_t v) { return reg(Reg::Icr) & ~v; }; // write 1 to clear
        io.on_write[at(Reg::Ics)] = [this](uint32_t v) { reg(Reg::Icr) |= v; return v; };
        io.on_write[at(Reg::Ims)] = [this](uint32_t v) { return reg(Reg::Ims) | v; };
        io.on_write[at(Reg::Imc)] = [this](uint32_t v) { reg(Reg::Ims) &= ~v; return v; };
        io.on_read[at(Reg::Status)] = [this](uint32_t) {
            return link ? (status::kLinkUp | status::kFullDuplex | (2u << status::kSpeedShift)) : 0;
        };
        io.on_read[at(Reg::Ctrl)] = [this](uint32_t v) { return reset_stuck ? v | ctrl::kReset : v; };
        io.on_write[at(Reg::Ctrl)] = [this](uint32_t v) {
            if (v & ctrl::kReset) {
                resets++;
                power_on();
                v &= ~ctrl::kReset; // self-clearing
            }
            return v;
        };
        io.on_read[at(Reg::Mpc)] = [this](uint32_t v) { reg(Reg::Mpc) = 0; return v; }; // read to clear
        io.on_write[at(Reg::Eerd)] = [this](uint32_t v) { return eerd(v); };
        io.after_write[at(Reg::Tdt)] = [this](uint32_t) {
            if (!tx_paused)
                process_tx();
        };
    }

    // A read completes at once: what EERD holds afterwards.
    uint32_t eerd(uint32_t value)
    {
        if (!(value & eerd::kStart) || !eerd_works)
            return value;
        // 82540EM SDM Table 13-7 / 82574L datasheet 10.2.2.9: address and DONE differ.
        uint32_t word = model_82574 ? (value >> 2) & 0x3fff : (value >> eerd::kAddressShift) & 0xff;
        if (word >= 64 && model_82574)
            return value; // an address past the EEPROM never completes
        uint16_t data = word < 64 ? eeprom[word] : 0xffff;
        uint32_t done = model_82574 ? (1u << 1) : eerd::kDone;
        return (value & ~eerd::kStart & 0xffff) | done | (uint32_t(data) << eerd::kDataShift);
    }

    FakeDma& m_dma;
};

} // namespace e1000test
