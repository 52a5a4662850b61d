// A register-level model of the 82540EM for hosted tests: a register file with the side
// effects the driver relies on (self-clearing reset, EERD, read-to-clear ICR, IMS/IMC), and
// "hardware" that consumes TX descriptors and fills RX descriptors through fake DMA memory.
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <map>
#include <memory>
#include <vector>

#include "drivers/net/e1000_regs.h"
#include "lib/hw/io.h"

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

class MockE1000 final : public hw::Mmio {
public:
    explicit MockE1000(FakeDma& dma)
        : m_dma(dma)
    {
        power_on();
    }

    uint32_t read32(uint32_t offset) override
    {
        reads++;
        switch (Reg(offset)) {
        case Reg::Icr: {
            uint32_t v = icr;
            if (!model_82574) // the 82574L keeps its causes until written back (the harder case)
                icr = 0;
            return v;
        }
        case Reg::Ims:
            return ims;
        case Reg::Status:
            return link ? (status::kLinkUp | status::kFullDuplex | (2u << status::kSpeedShift)) : 0;
        case Reg::Ctrl:
            if (reset_stuck)
                return regs[offset] | ctrl::kReset;
            return regs[offset];
        case Reg::Mpc: {
            uint32_t v = missed;
            missed = 0;
            return v;
        }
        default:
            return regs[offset];
        }
    }

    void write32(uint32_t offset, uint32_t value) override
    {
        writes++;
        switch (Reg(offset)) {
        case Reg::Ctrl:
            if (value & ctrl::kReset) {
                resets++;
                power_on();
                value &= ~ctrl::kReset; // self-clearing
            }
            regs[offset] = value;
            return;
        case Reg::Eerd:
            regs[offset] = value;
            if ((value & eerd::kStart) && eerd_works) {
                // 82540EM SDM Table 13-7 / 82574L datasheet 10.2.2.9: address and DONE differ.
                uint32_t word = model_82574 ? (value >> 2) & 0x3fff : (value >> eerd::kAddressShift) & 0xff;
                uint16_t data = word < 64 ? eeprom[word] : 0xffff;
                if (word >= 64 && model_82574)
                    return; // an address past the EEPROM never completes
                uint32_t done = model_82574 ? (1u << 1) : eerd::kDone;
                regs[offset] = (value & ~eerd::kStart & 0xffff) | done | (uint32_t(data) << eerd::kDataShift);
            }
            return;
        case Reg::Icr:
            icr &= ~value; // write 1 to clear
            return;
        case Reg::Ics:
            icr |= value;
            return;
        case Reg::Ims:
            ims |= value;
            return;
        case Reg::Imc:
            ims &= ~value;
            return;
        case Reg::Tdt:
            regs[offset] = value;
            if (!tx_paused)
                process_tx();
            return;
        default:
            regs[offset] = value;
            return;
        }
    }

    // --- the "hardware" side ---

    // Power-on defaults (82540EM SDM 13.4: most registers reset to 0; RAL/RAH hold the
    // EEPROM address as the device loads it at power-up).
    void power_on()
    {
        regs.clear();
        ims = 0;
        icr = 0;
        regs[uint32_t(Reg::Ral0)] = uint32_t(eeprom[0]) | (uint32_t(eeprom[1]) << 16);
        regs[uint32_t(Reg::Rah0)] = eeprom[2] | kRahAddressValid;
    }

    uint32_t reg(Reg r) { return regs[uint32_t(r)]; }
    bool interrupt_asserted() const { return (icr & ims) != 0; }

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
            icr |= irq::kTxDescWritten;
        }
        regs[uint32_t(Reg::Tdh)] = head;
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
                missed++;
                icr |= irq::kRxOverrun;
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
            regs[uint32_t(Reg::Rdh)] = (head + 1) % count;
        } while (offset < frame.size());
        icr |= irq::kRxTimer;
        return true;
    }

    void set_link(bool up)
    {
        link = up;
        icr |= irq::kLinkStatusChange;
    }

    std::map<uint32_t, uint32_t> regs;
    uint16_t eeprom[64] { 0x5452, 0x1200, 0x5634 }; // QEMU's default MAC 52:54:00:12:34:56
    uint32_t icr { 0 };
    uint32_t ims { 0 };
    uint32_t missed { 0 };
    bool link { true };
    bool eerd_works { true };
    bool model_82574 { false }; // QEMU's e1000e: 82574L EERD layout, ICR cleared by writing it
    bool reset_stuck { false };
    bool tx_paused { false };
    uint8_t tx_collision_status { 0 };
    int resets { 0 };
    uint64_t reads { 0 };
    uint64_t writes { 0 };
    Bytes pending_frame;
    std::vector<Bytes> transmitted;

private:
    FakeDma& m_dma;
};

} // namespace e1000test
