// Test double: an ICH AC'97 controller and codec on top of the shared PortFile, behaving as
// QEMU's hw/audio/ac97.c does (CIV/PIV/LVI, halting on the last valid entry, W1C status, VRA).
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "drivers/ac97/ac97_regs.h"
#include "drivers/ac97/platform.h"
#include "lib/bytes.h"
#include "tests/unit/common/reg_file.h"

namespace ac97_test {

namespace a = oh::ac97;

constexpr uint16_t kNamBase = 0xc000;
constexpr uint16_t kNabmBase = 0xc400;
constexpr uint32_t kPhysBase = 0x00200000;

// `io` is what the driver is handed: NAM (the codec's mixer registers, 16-bit only) and NABM
// (three bus-master boxes and the global registers). The hooks installed on it are the
// device; the DMA engines' current buffer address and length are the only state outside it.
class MockAc97 final : public oh::hw::DmaAllocator, public oh::hw::Delay {
public:
    // Codec personality.
    bool has_vra { true };          // Extended Audio ID bit 0
    bool rounds_to_48k { false };   // VRA present but only 48000 accepted
    uint32_t ready_after_us { 0 };  // codec ready this long after cold reset is released
    bool never_ready { false };

    oh::hw::test::PortFile io;
    std::vector<uint8_t> memory = std::vector<uint8_t>(64 * 1024);
    uint32_t next_free { 0 };
    uint64_t now_us { 0 };
    uint64_t reset_released_at { ~0ull };

    std::vector<int16_t> played;         // samples the "speaker" received (interleaved)
    std::vector<int16_t> mic;            // samples the "microphone" provides (interleaved)
    size_t mic_pos { 0 };

    // One box's registers, as references into `io.regs` (ICH §11.2.1-11.2.7).
    struct BoxRegs {
        uint32_t &bdbar, &civ, &lvi, &sr, &picb, &piv, &cr;
    };
    BoxRegs box(a::Box b)
    {
        auto r = [&](a::BoxReg reg) -> uint32_t& { return io.regs[uint16_t(kNabmBase + a::nabm(b, reg))]; };
        return { r(a::BoxReg::Bdbar), r(a::BoxReg::Civ), r(a::BoxReg::Lvi), r(a::BoxReg::Sr),
            r(a::BoxReg::Picb), r(a::BoxReg::Piv), r(a::BoxReg::Cr) };
    }
    uint32_t& nam(uint16_t reg) { return io.regs[uint16_t(kNamBase + reg)]; }

    MockAc97()
    {
        for (a::Box b : kBoxes) {
            box(b).sr = a::sr::kDmaHalted;
            install_box(b);
        }
        install_global();
        install_mixer();
        mixer_reset();
    }

    void mixer_reset()
    {
        io.regs.erase(io.regs.lower_bound(kNamBase), io.regs.lower_bound(kNamBase + 256));
        nam(0x02) = 0x8000; nam(0x0e) = 0x8008; nam(0x18) = 0x8808; nam(0x1c) = 0x8000;
        nam(0x26) = 0x000f;
        nam(0x28) = has_vra ? 0x0809 : 0x0000;
        nam(0x2a) = has_vra ? 0x0009 : 0x0000;
        nam(0x2c) = nam(0x32) = nam(0x34) = 48000;
        nam(0x7c) = 0x8384; nam(0x7e) = 0x7600;
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

    bool codec_ready() const { return !never_ready && reset_released_at != ~0ull && now_us >= reset_released_at + ready_after_us; }

    uint32_t irq_status()
    {
        static constexpr uint32_t bits[3] = { a::glob_sta::kPcmInIrq, a::glob_sta::kPcmOutIrq, a::glob_sta::kMicInIrq };
        uint32_t s = 0;
        for (a::Box which : kBoxes) {
            BoxRegs b = box(which);
            if (((b.sr & a::sr::kBufferDone) && (b.cr & a::cr::kCompletionIrq))
                || ((b.sr & a::sr::kLastBufferDone) && (b.cr & a::cr::kLastBufferIrq))
                || ((b.sr & a::sr::kFifoError) && (b.cr & a::cr::kFifoErrorIrq)))
                s |= bits[uint16_t(which) >> 4];
        }
        return s;
    }
    bool irq_line() { return irq_status() != 0; }

    // Move `samples` 16-bit samples through a box, as QEMU's transfer_audio does per tick.
    // Returns the samples actually moved (fewer once halted).
    size_t run(a::Box which, size_t samples)
    {
        BoxRegs b = box(which);
        Engine& e = engine(which);
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
                uint8_t* p = phys(e.addr);
                if (out) {
                    played.push_back(int16_t(oh::load_le16(p)));
                } else {
                    int16_t s = mic_pos < mic.size() ? mic[mic_pos] : 0;
                    mic_pos++;
                    oh::store_le16(p, uint16_t(s));
                }
                e.addr += 2;
            }
            b.picb = uint16_t(b.picb - n);
            samples -= n;
            moved += n;
            if (b.picb == 0) {
                uint32_t sr = b.sr & ~uint32_t(a::sr::kCurrentIsLast);
                if (e.ctl_len & (uint32_t(a::bd::kIoc) << 16))
                    sr |= a::sr::kBufferDone;
                if (b.civ == b.lvi) {
                    sr |= a::sr::kLastBufferDone | a::sr::kDmaHalted | a::sr::kCurrentIsLast;
                    b.sr = sr;
                    continue; // halted: the rest is silence / not captured
                }
                advance(which);
                b.sr = sr;
            }
        }
        return moved;
    }

private:
    static constexpr a::Box kBoxes[3] = { a::Box::PcmIn, a::Box::PcmOut, a::Box::MicIn };
    struct Engine {
        uint32_t addr { 0 };
        uint32_t ctl_len { 0 };
    } m_engine[3];
    Engine& engine(a::Box b) { return m_engine[uint16_t(b) >> 4]; }

