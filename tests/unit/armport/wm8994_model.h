// A register-level WM8994 model for tests, written from the datasheet's field tables (rev 4.4):
// every I2C write is decoded into named fields, reads answer from the register state (reset
// defaults where the datasheet gives them), time passes through its own Delay, and the DC
// servo completes its start-up measurement 86 ms per channel after the trigger ("DC Servo").
#pragma once

#include <stdint.h>

#include <stdio.h>

#include <functional>
#include <stdexcept>
#include <map>
#include <string>
#include <vector>

#include "lib/hw/io.h"

namespace oh::arm::stm32::test {

struct Field {
    const char* name;
    unsigned lsb, width;
};

// Register -> fields, bit positions as the datasheet tables give them (table numbers beside).
inline const std::map<uint16_t, std::vector<Field>>& wm8994_fields()
{
    static const std::map<uint16_t, std::vector<Field>> t = {
        { 0x0000, { { "SW_RESET", 0, 16 } } },
        { 0x0001, { { "BIAS_ENA", 0, 1 }, { "VMID_SEL", 1, 2 }, { "MICB1_ENA", 4, 1 }, { "MICB2_ENA", 5, 1 },
                      { "HPOUT1R_ENA", 8, 1 }, { "HPOUT1L_ENA", 9, 1 }, { "HPOUT2_ENA", 11, 1 },
                      { "SPKOUTL_ENA", 12, 1 }, { "SPKOUTR_ENA", 13, 1 } } }, // Tables 1, 56, 136
        { 0x0004, { { "ADCR_ENA", 0, 1 }, { "ADCL_ENA", 1, 1 }, { "DMIC1R_ENA", 2, 1 }, { "DMIC1L_ENA", 3, 1 },
                      { "DMIC2R_ENA", 4, 1 }, { "DMIC2L_ENA", 5, 1 }, { "AIF1ADC1R_ENA", 8, 1 },
                      { "AIF1ADC1L_ENA", 9, 1 }, { "AIF1ADC2R_ENA", 10, 1 }, { "AIF1ADC2L_ENA", 11, 1 } } }, // 9, 13, 88
        { 0x0005, { { "DAC1R_ENA", 0, 1 }, { "DAC1L_ENA", 1, 1 }, { "AIF1DAC1R_ENA", 8, 1 },
                      { "AIF1DAC1L_ENA", 9, 1 }, { "AIF1DAC2R_ENA", 10, 1 }, { "AIF1DAC2L_ENA", 11, 1 } } }, // 88
        { 0x001C, { { "HPOUT1L_VOL", 0, 6 }, { "HPOUT1L_MUTE_N", 6, 1 }, { "HPOUT1L_ZC", 7, 1 }, { "HPOUT1_VU", 8, 1 } } }, // 63
        { 0x001D, { { "HPOUT1R_VOL", 0, 6 }, { "HPOUT1R_MUTE_N", 6, 1 }, { "HPOUT1R_ZC", 7, 1 }, { "HPOUT1_VU", 8, 1 } } },
        { 0x002D, { { "DAC1L_TO_MIXOUTL", 0, 1 }, { "DAC1L_TO_HPOUT1L", 8, 1 } } }, // 57, 63
        { 0x002E, { { "DAC1R_TO_MIXOUTR", 0, 1 }, { "DAC1R_TO_HPOUT1R", 8, 1 } } },
        { 0x0039, { { "VMID_DISCH", 0, 1 }, { "BIAS_SRC", 1, 1 }, { "STARTUP_BIAS_ENA", 2, 1 },
                      { "VMID_BUF_ENA", 3, 1 }, { "VMID_RAMP", 5, 2 }, { "MICB1_DISCH", 7, 1 } } }, // 134-137
        { 0x004C, { { "CP_ENA", 15, 1 } } }, // 70
        { 0x0054, { { "DCS_ENA_CHAN_0", 0, 1 }, { "DCS_ENA_CHAN_1", 1, 1 }, { "DCS_TRIG_DAC_WR_0", 2, 1 },
                      { "DCS_TRIG_DAC_WR_1", 3, 1 }, { "DCS_TRIG_STARTUP_0", 4, 1 }, { "DCS_TRIG_STARTUP_1", 5, 1 } } }, // 71
        { 0x0060, { { "HPOUT1R_DLY", 1, 1 }, { "HPOUT1R_OUTP", 2, 1 }, { "HPOUT1R_RMV_SHORT", 3, 1 },
                      { "HPOUT1L_DLY", 5, 1 }, { "HPOUT1L_OUTP", 6, 1 }, { "HPOUT1L_RMV_SHORT", 7, 1 } } }, // 56
        { 0x0200, { { "AIF1CLK_ENA", 0, 1 }, { "AIF1CLK_DIV", 1, 1 }, { "AIF1CLK_SRC", 3, 2 } } },
        { 0x0208, { { "SYSCLK_SRC", 0, 1 }, { "SYSDSPCLK_ENA", 1, 1 }, { "AIF1DSPCLK_ENA", 3, 1 } } },
        { 0x0210, { { "AIF1CLK_RATE", 0, 4 }, { "AIF1_SR", 4, 4 } } },
        { 0x0300, { { "AIF1_FMT", 3, 2 }, { "AIF1_WL", 5, 2 }, { "AIF1ADC_TDM", 13, 1 }, { "AIF1ADCR_SRC", 14, 1 },
                      { "AIF1ADCL_SRC", 15, 1 } } }, // 90
        { 0x0302, { { "AIF1_MSTR", 14, 1 }, { "AIF1_TRI", 15, 1 } } }, // 87
        { 0x0404, { { "AIF1ADC2L_VOL", 0, 8 }, { "AIF1ADC2_VU", 8, 1 } } },
        { 0x0405, { { "AIF1ADC2R_VOL", 0, 8 }, { "AIF1ADC2_VU", 8, 1 } } },
        { 0x0411, { { "AIF1ADC2R_HPF", 11, 1 }, { "AIF1ADC2L_HPF", 12, 1 }, { "AIF1ADC2_HPF_CUT", 13, 2 } } }, // 36
        { 0x0420, { { "AIF1DAC1_MUTE", 9, 1 } } },
        { 0x0601, { { "AIF1DAC1L_TO_DAC1L", 0, 1 }, { "AIF1DAC2L_TO_DAC1L", 1, 1 } } }, // 20
        { 0x0602, { { "AIF1DAC1R_TO_DAC1R", 0, 1 }, { "AIF1DAC2R_TO_DAC1R", 1, 1 } } },
        { 0x0608, { { "AIF2DACL_TO_AIF1ADC2L", 0, 1 }, { "ADC2L_TO_AIF1ADC2L", 1, 1 } } }, // 16
        { 0x0609, { { "AIF2DACR_TO_AIF1ADC2R", 0, 1 }, { "ADC2R_TO_AIF1ADC2R", 1, 1 } } },
        { 0x0610, { { "DAC1L_VOL", 0, 8 }, { "DAC1_VU", 8, 1 }, { "DAC1L_MUTE", 9, 1 } } }, // 50
        { 0x0611, { { "DAC1R_VOL", 0, 8 }, { "DAC1_VU", 8, 1 }, { "DAC1R_MUTE", 9, 1 } } },
        { 0x0620, { { "DAC_OSR128", 0, 1 }, { "ADC_OSR128", 1, 1 } } },
    };
    return t;
}

class Wm8994Model final : public hw::I2cBus, public hw::Delay {
public:
    struct Write {
        uint16_t reg, value;
        uint64_t at_us;
        bool mclk_running;
    };
    std::vector<Write> writes;
    std::vector<std::string> errors;         // writes to registers outside the field table
    std::function<bool()> mclk_running;      // set by the test: the SAI's MCLK output
    uint64_t now_us { 0 };
    uint16_t chip_id { 0x8994 }; // datasheet register map: R0 (Software Reset) reads the device ID
    bool present { true };       // false: nothing at 0x1A, every transfer is NACKed
    int nack_after { -1 };
    bool dcs_hangs { false }; // the DC servo never reports completion

