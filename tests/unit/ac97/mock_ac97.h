// Test double: an ICH AC'97 register file and DMA engine that behaves as QEMU's
// hw/audio/ac97.c does (CIV/PIV/LVI, halting on the last valid entry, W1C status, VRA).
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

#include "drivers/ac97/ac97_regs.h"
#include "drivers/ac97/platform.h"
#include "lib/bytes.h"

namespace ac97_test {

namespace a = oh::ac97;

constexpr uint16_t kNamBase = 0xc000;
constexpr uint16_t kNabmBase = 0xc400;
constexpr uint32_t kPhysBase = 0x00200000;

struct Access {
    bool write;
    int width;
    uint16_t port;
    uint32_t value;
};

class MockAc97 final : public oh::hw::PortIo, public oh::hw::DmaAllocator, public oh::hw::Delay {
public:
    // Codec personality.
    bool has_vra { true };          // Extended Audio ID bit 0
    bool rounds_to_48k { false };   // VRA present but only 48000 accepted
    uint32_t ready_after_us { 0 };  // codec ready this long after cold reset is released
    bool never_ready { false };

    std::vector<Access> log;
    std::vector<uint8_t> memory = std::vector<uint8_t>(64 * 1024);
    uint32_t next_free { 0 };
    uint64_t now_us { 0 };
    uint64_t reset_released_at { ~0ull };

    struct Box {
        uint32_t bdbar { 0 };
        uint8_t civ { 0 }, lvi { 0 }, piv { 0 }, cr { 0 };
        uint16_t sr { a::sr::kDmaHalted }, picb { 0 };
        uint32_t addr { 0 };
        uint32_t ctl_len { 0 };
    } box[3];

    std::map<uint16_t, uint16_t> nam;
    uint32_t glob_cnt { 0 };
    std::vector<int16_t> played;         // samples the "speaker" received (interleaved)
    std::vector<int16_t> mic;            // samples the "microphone" provides (interleaved)
    size_t mic_pos { 0 };

    MockAc97() { mixer_reset(); }

    void mixer_reset()
    {
        nam.clear();
        nam[0x02] = 0x8000; nam[0x0e] = 0x8008; nam[0x18] = 0x8808; nam[0x1c] = 0x8000;
        nam[0x26] = 0x000f;
        nam[0x28] = has_vra ? 0x0809 : 0x0000;
        nam[0x2a] = has_vra ? 0x0009 : 0x0000;
        nam[0x2c] = nam[0x32] = nam[0x34] = 48000;
        nam[0x7c] = 0x8384; nam[0x7e] = 0x7600;
    }

    // --- hw::DmaAllocator / hw::Delay ---
    oh::Result<oh::hw::DmaBuffer> allocate(size_t bytes, size_t alignment, uint64_t limit) override
    {
        // The ICH's bus masters take 32-bit addresses: a driver asking for more is wrong.
        if (limit > oh::hw::kBusLimit32)
            return oh::Error::NoMemory;
        uint32_t start = (next_free + uint32_t(alignment) - 1) & ~(uint32_t(alignment) - 1);
        if (start + bytes > memory.size())
            return oh::Error::NoMemory;
        next_free = start + uint32_t(bytes);
        return oh::hw::DmaBuffer { memory.data() + start, kPhysBase + start, bytes };
    }
    void delay_us(uint32_t us) override { now_us += us; }

    uint8_t* phys(uint32_t p) { return memory.data() + (p - kPhysBase); }

    // --- hw::PortIo ---
    uint8_t in8(uint16_t port) override { return uint8_t(read(port, 1)); }
    uint16_t in16(uint16_t port) override { return uint16_t(read(port, 2)); }
    uint32_t in32(uint16_t port) override { return read(port, 4); }
    void out8(uint16_t port, uint8_t v) override { write(port, 1, v); }
    void out16(uint16_t port, uint16_t v) override { write(port, 2, v); }
    void out32(uint16_t port, uint32_t v) override { write(port, 4, v); }

    bool codec_ready() const { return !never_ready && reset_released_at != ~0ull && now_us >= reset_released_at + ready_after_us; }

    uint32_t read(uint16_t port, int width)
    {
        uint32_t v = read_inner(port, width);
        log.push_back({ false, width, port, v });
        return v;
    }

    uint32_t read_inner(uint16_t port, int width)
    {
        if (port >= kNamBase && port < kNamBase + 256) {
            if (width != 2)
                return 0xffffffffu; // QEMU: only 16-bit mixer accesses
            auto it = nam.find(uint16_t(port - kNamBase));
            return it == nam.end() ? 0 : it->second;
        }
        uint16_t off = uint16_t(port - kNabmBase);
        if (off == 0x2c)
            return glob_cnt;
        if (off == 0x30)
            return (codec_ready() ? a::glob_sta::kPrimaryReady : 0) | irq_status();
        if (off >= 0x30)
            return 0xffffffffu;
        Box& b = box[off >> 4];
        switch (off & 0xf) {
        case 0x0: return b.bdbar;
        case 0x4: return width == 1 ? b.civ : b.civ | (b.lvi << 8) | (uint32_t(b.sr) << 16);
        case 0x5: return b.lvi;
        case 0x6: return b.sr;
        case 0x8: return b.picb;
        case 0xa: return b.piv;
        case 0xb: return b.cr;
        }
        return 0xffffffffu;
    }

