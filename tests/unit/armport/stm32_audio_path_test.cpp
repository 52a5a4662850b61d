// The Discovery board's audio path as a whole: the SAI2 register model and the WM8994 model
// together under bring_up_audio(), asserting what the hardware would do: MCLK present for
// every codec write, the SAI slots on the codec's timeslots, one sample rate at both ends.
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "drivers/stm32_sai/audio_bringup.h"
#include "port/armv7m/boards/stm32f746g-disco/resample.h"
#include "port/armv7m/soc/stm32f7/clock_tree.h"
#include "sip/media/media_session.h"
#include "tests/unit/armport/sai_model.h"
#include "tests/unit/armport/wm8994_model.h"
#include "tests/unit/common/reg_file.h"

namespace oh::arm::stm32 {
namespace {

using test::sai_block;
using test::sai_mclk_hz;
using test::Wm8994Model;

constexpr uint32_t kMckDiv = 6; // the board's choice; the test checks what it yields
constexpr double kSaiClockHz = double(ClockPlan {}.sai_hz());

struct AudioPathTest : ::testing::Test {
    hw::test::RegFile sai, dma;
    std::unique_ptr<SaiBuffers> buffers = std::make_unique<SaiBuffers>();
    hw::test::FakeBus bus { buffers.get(), sizeof(SaiBuffers) };
    std::optional<SaiAudio> audio;
    Wm8994Model chip;

    AudioPathTest()
    {
        chip.mclk_running = [this] { return mclk_hz() > 0; };
    }
    void SetUp() override
    {
        auto r = SaiAudio::create(sai, dma, bus, 0x40015C00, *buffers, kMckDiv);
        ASSERT_FALSE(r.is_error()) << r.error_info().text();
        audio.emplace(r.release_value());
    }
    double mclk_hz() const { return sai_mclk_hz(sai_block(sai, sai::kBlockA), kSaiClockHz); }
    void bring_up()
    {
        ASSERT_FALSE(bring_up_audio(*audio, chip, chip, {}).is_error()) << chip.dump();
    }
};

TEST_F(AudioPathTest, MclkRunsBeforeTheFirstCodecWrite)
{
    bring_up();
    ASSERT_FALSE(chip.writes.empty());
    EXPECT_TRUE(chip.writes.front().mclk_running) << "the codec's reset is written without MCLK";
    for (auto& w : chip.writes)
        EXPECT_TRUE(w.mclk_running) << "R" << w.reg << " written without MCLK";
}

TEST_F(AudioPathTest, OneSampleRateAtBothEndsAndTwiceThePhonesRate)
{
    bring_up();
    // The SAI master makes FS = MCLK / 256 (RM0385 §33.3.7); the codec takes AIF1CLK = MCLK1
    // and is told AIF1CLK_RATE = 256 fs and AIF1_SR = 16 kHz.
    double fs = mclk_hz() / 256;
    EXPECT_NEAR(fs, 16000, 16000 * 0.001);
    EXPECT_EQ(chip.field(0x0200, "AIF1CLK_SRC"), 0u);          // MCLK1
    EXPECT_EQ(chip.field(0x0210, "AIF1CLK_RATE"), 3u);         // 256 fs
    EXPECT_EQ(chip.field(0x0210, "AIF1_SR"), 3u);              // 16 kHz
    EXPECT_EQ(kSaiRateHz, 16000u);
    // The phone runs 20 ms frames of 8 kHz; the board's resampler halves/doubles the rate.
    EXPECT_EQ(kSaiRateHz, media::kFrameSamples * 50 * Fir16k::kRatio);
    EXPECT_EQ(kSaiHalfSamples, 2 * media::kFrameSamples * Fir16k::kRatio); // stereo, one frame
    // SCK = 64 fs: the frame holds two 32-bit LRCLK halves.
    auto a = sai_block(sai, sai::kBlockA);
    EXPECT_EQ(a.frame_bits(), 64u);
    EXPECT_EQ(a.fs_active_bits(), 32u);
}

TEST_F(AudioPathTest, BlockBReceivesTheTimeslotCarryingDmic2)
{
    bring_up();
    // Which AIF1 timeslot DMIC2 reaches (Table 16: only AIF1 ADC2, timeslot 1).
    ASSERT_EQ(chip.field(0x0004, "DMIC2L_ENA"), 1u);
    ASSERT_EQ(chip.field(0x0608, "ADC2L_TO_AIF1ADC2L"), 1u);
    ASSERT_EQ(chip.field(0x0004, "AIF1ADC2L_ENA"), 1u);
    const int dmic_timeslot = 1;
    auto b = sai_block(sai, sai::kBlockB);
    unsigned half = b.frame_bits() / 2;
    int left = test::aif1_word_start(chip, dmic_timeslot, false, true, half);
    int right = test::aif1_word_start(chip, dmic_timeslot, true, true, half);
    ASSERT_GE(left, 0) << "AIF1 leaves timeslot 1's position open (AIF1ADC1 disabled)";
    std::vector<unsigned> want = { unsigned(left), unsigned(right) };
    EXPECT_EQ(b.data_starts(), want) << "SAI B samples other bits than the DMIC2 words";
    EXPECT_EQ(b.data_bits(), 16u); // AIF1_WL = 16 bits
    EXPECT_EQ(chip.field(0x0300, "AIF1_WL"), 0u);
}

TEST_F(AudioPathTest, BlockATransmitsOnTheTimeslotFeedingDac1)
{
    bring_up();
    ASSERT_EQ(chip.field(0x0601, "AIF1DAC1L_TO_DAC1L"), 1u); // DAC1 takes timeslot 0
    auto a = sai_block(sai, sai::kBlockA);
    unsigned half = a.frame_bits() / 2;
    std::vector<unsigned> want = { unsigned(test::aif1_word_start(chip, 0, false, false, half)),
        unsigned(test::aif1_word_start(chip, 0, true, false, half)) };
    EXPECT_EQ(a.data_starts(), want);
    EXPECT_EQ(a.data_bits(), 16u);
}

TEST_F(AudioPathTest, CodecFailureLeavesTheSaiStopped)
{
    chip.chip_id = 0x1234;
    EXPECT_EQ(bring_up_audio(*audio, chip, chip, {}).error(), Error::NotFound);
    EXPECT_FALSE(sai_block(sai, sai::kBlockA).enabled());
    EXPECT_FALSE(sai_block(sai, sai::kBlockB).enabled());
}

TEST_F(AudioPathTest, NoCodecOnTheBusLeavesTheSaiStopped)
{
    chip.present = false;
    EXPECT_EQ(bring_up_audio(*audio, chip, chip, {}).error(), Error::Refused);
    EXPECT_FALSE(sai_block(sai, sai::kBlockA).enabled());
    EXPECT_FALSE(sai_block(sai, sai::kBlockB).enabled());
    EXPECT_FALSE(dma.regs[dma::stream(dma::kTxStream) + dma::kCr] & dma::kCrEn);
}

} // namespace
} // namespace oh::arm::stm32
