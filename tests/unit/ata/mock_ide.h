// A model of one PIIX IDE channel with one disk, on top of the shared PortFile that the ATA
// driver is handed as its hw::PortIo: task-file registers (with the 48-bit "previous byte"
// FIFO), PIO data phases, the bus-master engine walking a PRD table in fake physical memory,
// INTRQ, fault injection. The access log is the PortFile's.
#pragma once

#include "drivers/ata/ata.h"

#include <cstring>
#include <map>
#include <vector>

#include "tests/unit/common/reg_file.h"

namespace oh::ata::test {

class MockIde final : public hw::DmaAllocator {
public:
    static constexpr uint16_t kIo = 0x1f0, kCtl = 0x3f6, kBm = 0xc000;
    static constexpr uint32_t kPhysBase = 0x00200000;

    explicit MockIde(uint64_t sectors, bool lba48 = true, bool dma = true)
        : m_sectors(sectors), m_lba48(lba48), m_dma(dma), m_arena(512 * 1024, 0)
    {
        install_hooks();
        status() = status::kReady;
    }

    hw::test::PortFile io;
    // Registers as the channel holds them (no side effect, not logged).
    uint32_t& bm_command() { return io.regs[kBm]; }
    uint32_t& bm_status() { return io.regs[kBm + 2]; }
    uint32_t& prd_address() { return io.regs[kBm + 4]; }

    // --- hw::DmaAllocator ---
    Result<hw::DmaBuffer> allocate(size_t bytes, size_t alignment, uint64_t limit) override
    {
        // PIIX bus masters take 32-bit addresses: a driver asking for more is wrong.
        if (limit > hw::kBusLimit32)
            return Error::NoMemory;
        size_t at = (m_arena_used + alignment - 1) / alignment * alignment;
        if (at + bytes > m_arena.size())
            return Error::NoMemory;
        m_arena_used = at + bytes;
        return hw::DmaBuffer { m_arena.data() + at, uint64_t(kPhysBase + at), bytes };
    }
    uint8_t* phys_to_cpu(uint32_t phys, size_t len)
    {
        if (phys < kPhysBase || phys - kPhysBase + len > m_arena.size())
            return nullptr;
        return m_arena.data() + (phys - kPhysBase);
    }

    // --- the disk ---
    std::vector<uint8_t>& sector(uint64_t lba)
    {
        auto& s = disk[lba];
        if (s.empty())
            s.assign(512, uint8_t(lba * 7));
        return s;
    }

    std::map<uint64_t, std::vector<uint8_t>> disk;
    // What LBA mid/high read back: the device signature (ATA-6 §9.12; 0x14/0xeb is ATAPI).
    uint8_t signature_mid { 0 }, signature_high { 0 };
    bool irq { false }; // INTRQ
    bool absent { false };
    // Fault injection for the next command: an error bit pattern, or a hang (BSY forever).
    uint8_t fail_status { 0 }, fail_error { 0 };
    bool fail_after_data { false }; // PIO: fail on the last sector instead of at once
    bool hang { false };
    bool dma_bus_error { false };
    uint32_t resets { 0 };
    uint32_t flushes { 0 };
    uint8_t last_command { 0 };
    uint64_t last_lba { 0 };
    uint32_t last_count { 0 };

private:
    enum class Phase { Idle, PioIn, PioOut, DmaWait };

    uint32_t& status() { return io.regs[kIo + 7]; } // what a read of the command port returns
    uint32_t& error() { return io.regs[kIo + 1]; }  // what a read of the features port returns