    Wm8994Model() { reset(); }

    void reset()
    {
        // Reset defaults from the datasheet tables, for the fields the driver relies on.
        m_regs = { { 0x001C, 0x006D }, { 0x001D, 0x006D }, { 0x0039, 0x0042 }, { 0x0300, 0x4050 },
            { 0x0420, 0x0200 }, { 0x0610, 0x02C0 }, { 0x0611, 0x02C0 }, { 0x0620, 0x0002 } };
        m_dcs_done_at = 0;
        m_dcs_triggered = 0;
    }

    uint16_t reg(uint16_t r) const
    {
        auto it = m_regs.find(r);
        return it == m_regs.end() ? 0 : it->second;
    }
    static unsigned decode(uint16_t r, uint16_t value, const char* name)
    {
        for (const Field& f : wm8994_fields().at(r))
            if (std::string(f.name) == name)
                return (value >> f.lsb) & ((1u << f.width) - 1);
        throw std::logic_error(std::string("no field ") + name);
    }
    unsigned field(uint16_t r, const char* name) const { return decode(r, reg(r), name); }
    // The first write after which `name` reads `want`, or -1.
    int first_write_where(uint16_t r, const char* name, unsigned want) const
    {
        for (size_t i = 0; i < writes.size(); i++)
            if (writes[i].reg == r && decode(r, writes[i].value, name) == want)
                return int(i);
        return -1;
    }
    // The register state as it was just after write `index`.
    uint16_t reg_after(size_t index, uint16_t r) const
    {
        uint16_t v = reset_value(r);
        for (size_t i = 0; i <= index && i < writes.size(); i++)
            if (writes[i].reg == r)
                v = writes[i].value;
        return v;
    }
    unsigned field_after(size_t index, uint16_t r, const char* name) const { return decode(r, reg_after(index, r), name); }
    uint64_t dcs_done_at() const { return m_dcs_done_at; }
    unsigned dcs_triggered() const { return m_dcs_triggered; }

