// WM8994 bring-up against a register-level model of the codec (fields from the datasheet), and
// the STM32 I2C master against its registers.
#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "port/armv7m/soc/stm32f7/i2c.h"
#include "drivers/wm8994/wm8994.h"
#include "tests/unit/common/reg_file.h"
#include "tests/unit/armport/wm8994_model.h"

namespace oh::arm::stm32 {
namespace {

using hw::test::RegFile;

using test::Wm8994Model;

// Register numbers as the datasheet's register map names them.
constexpr uint16_t R1 = 0x0001, R4 = 0x0004, R5 = 0x0005, R28 = 0x001C, R29 = 0x001D, R45 = 0x002D,
                   R46 = 0x002E, R57 = 0x0039, R76 = 0x004C, R84 = 0x0054, R96 = 0x0060, R512 = 0x0200,
                   R520 = 0x0208, R528 = 0x0210, R1028 = 0x0404, R1029 = 0x0405, R1041 = 0x0411,
                   R1056 = 0x0420, R1537 = 0x0601, R1538 = 0x0602, R1544 = 0x0608, R1545 = 0x0609,
                   R1552 = 0x0610, R1553 = 0x0611, R1568 = 0x0620;

struct CodecTest : ::testing::Test {
    Wm8994Model chip;
    std::optional<Wm8994> codec;
    Result<Wm8994> create(int db = -6) { return Wm8994::create(chip, chip, { .headphone_db = db }); }
    void bring_up(int db = -6)
    {
        auto r = create(db);
        ASSERT_FALSE(r.is_error()) << r.error_info().text() << "\n" << chip.dump();
        codec.emplace(r.release_value());
        EXPECT_TRUE(chip.errors.empty()) << chip.errors.front();
    }
    // Table 65: PGA code 0 is -57 dB, 1 dB per step.
    int hp_db(uint16_t reg, const char* field) const { return int(chip.field(reg, field)) - 57; }
};

TEST_F(CodecTest, HeadphonesEndUnmutedAtTheRequestedLevel)
{
    bring_up(-6);
    EXPECT_EQ(chip.field(R28, "HPOUT1L_MUTE_N"), 1u) << "HPOUT1L PGA muted\n" << chip.dump();
    EXPECT_EQ(chip.field(R29, "HPOUT1R_MUTE_N"), 1u) << "HPOUT1R PGA muted";
    EXPECT_EQ(hp_db(R28, "HPOUT1L_VOL"), -6);
    EXPECT_EQ(hp_db(R29, "HPOUT1R_VOL"), -6);
    // Both channels latched together: the last volume write carries HPOUT1_VU.
    int last = -1;
    for (size_t i = 0; i < chip.writes.size(); i++)
        if (chip.writes[i].reg == R28 || chip.writes[i].reg == R29)
            last = int(i);
    ASSERT_GE(last, 0);
    EXPECT_EQ(Wm8994Model::decode(chip.writes[last].reg, chip.writes[last].value, "HPOUT1_VU"), 1u);
    // Out-of-range requests clamp to the PGA's ends and stay unmuted.
    ASSERT_FALSE(codec->set_headphone_volume(200).is_error());
    EXPECT_EQ(hp_db(R28, "HPOUT1L_VOL"), 6);
    ASSERT_FALSE(codec->set_headphone_volume(-200).is_error());
    EXPECT_EQ(hp_db(R29, "HPOUT1R_VOL"), -57);
    EXPECT_EQ(chip.field(R29, "HPOUT1R_MUTE_N"), 1u);
}

TEST_F(CodecTest, PlaybackPathRunsFromAif1Timeslot0ToTheHeadphones)
{
    bring_up();
    // Clocks: SYSCLK from AIF1CLK from MCLK1, DSP clocks on.
    EXPECT_EQ(chip.field(R512, "AIF1CLK_SRC"), 0u);
    EXPECT_EQ(chip.field(R512, "AIF1CLK_ENA"), 1u);
    EXPECT_EQ(chip.field(R520, "SYSCLK_SRC"), 0u);
    EXPECT_EQ(chip.field(R520, "SYSDSPCLK_ENA"), 1u);
    EXPECT_EQ(chip.field(R520, "AIF1DSPCLK_ENA"), 1u);
    EXPECT_EQ(chip.field(R1, "VMID_SEL"), 1u); // 2 x 40k, normal operation (Table 136)
    EXPECT_EQ(chip.field(R1, "BIAS_ENA"), 1u);
    EXPECT_EQ(chip.field(R57, "BIAS_SRC"), 0u) << "still on the start-up bias";
    for (const char* ch : { "L", "R" }) {
        std::string c(ch);
        uint16_t mixer = c == "L" ? R1537 : R1538, vol = c == "L" ? R1552 : R1553, out = c == "L" ? R45 : R46;
        EXPECT_EQ(chip.field(R5, ("AIF1DAC1" + c + "_ENA").c_str()), 1u) << ch;
        EXPECT_EQ(chip.field(mixer, ("AIF1DAC1" + c + "_TO_DAC1" + c).c_str()), 1u) << ch;
        EXPECT_EQ(chip.field(R5, ("DAC1" + c + "_ENA").c_str()), 1u) << ch;
        EXPECT_EQ(chip.field(vol, ("DAC1" + c + "_MUTE").c_str()), 0u) << ch;
        EXPECT_NEAR(0.375 * (int(chip.field(vol, ("DAC1" + c + "_VOL").c_str())) - 192), 0.0, 0.01) << ch;
        // HPOUT1 PGA input: DAC1 directly, or MIXOUT with DAC1 mixed in (Table 63).
        bool direct = chip.field(out, ("DAC1" + c + "_TO_HPOUT1" + c).c_str());
        EXPECT_TRUE(direct || chip.field(out, ("DAC1" + c + "_TO_MIXOUT" + c).c_str())) << ch;
        EXPECT_EQ(chip.field(R1, ("HPOUT1" + c + "_ENA").c_str()), 1u) << ch;
        for (const char* stage : { "_DLY", "_OUTP", "_RMV_SHORT" })
            EXPECT_EQ(chip.field(R96, ("HPOUT1" + c + stage).c_str()), 1u) << ch << stage;
    }
    EXPECT_EQ(chip.field(R1056, "AIF1DAC1_MUTE"), 0u);
    EXPECT_EQ(chip.field(R76, "CP_ENA"), 1u);
}

// Table 54 with the DC servo at step 4 ("DC Servo": all other stages enabled, no signal).
TEST_F(CodecTest, HeadphoneStartUpFollowsTable54WithTheDcServo)
{
    bring_up();
    int ena = chip.first_write_where(R1, "HPOUT1L_ENA", 1);
    int dly = chip.first_write_where(R96, "HPOUT1L_DLY", 1);
    int dcs = -1;
    for (size_t i = 0; i < chip.writes.size(); i++)
        if (chip.writes[i].reg == R84 && Wm8994Model::decode(R84, chip.writes[i].value, "DCS_TRIG_STARTUP_0"))
            dcs = int(i);
    int outp = chip.first_write_where(R96, "HPOUT1L_OUTP", 1);
    int unshort = chip.first_write_where(R96, "HPOUT1L_RMV_SHORT", 1);
    int unmute = chip.first_write_where(R1056, "AIF1DAC1_MUTE", 0);
    ASSERT_GE(ena, 0);
    ASSERT_GE(dcs, 0) << "the DC servo start-up is never triggered\n" << chip.dump();
    EXPECT_EQ(chip.dcs_triggered(), 3u) << "both channels";
    EXPECT_EQ(chip.field_after(ena, R1, "HPOUT1R_ENA"), 1u);
    EXPECT_LT(ena, dly);
    EXPECT_GE(chip.writes[dly].at_us - chip.writes[ena].at_us, 20u) << "step 2: 20 us";
    EXPECT_LT(dly, dcs);
    // At the trigger: the path is up to the intermediate stage, powered, clocked and silent.
    EXPECT_EQ(chip.field_after(dcs, R96, "HPOUT1R_DLY"), 1u);
    EXPECT_EQ(chip.field_after(dcs, R96, "HPOUT1L_OUTP"), 0u);
    EXPECT_EQ(chip.field_after(dcs, R96, "HPOUT1L_RMV_SHORT"), 0u);
    EXPECT_EQ(chip.field_after(dcs, R76, "CP_ENA"), 1u);
    EXPECT_EQ(chip.field_after(dcs, R5, "DAC1L_ENA"), 1u);
    EXPECT_EQ(chip.field_after(dcs, R520, "SYSDSPCLK_ENA"), 1u);
    EXPECT_EQ(chip.field_after(dcs, R1, "VMID_SEL"), 1u);
    EXPECT_EQ(chip.field_after(dcs, R1056, "AIF1DAC1_MUTE"), 1u) << "audio present during the measurement";
    // Step 5 only once the servo has finished (86 ms per channel).
    ASSERT_GT(outp, dcs);
    EXPECT_GE(chip.writes[outp].at_us, chip.dcs_done_at());
    EXPECT_GE(unshort, outp);
    EXPECT_GT(unmute, unshort);
}

TEST_F(CodecTest, VmidRampsSoftlyOnTheStartUpBias)
{
    bring_up();
    int vmid = chip.first_write_where(R1, "VMID_SEL", 1);
    ASSERT_GE(vmid, 0);
    EXPECT_GE(chip.field_after(vmid, R57, "VMID_RAMP"), 2u) << "soft start (Table 137)";
    EXPECT_EQ(chip.field_after(vmid, R57, "STARTUP_BIAS_ENA"), 1u);
    EXPECT_EQ(chip.field_after(vmid, R57, "BIAS_SRC"), 1u);
    EXPECT_LT(vmid, chip.first_write_where(R1, "HPOUT1L_ENA", 1));
    EXPECT_LT(vmid, chip.first_write_where(R76, "CP_ENA", 1));
}

TEST_F(CodecTest, MicrophonesReachAif1Timeslot1WithBiasAndAVoiceHighPass)
{
    bring_up();
    // "Digital Microphone Interface": the DMIC pins need MICBIAS1.
    EXPECT_EQ(chip.field(R1, "MICB1_ENA"), 1u);
    for (const char* ch : { "L", "R" }) {
        std::string c(ch);
        EXPECT_EQ(chip.field(R4, ("DMIC2" + c + "_ENA").c_str()), 1u) << ch;
        EXPECT_EQ(chip.field(c == "L" ? R1544 : R1545, ("ADC2" + c + "_TO_AIF1ADC2" + c).c_str()), 1u) << ch;
        EXPECT_EQ(chip.field(R4, ("AIF1ADC2" + c + "_ENA").c_str()), 1u) << ch;
        EXPECT_EQ(chip.field(R1041, ("AIF1ADC2" + c + "_HPF").c_str()), 1u) << ch;
        EXPECT_NEAR(0.375 * (int(chip.field(c == "L" ? R1028 : R1029, ("AIF1ADC2" + c + "_VOL").c_str())) - 192), 0.0, 0.01);
    }
    // Table 37 at 16 kHz: 00 = 1.3 Hz (hi-fi), 01 = 127, 10 = 258, 11 = 532 Hz.
    ASSERT_EQ(chip.field(R528, "AIF1_SR"), 3u) << "16 kHz";
    const double cut_16k[] = { 1.3, 127, 258, 532 };
    double fc = cut_16k[chip.field(R1041, "AIF1ADC2_HPF_CUT")];
    EXPECT_GE(fc, 50.0) << "a DC blocker only, not a voice high-pass";
    EXPECT_LE(fc, 300.0) << "cuts into the telephone band";
    // Table 10 (ADC_OSR128 = 1, its default): 16 kHz at 256 fs gives DMICCLK = 2.048 MHz.
    EXPECT_EQ(chip.field(R1568, "ADC_OSR128"), 1u);
    EXPECT_EQ(chip.field(R528, "AIF1CLK_RATE"), 3u) << "256 fs";
}

TEST_F(CodecTest, WrongChipFailsCreateRightAfterTheReset)
{
    chip.chip_id = 0x8958; // a WM8958 (R0 reads its own ID): another register map
    EXPECT_EQ(create().error(), Error::NotFound);
    ASSERT_EQ(chip.writes.size(), 1u);
    EXPECT_EQ(chip.writes[0].reg, 0x0000); // the reset, nothing powered
    chip.chip_id = 0xffff;                  // SDA stuck high
    chip.writes.clear();
    EXPECT_EQ(create().error(), Error::NotFound);
    EXPECT_EQ(chip.writes.size(), 1u);
}

TEST_F(CodecTest, NoCodecOnTheBusFailsCreate)
{
    chip.present = false; // nothing acknowledges address 0x1A
    EXPECT_EQ(create().error(), Error::Refused);
    EXPECT_TRUE(chip.writes.empty());
}

TEST_F(CodecTest, DcServoThatNeverFinishesFailsCreateAndTheOutputStaysShorted)
{
    chip.dcs_hangs = true;
    EXPECT_EQ(create().error(), Error::Timeout);
    EXPECT_EQ(chip.field(R96, "HPOUT1L_OUTP"), 0u);
    EXPECT_EQ(chip.field(R96, "HPOUT1L_RMV_SHORT"), 0u);
}

TEST_F(CodecTest, BusErrorPropagates)
{
    chip.nack_after = 5;
    EXPECT_EQ(create().error(), Error::Refused);
    EXPECT_EQ(chip.writes.size(), 5u);
    chip.nack_after = -1;
    chip.writes.clear();
    bring_up();
    chip.nack_after = 0;
    EXPECT_EQ(codec->set_headphone_volume(0).error(), Error::Refused);
}

// An I2C peripheral model: transmit/receive always ready, STOP after the last byte.
struct I2cModel : RegFile {
    std::vector<uint8_t> sent;
    std::deque<uint8_t> to_read;
    bool nack { false };
    I2cModel()
    {
        on_read[StmI2c::kIsr] = [this](uint32_t) {
            return nack ? StmI2c::kIsrNackf
                        : StmI2c::kIsrTxis | StmI2c::kIsrRxne | StmI2c::kIsrTc | StmI2c::kIsrStopf;
        };
        on_write[StmI2c::kTxdr] = [this](uint32_t v) { sent.push_back(uint8_t(v)); return v; };
        on_read[StmI2c::kRxdr] = [this](uint32_t) {
            uint8_t b = to_read.empty() ? 0xee : to_read.front();
            if (!to_read.empty())
                to_read.pop_front();
            return uint32_t(b);
        };
    }
};

TEST(StmI2c, WriteProgramsAddressCountAndAutoEnd)
{
    I2cModel regs;
    StmI2c i2c(regs);
    i2c.initialize();
    EXPECT_EQ(regs.regs[StmI2c::kTimingr], StmI2c::kTiming100k);
    EXPECT_TRUE(regs.regs[StmI2c::kCr1] & StmI2c::kCr1Pe);
    const uint8_t bytes[] = { 0x02, 0x10, 0x00, 0x33 };
    ASSERT_FALSE(i2c.write(0x1A, bytes).is_error());
    uint32_t cr2 = regs.regs[StmI2c::kCr2];
    EXPECT_EQ(cr2 & 0x3ff, 0x34u); // 7-bit address in SADD[7:1]
    EXPECT_EQ((cr2 >> 16) & 0xff, 4u);
    EXPECT_TRUE(cr2 & StmI2c::kCr2Autoend);
    EXPECT_FALSE(cr2 & StmI2c::kCr2RdWrn);
    EXPECT_EQ(regs.sent, std::vector<uint8_t>(bytes, bytes + 4));
}

TEST(StmI2c, WriteReadUsesRepeatedStart)
{
    I2cModel regs;
    StmI2c i2c(regs);
    regs.to_read = { 0x89, 0x94 };
    const uint8_t reg[] = { 0x00, 0x00 };
    uint8_t in[2];
    ASSERT_FALSE(i2c.write_read(0x1A, reg, in).is_error());
    EXPECT_EQ(in[0], 0x89);
    EXPECT_EQ(in[1], 0x94);
    std::vector<uint32_t> cr2;
    for (auto& [off, v] : regs.writes)
        if (off == StmI2c::kCr2)
            cr2.push_back(v);
    ASSERT_EQ(cr2.size(), 2u);
    EXPECT_FALSE(cr2[0] & StmI2c::kCr2Autoend); // write phase ends with TC, not STOP
    EXPECT_TRUE(cr2[1] & StmI2c::kCr2RdWrn);
    EXPECT_TRUE(cr2[1] & StmI2c::kCr2Start);
}

TEST(StmI2c, NackIsRefusedAndCleared)
{
    I2cModel regs;
    regs.nack = true;
    StmI2c i2c(regs);
    const uint8_t b[] = { 1, 2 };
    EXPECT_EQ(i2c.write(0x1A, b).error(), Error::Refused);
    EXPECT_GE(regs.first_write(StmI2c::kIcr, StmI2c::kIsrNackf, StmI2c::kIsrNackf), 0);
    EXPECT_EQ(i2c.write(0x1A, {}).error(), Error::InvalidArgument);
}

} // namespace
} // namespace oh::arm::stm32