    void install_hooks()
    {
        // No IDE register is 32 bits wide but the PRD pointer: a dword read is a driver bug.
        for (uint16_t p = kIo + 1; p <= kIo + 7; p++)
            io.widths[p] = 1;
        io.widths[kIo] = 2;
        io.widths[kCtl] = io.widths[kBm] = io.widths[kBm + 2] = 1;
        io.widths[kBm + 4] = 4;
        for (auto& [port, width] : io.widths) // an empty channel floats high
            io.on_read[port] = [this](uint32_t v) { return absent ? 0xffff'ffffu >> (32 - 8 * io.access_width) : v; };
        read_hook(kIo, [this](uint32_t) { return pio_in(); });
        read_hook(kIo + 4, [this](uint32_t) { return uint32_t(signature_mid); });
        read_hook(kIo + 5, [this](uint32_t) { return uint32_t(signature_high); });
        read_hook(kIo + 7, [this](uint32_t v) { irq = false; return v; });
        read_hook(kCtl, [this](uint32_t) { return status(); }); // alternate status: INTRQ stays
        io.on_write[kIo] = [this](uint32_t v) { pio_out(uint16_t(v)); return v; };
        io.on_write[kIo + 1] = [this](uint32_t) { return error(); }; // features: not modelled
        for (uint16_t p = kIo + 2; p <= kIo + 5; p++)
            io.on_write[p] = [this, p](uint32_t v) { m_prev[p - kIo] = uint8_t(io.regs[p]); return v; };
        io.on_write[kIo + 7] = [this](uint32_t v) { command(uint8_t(v)); return status(); };
        io.on_write[kCtl] = [this](uint32_t v) {
            if ((io.regs[kCtl] & control::kSoftReset) && !(v & control::kSoftReset))
                reset();
            return v;
        };
        io.after_write[kBm] = [this](uint32_t v) {
            if ((v & bm::kStart) && m_phase == Phase::DmaWait)
                run_dma();
        };
        io.on_write[kBm + 2] = [this](uint32_t v) { // write 1 to clear [BMIDE rev 1.0 §1.1]
            return bm_status() & ~(v & (bm::kStatusInterrupt | bm::kStatusError));
        };
    }
    template<typename F>
    void read_hook(uint16_t port, F f)
    {
        io.on_read[port] = [this, first = io.on_read[port], f](uint32_t v) { return absent ? first(v) : f(v); };
    }

    uint8_t reg8(uint16_t port) { return uint8_t(io.regs[port]); }

    uint32_t pio_in()
    {
        if (!(status() & status::kDataRequest) || m_phase != Phase::PioIn)
            return 0xffff;
        uint16_t v = uint16_t(m_buf[m_pos * 2] | (m_buf[m_pos * 2 + 1] << 8));
        if (++m_pos == 256)
            sector_done();
        return v;
    }
    void pio_out(uint16_t v)
    {
        if (m_phase != Phase::PioOut || !(status() & status::kDataRequest))
            return;
        m_buf[m_pos * 2] = uint8_t(v);
        m_buf[m_pos * 2 + 1] = uint8_t(v >> 8);
        if (++m_pos == 256)
            sector_done();
    }

    // The PIIX latches the drive's INTRQ rising edge in BMIS.Interrupt [PIIX4 §2.7.9.2].
    void raise()
    {
        bm_status() |= bm::kStatusInterrupt;
        if (!(io.regs[kCtl] & control::kNoInterrupt))
            irq = true;
    }

    void decode(bool ext)
    {
        if (ext) {
            m_lba_now = uint64_t(reg8(kIo + 3)) | (uint64_t(reg8(kIo + 4)) << 8) | (uint64_t(reg8(kIo + 5)) << 16)
                | (uint64_t(m_prev[3]) << 24) | (uint64_t(m_prev[4]) << 32) | (uint64_t(m_prev[5]) << 40);
            m_left = uint32_t(reg8(kIo + 2)) | (uint32_t(m_prev[2]) << 8);
            if (m_left == 0)
                m_left = 65536;
        } else {
            m_lba_now = uint64_t(reg8(kIo + 3)) | (uint64_t(reg8(kIo + 4)) << 8) | (uint64_t(reg8(kIo + 5)) << 16)
                | (uint64_t(reg8(kIo + 6) & 0x0f) << 24);
            m_left = reg8(kIo + 2) ? reg8(kIo + 2) : 256;
        }
        last_lba = m_lba_now;
        last_count = m_left;
    }

    void command(uint8_t c)
    {
        last_command = c;
        if (hang) {
            status() = status::kBusy;
            return;
        }
        if (fail_status && !fail_after_data) {
            status() = uint8_t(status::kReady | fail_status);
            error() = fail_error;
            fail_status = 0;
            raise();
            return;
        }
        error() = 0;
        bool ext = c == cmd::kReadSectorsExt || c == cmd::kWriteSectorsExt || c == cmd::kReadDmaExt || c == cmd::kWriteDmaExt;
        switch (c) {
        case cmd::kFlushCache:
        case cmd::kFlushCacheExt:
            flushes++;
            status() = status::kReady;
            raise();
            return;
        case cmd::kIdentify:
            fill_identify();
            m_phase = Phase::PioIn;
            m_left = 1;
            m_lba_now = ~0ull;
            m_pos = 0;
            status() = status::kReady | status::kDataRequest;
            raise();
            return;
        case cmd::kReadSectors:
        case cmd::kReadSectorsExt:
            decode(ext);
            m_phase = Phase::PioIn;
            load();
            status() = status::kReady | status::kDataRequest;
            raise();
            return;
        case cmd::kWriteSectors:
        case cmd::kWriteSectorsExt:
            decode(ext);
            m_phase = Phase::PioOut;
            m_pos = 0;
            status() = status::kReady | status::kDataRequest; // no interrupt before the first sector
            return;
        case cmd::kReadDma:
        case cmd::kReadDmaExt:
        case cmd::kWriteDma:
        case cmd::kWriteDmaExt:
            decode(ext);
            m_dma_write = c == cmd::kWriteDma || c == cmd::kWriteDmaExt;
            m_phase = Phase::DmaWait;
            status() = status::kReady | status::kBusy;
            if (bm_command() & bm::kStart)
                run_dma();
            return;
        default:
            status() = status::kReady | status::kError;
            error() = error_bits::kAbort;
            raise();
        }
    }

    void load()
    {
        m_pos = 0;
        std::memcpy(m_buf, sector(m_lba_now).data(), 512);
    }

    void sector_done()
    {
        m_pos = 0;
        bool out = m_phase == Phase::PioOut;
        if (out)
            sector(m_lba_now) = std::vector<uint8_t>(m_buf, m_buf + 512);
        m_lba_now++;
        m_left--;
        if (fail_status && fail_after_data) { // a media error at this sector boundary
            m_phase = Phase::Idle;
            status() = uint8_t(status::kReady | fail_status);
            error() = fail_error;
            fail_status = 0;
            raise();
            return;
        }
        if (m_left == 0) {
            // PIO data-in ends with the last word; data-out interrupts once more [ATA-6 §9.7].
            m_phase = Phase::Idle;
            status() = status::kReady;
            if (out)
                raise();
            return;
        }
        if (m_phase == Phase::PioIn)
            load();
        status() = status::kReady | status::kDataRequest;
        raise();
    }

    void run_dma()
    {
        // Walk the PRD table [BMIDE rev 1.0 §1.2].
        for (uint32_t entry = prd_address(); !dma_bus_error;) {
            uint8_t* p = phys_to_cpu(entry, 8);
            if (!p) {
                bm_status() |= bm::kStatusError;
                break;
            }
            uint32_t base = p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24);
            uint32_t bytes = uint32_t(p[4] | (p[5] << 8));
            if (bytes == 0)
                bytes = 65536;
            uint8_t* mem = phys_to_cpu(base, bytes);
            bool read_from_device = bm_command() & bm::kReadFromDevice;
            if (!mem || read_from_device == m_dma_write) {
                bm_status() |= bm::kStatusError;
                break;
            }
            for (uint32_t off = 0; off + 512 <= bytes && m_left > 0; off += 512, m_left--, m_lba_now++) {
                if (m_dma_write)
                    sector(m_lba_now) = std::vector<uint8_t>(mem + off, mem + off + 512);
                else
                    std::memcpy(mem + off, sector(m_lba_now).data(), 512);
            }
            if (p[7] & 0x80)
                break;
            entry += 8;
        }
        if (dma_bus_error)
            bm_status() |= bm::kStatusError;
        m_phase = Phase::Idle;
        status() = status::kReady;
        if (fail_status) {
            status() = uint8_t(status() | fail_status);
            error() = fail_error;
            fail_status = 0;
        }
        raise();
    }