    // hw::Delay
    void delay_us(uint32_t us) override { now_us += us; }

    // hw::I2cBus: 16-bit register address, 16-bit value, both big-endian.
    Result<void> write(uint8_t address, std::span<const uint8_t> b) override
    {
        if (address != 0x1A || b.size() != 4)
            return Error::InvalidArgument;
        if (!present)
            return Error::Refused;
        if (nack_after >= 0 && int(writes.size()) >= nack_after)
            return Error::Refused;
        uint16_t r = uint16_t(b[0] << 8 | b[1]), v = uint16_t(b[2] << 8 | b[3]);
        writes.push_back({ r, v, now_us, mclk_running ? mclk_running() : false });
        if (!wm8994_fields().count(r))
            errors.push_back("write to R" + std::to_string(r) + " outside the field table");
        if (r == 0x0000) {
            reset();
            return {};
        }
        if (r == 0x0054) {
            unsigned trig = decode(r, v, "DCS_TRIG_STARTUP_0") | decode(r, v, "DCS_TRIG_STARTUP_1") << 1;
            if (trig) {
                m_dcs_triggered = trig;
                m_dcs_done_at = now_us + 86'000u * unsigned(__builtin_popcount(trig));
            }
            v &= uint16_t(~0x0030u); // trigger bits are commands, not state
        }
        m_regs[r] = v;
        return {};
    }
    Result<void> write_read(uint8_t address, std::span<const uint8_t> out, std::span<uint8_t> in) override
    {
        if (address != 0x1A || out.size() != 2 || in.size() != 2)
            return Error::InvalidArgument;
        if (!present)
            return Error::Refused;
        uint16_t r = uint16_t(out[0] << 8 | out[1]);
        uint16_t v = reg(r);
        if (r == 0x0000)
            v = chip_id;
        if (r == 0x0058) // DCS_STARTUP_COMPLETE [1:0]
            v = m_dcs_triggered && !dcs_hangs && now_us >= m_dcs_done_at ? uint16_t(m_dcs_triggered) : 0;
        in[0] = uint8_t(v >> 8);
        in[1] = uint8_t(v);
        return {};
    }

    std::string dump() const
    {
        std::string s;
        for (auto& w : writes) {
            char line[64];
            snprintf(line, sizeof line, "  @%8llu us R%u (0x%04x) = 0x%04x:", (unsigned long long)w.at_us, w.reg, w.reg, w.value);
            s += line;
            if (wm8994_fields().count(w.reg))
                for (const Field& f : wm8994_fields().at(w.reg))
                    s += std::string(" ") + f.name + "=" + std::to_string(decode(w.reg, w.value, f.name));
            s += "\n";
        }
        return s;
    }

private:
    uint16_t reset_value(uint16_t r) const
    {
        static const std::map<uint16_t, uint16_t> d = { { 0x001C, 0x006D }, { 0x001D, 0x006D }, { 0x0039, 0x0042 },
            { 0x0300, 0x4050 }, { 0x0420, 0x0200 }, { 0x0610, 0x02C0 }, { 0x0611, 0x02C0 }, { 0x0620, 0x0002 } };
        auto it = d.find(r);
        return it == d.end() ? 0 : it->second;
    }

    std::map<uint16_t, uint16_t> m_regs;
    uint64_t m_dcs_done_at { 0 };
    unsigned m_dcs_triggered { 0 };
};

// AIF1 in I2S with the codec as slave (datasheet "Audio data formats"): the MSB of each word
// comes one BCLK after the LRCLK edge (low = left); with both timeslot pairs enabled the words
// follow each other, timeslot 1 right after timeslot 0 (Figure 59). Returns the bit offset of
// a timeslot's word from the start of the frame, or -1 where the datasheet leaves it open
// (one ADC pair disabled: "the position of remaining data blocks ... may differ").
inline int aif1_word_start(const Wm8994Model& c, int timeslot, bool right, bool adc, unsigned half_bits)
{
    static const unsigned kWl[] = { 16, 20, 24, 32 };
    unsigned wl = kWl[c.field(0x0300, "AIF1_WL")];
    if (c.field(0x0300, "AIF1_FMT") != 2)
        return -1;
    bool ts0 = adc ? c.field(0x0004, "AIF1ADC1L_ENA") || c.field(0x0004, "AIF1ADC1R_ENA")
                   : c.field(0x0005, "AIF1DAC1L_ENA") || c.field(0x0005, "AIF1DAC1R_ENA");
    if (!ts0) // timeslot 0 absent: timeslot 0 carries nothing, timeslot 1's place is open
        return -1;
    return int((right ? half_bits : 0) + 1 + unsigned(timeslot) * wl);
}

} // namespace oh::arm::stm32::test