    static uint16_t port(a::Box b, a::BoxReg r) { return uint16_t(kNabmBase + a::nabm(b, r)); }

    // The prefetched entry becomes current, and its address and length are loaded.
    void advance(a::Box which)
    {
        BoxRegs b = box(which);
        Engine& e = engine(which);
        b.civ = b.piv;
        b.piv = (b.piv + 1) % 32;
        uint8_t* entry = phys(b.bdbar + b.civ * 8u);
        e.addr = oh::load_le32(entry) & ~3u;
        e.ctl_len = oh::load_le32(entry + 4);
        b.picb = uint16_t(e.ctl_len & 0xffff);
    }

    void install_box(a::Box which)
    {
        auto keep = [this](uint16_t p) { return [this, p](uint32_t) { return io.regs[p]; }; }; // read only
        io.on_write[port(which, a::BoxReg::Bdbar)] = [](uint32_t v) { return v & ~3u; };
        // CIV, LVI and SR answer one dword read together (ICH §11.2.2).
        io.on_read[port(which, a::BoxReg::Civ)] = [this, which](uint32_t civ) {
            BoxRegs b = box(which);
            return io.access_width == 1 ? civ : civ | (b.lvi << 8) | (b.sr << 16);
        };
        io.on_write[port(which, a::BoxReg::Civ)] = keep(port(which, a::BoxReg::Civ));
        io.on_write[port(which, a::BoxReg::Picb)] = keep(port(which, a::BoxReg::Picb));
        io.on_write[port(which, a::BoxReg::Piv)] = keep(port(which, a::BoxReg::Piv));
        io.on_write[port(which, a::BoxReg::Lvi)] = [this, which](uint32_t v) {
            BoxRegs b = box(which);
            if ((b.cr & a::cr::kRun) && (b.sr & a::sr::kDmaHalted)) { // a new last entry restarts a halted engine
                b.sr &= ~uint32_t(a::sr::kDmaHalted | a::sr::kCurrentIsLast);
                advance(which);
            }
            return v % 32;
        };
        io.on_write[port(which, a::BoxReg::Sr)] = [this, which](uint32_t v) {
            return box(which).sr & ~(v & a::sr::kWriteClear);
        };
        io.on_write[port(which, a::BoxReg::Cr)] = [this, which](uint32_t v) { return control(which, v); };
    }

    // What x_CR holds after a write (ICH §11.2.7).
    uint32_t control(a::Box which, uint32_t v)
    {
        BoxRegs b = box(which);
        if (v & a::cr::kResetRegisters) {
            uint32_t keep = b.cr & (a::cr::kCompletionIrq | a::cr::kFifoErrorIrq | a::cr::kLastBufferIrq);
            b.bdbar = b.civ = b.lvi = b.piv = b.picb = 0;
            b.sr = a::sr::kDmaHalted;
            engine(which) = Engine {};
            return keep;
        }
        uint32_t cr = v & 0x1f;
        if (!(cr & a::cr::kRun)) {
            b.sr |= a::sr::kDmaHalted;
        } else {
            b.cr = cr; // advance() reads the new state
            advance(which);
            b.sr &= ~uint32_t(a::sr::kDmaHalted);
        }
        return cr;
    }

    void install_global()
    {
        uint16_t cnt = kNabmBase + uint16_t(a::Nabm::GlobalControl);
        uint16_t sta = kNabmBase + uint16_t(a::Nabm::GlobalStatus);
        io.on_write[cnt] = [this, cnt](uint32_t v) {
            bool was_reset = !(io.regs[cnt] & a::glob_cnt::kColdResetDeassert);
            if (was_reset && (v & a::glob_cnt::kColdResetDeassert))
                reset_released_at = now_us;
            if (!(v & a::glob_cnt::kColdResetDeassert))
                reset_released_at = ~0ull;
            return v;
        };
        io.on_read[sta] = [this](uint32_t) { return (codec_ready() ? a::glob_sta::kPrimaryReady : 0) | irq_status(); };
        io.on_write[sta] = [](uint32_t) { return 0u; };
    }

    void install_mixer()
    {
        for (uint16_t r = 0; r < 256; ++r)
            io.widths[uint16_t(kNamBase + r)] = 2; // QEMU: only 16-bit mixer accesses
        auto on = [this](uint16_t reg, auto f) { io.on_write[uint16_t(kNamBase + reg)] = f; };
        on(0x00, [this](uint32_t) { mixer_reset(); return 0u; });
        on(0x26, [this](uint32_t v) { return (v & ~0xfu) | (nam(0x26) & 0xf); });
        for (uint16_t ro : { 0x28, 0x7c, 0x7e })
            on(ro, [this, ro](uint32_t) { return nam(ro); });
        on(0x2a, [this](uint32_t v) {
            if (!has_vra)
                v &= ~uint32_t(a::extended::kVra | a::extended::kVrm);
            if (!(v & a::extended::kVra))
                nam(0x2c) = nam(0x32) = 48000;
            return v;
        });
        for (uint16_t rate : { 0x2c, 0x32 })
            on(rate, [this, rate](uint32_t v) {
                if (!(nam(0x2a) & a::extended::kVra))
                    return nam(rate);
                return rounds_to_48k ? 48000u : v;
            });
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