    void reset()
    {
        resets++;
        hang = false;
        m_phase = Phase::Idle;
        status() = status::kReady;
        error() = 0;
        irq = false;
    }

    void fill_identify()
    {
        uint16_t w[256] {};
        w[49] = uint16_t((1 << 9) | (m_dma ? (1 << 8) : 0));
        uint64_t lba28 = m_sectors < (1u << 28) ? m_sectors : (1u << 28) - 1;
        w[60] = uint16_t(lba28);
        w[61] = uint16_t(lba28 >> 16);
        if (m_lba48) {
            w[83] = 1 << 10;
            for (int i = 0; i < 4; i++)
                w[100 + i] = uint16_t(m_sectors >> (16 * i));
        }
        const char* model = "QEMU HARDDISK";
        for (int i = 0; i < 40; i++) {
            char c = i < int(std::strlen(model)) ? model[i] : ' ';
            w[27 + i / 2] = uint16_t(i % 2 ? (w[27 + i / 2] | uint8_t(c)) : (uint8_t(c) << 8));
        }
        const char* serial = "QM00001";
        for (int i = 0; i < 20; i++) {
            char c = i < int(std::strlen(serial)) ? serial[i] : ' ';
            w[10 + i / 2] = uint16_t(i % 2 ? (w[10 + i / 2] | uint8_t(c)) : (uint8_t(c) << 8));
        }
        for (int i = 0; i < 256; i++) {
            m_buf[i * 2] = uint8_t(w[i]);
            m_buf[i * 2 + 1] = uint8_t(w[i] >> 8);
        }
    }

    uint64_t m_sectors;
    bool m_lba48, m_dma;
    std::vector<uint8_t> m_arena;
    size_t m_arena_used { 0 };
    uint8_t m_prev[8] {}; // the task file's "previous" bytes, for LBA48
    uint8_t m_buf[512] {};
    uint32_t m_pos { 0 };
    uint32_t m_left { 0 };
    uint64_t m_lba_now { 0 };
    bool m_dma_write { false };
    Phase m_phase { Phase::Idle };
};

} // namespace oh::ata::test
