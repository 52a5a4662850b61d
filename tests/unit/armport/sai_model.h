// Decoding of the STM32F7 SAI block registers for tests, from RM0385 §33.5 field definitions:
// what MCLK a master block outputs and where in the frame each enabled slot's data sits.
#pragma once

#include <stdint.h>

#include <vector>

#include "tests/unit/common/reg_file.h"

namespace oh::arm::stm32::test {

inline uint32_t bits(uint32_t v, unsigned lsb, unsigned width) { return (v >> lsb) & ((1u << width) - 1); }

struct SaiBlockView {
    uint32_t cr1, frcr, slotr;
    unsigned mode() const { return bits(cr1, 0, 2); }        // 0 master tx, 1 master rx, 2 slave tx, 3 slave rx
    bool master() const { return mode() < 2; }
    bool enabled() const { return bits(cr1, 16, 1); }         // SAIEN
    unsigned data_bits() const                               // DS [7:5]: 100 = 16 bits
    {
        static const unsigned ds[] = { 0, 0, 8, 10, 16, 20, 24, 32 };
        return ds[bits(cr1, 5, 3)];
    }
    unsigned mckdiv() const { return bits(cr1, 20, 4); }
    bool nodiv() const { return bits(cr1, 19, 1); }
    unsigned frame_bits() const { return bits(frcr, 0, 8) + 1; }  // FRL
    unsigned fs_active_bits() const { return bits(frcr, 8, 7) + 1; } // FSALL
    bool fs_one_bit_early() const { return bits(frcr, 18, 1); }    // FSOFF
    unsigned slot_bits() const                                     // SLOTSZ [7:6]
    {
        unsigned sz = bits(slotr, 6, 2);
        return sz == 0 ? data_bits() : sz == 1 ? 16 : 32;
    }
    unsigned slots() const { return bits(slotr, 8, 4) + 1; }       // NBSLOT
    uint32_t slot_enable() const { return bits(slotr, 16, 16); }   // SLOTEN
    // Frame bit (from the FS edge) where each enabled slot's first data bit is, in slot order.
    std::vector<unsigned> data_starts() const
    {
        std::vector<unsigned> v;
        for (unsigned s = 0; s < slots(); s++)
            if (slot_enable() & (1u << s))
                v.push_back((fs_one_bit_early() ? 1 : 0) + s * slot_bits() + bits(slotr, 0, 5));
        return v;
    }
};

inline SaiBlockView sai_block(const hw::test::RegFile& r, uint32_t block)
{
    auto get = [&](uint32_t off) {
        auto it = r.regs.find(block + off);
        return it == r.regs.end() ? 0u : it->second;
    };
    return { get(0x00), get(0x08), get(0x0C) };
}

// RM0385 §33.3.7: MCLK = SAI_CK / (2 * MCKDIV) (MCKDIV = 0 divides by 1), output while the
// master block is enabled.
inline double sai_mclk_hz(const SaiBlockView& a, double sai_ck_hz)
{
    if (!a.master() || !a.enabled() || a.nodiv())
        return 0;
    return a.mckdiv() == 0 ? sai_ck_hz : sai_ck_hz / (2.0 * a.mckdiv());
}

} // namespace oh::arm::stm32::test