    void write(uint16_t port, int width, uint32_t v)
    {
        log.push_back({ true, width, port, v });
        if (port >= kNamBase && port < kNamBase + 256) {
            if (width == 2)
                nam_write(uint16_t(port - kNamBase), uint16_t(v));
            return;
        }
        uint16_t off = uint16_t(port - kNabmBase);
        if (off == 0x2c) {
            bool was_reset = !(glob_cnt & a::glob_cnt::kColdResetDeassert);
            glob_cnt = v;
            if (was_reset && (v & a::glob_cnt::kColdResetDeassert))
                reset_released_at = now_us;
            if (!(v & a::glob_cnt::kColdResetDeassert))
                reset_released_at = ~0ull;
            return;
        }
        if (off >= 0x30)
            return;
        Box& b = box[off >> 4];
        switch (off & 0xf) {
        case 0x0: b.bdbar = v & ~3u; break;
        case 0x5:
            if ((b.cr & a::cr::kRun) && (b.sr & a::sr::kDmaHalted)) {
                b.sr &= uint16_t(~(a::sr::kDmaHalted | a::sr::kCurrentIsLast));
                b.civ = b.piv;
                b.piv = (b.piv + 1) % 32;
                fetch(b);
            }
            b.lvi = uint8_t(v % 32);
            break;
        case 0x6: b.sr &= uint16_t(~(v & a::sr::kWriteClear)); break;
        case 0xb:
            if (v & a::cr::kResetRegisters) {
                uint8_t keep = b.cr & (a::cr::kCompletionIrq | a::cr::kFifoErrorIrq | a::cr::kLastBufferIrq);
                b = Box {};
                b.cr = keep;
            } else {
                b.cr = uint8_t(v & 0x1f);
                if (!(b.cr & a::cr::kRun)) {
                    b.sr |= a::sr::kDmaHalted;
                } else {
                    b.civ = b.piv;
                    b.piv = (b.piv + 1) % 32;
                    fetch(b);
                    b.sr &= uint16_t(~a::sr::kDmaHalted);
                }
            }
            break;
        }
    }

    void nam_write(uint16_t reg, uint16_t v)
    {
        switch (reg) {
        case 0x00: mixer_reset(); break;
        case 0x26: nam[reg] = uint16_t((v & ~0xf) | (nam[reg] & 0xf)); break;
        case 0x28: case 0x7c: case 0x7e: break; // read only
        case 0x2a:
            if (!has_vra)
                v &= uint16_t(~(a::extended::kVra | a::extended::kVrm));
            if (!(v & a::extended::kVra))
                nam[0x2c] = nam[0x32] = 48000;
            nam[reg] = v;
            break;
        case 0x2c: case 0x32:
            if (nam[0x2a] & a::extended::kVra)
                nam[reg] = rounds_to_48k ? 48000 : v;
            break;
        default: nam[reg] = v;
        }
    }

    void fetch(Box& b)
    {
        uint8_t* e = phys(b.bdbar + b.civ * 8u);
        b.addr = oh::load_le32(e) & ~3u;
        b.ctl_len = oh::load_le32(e + 4);
        b.picb = uint16_t(b.ctl_len & 0xffff);
    }

    uint32_t irq_status() const
    {
        static constexpr uint32_t bits[3] = { a::glob_sta::kPcmInIrq, a::glob_sta::kPcmOutIrq, a::glob_sta::kMicInIrq };
        uint32_t s = 0;
        for (int i = 0; i < 3; ++i) {
            const Box& b = box[i];
            if (((b.sr & a::sr::kBufferDone) && (b.cr & a::cr::kCompletionIrq))
                || ((b.sr & a::sr::kLastBufferDone) && (b.cr & a::cr::kLastBufferIrq))
                || ((b.sr & a::sr::kFifoError) && (b.cr & a::cr::kFifoErrorIrq)))
                s |= bits[i];
        }
        return s;
    }
    bool irq_line() const { return irq_status() != 0; }

    // Move `samples` 16-bit samples through a box, as QEMU's transfer_audio does per tick.
    // Returns the samples actually moved (fewer once halted).
    size_t run(a::Box which, size_t samples)
    {
        Box& b = box[uint16_t(which) >> 4];
        bool out = which == a::Box::PcmOut;
        size_t moved = 0;
        while (samples > 0) {
            if ((b.sr & a::sr::kDmaHalted) || !(b.cr & a::cr::kRun)) {
                if (out)
                    played.insert(played.end(), samples, 0); // BUP: silence while halted
                else
                    mic_pos += samples; // the microphone does not wait for us
                return moved;
            }
            size_t n = std::min<size_t>(samples, b.picb);
            for (size_t i = 0; i < n; ++i) {
                uint8_t* p = phys(b.addr);
                if (out) {
                    played.push_back(int16_t(oh::load_le16(p)));
                } else {
                    int16_t s = mic_pos < mic.size() ? mic[mic_pos] : 0;
                    mic_pos++;
                    oh::store_le16(p, uint16_t(s));
                }
                b.addr += 2;
            }
            b.picb = uint16_t(b.picb - n);
            samples -= n;
            moved += n;
            if (b.picb == 0) {
                uint16_t sr = b.sr & uint16_t(~a::sr::kCurrentIsLast);
                if (b.ctl_len & (uint32_t(a::bd::kIoc) << 16))
                    sr |= a::sr::kBufferDone;
                if (b.civ == b.lvi) {
                    sr |= a::sr::kLastBufferDone | a::sr::kDmaHalted | a::sr::kCurrentIsLast;
                    b.sr = sr;
                    continue; // halted: the rest is silence / not captured
                }
                b.civ = b.piv;
                b.piv = (b.piv + 1) % 32;
                fetch(b);
                b.sr = sr;
            }
        }
        return moved;
    }
};

inline a::PciFunction qemu_ac97()
{
    a::PciFunction f;
    f.vendor = 0x8086;
    f.device = 0x2415;
    f.bar[0] = kNamBase | 1;
    f.bar[1] = kNabmBase | 1;
    f.irq_line = 11;
    return f;
}

} // namespace ac97_test
