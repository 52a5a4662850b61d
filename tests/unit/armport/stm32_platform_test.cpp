// Clock tree order and values, GPIO field updates, and the 16k<->8k FIR converters.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "port/armv7m/soc/stm32f7/clock_tree.h"
#include "port/armv7m/soc/stm32f7/gpio.h"
#include "port/armv7m/boards/stm32f746g-disco/resample.h"
#include "port/armv7m/soc/stm32f7/stm32f7_regs.h"
#include "tests/unit/common/reg_file.h"

namespace oh::arm::stm32 {
namespace {

using hw::test::RegFile;

// Every "ready" bit follows its "on" bit, as the hardware does after a while.
struct ClockModel {
    RegFile rcc, pwr, flash;
    bool hse_works { true };
    ClockModel()
    {
        rcc.on_write[rcc::kCr] = [this](uint32_t v) {
            if ((v & rcc::kCrHseOn) && hse_works)
                v |= rcc::kCrHseRdy;
            if (v & rcc::kCrPllOn)
                v |= rcc::kCrPllRdy;
            if (v & rcc::kCrPllI2sOn)
                v |= rcc::kCrPllI2sRdy;
            return v;
        };
        rcc.on_write[rcc::kCfgr] = [](uint32_t v) { return (v & ~rcc::kCfgrSwsMask) | ((v & 3) << 2); };
        pwr.on_write[pwr::kCr1] = [this](uint32_t v) {
            pwr.regs[pwr::kCsr1] |= (v & pwr::kOden ? pwr::kOdrdy : 0) | (v & pwr::kOdswen ? pwr::kOdswrdy : 0);
            return v;
        };
    }
};

TEST(ClockTree, Reaches216MHzInTheRequiredOrder)
{
    ClockModel m;
    ClockTree tree(m.rcc, m.pwr, m.flash);
    ASSERT_FALSE(tree.configure(ClockPlan {}).is_error());
    EXPECT_EQ(m.rcc.regs[rcc::kPllCfgr], 25u | (432u << 6) | (0u << 16) | rcc::kPllSrcHse | (9u << 24));
    EXPECT_EQ(m.flash.regs[flash::kAcr] & flash::kLatencyMask, 7u);
    EXPECT_EQ(m.rcc.regs[rcc::kCfgr] & 3, rcc::kCfgrSwPll);
    EXPECT_EQ(m.rcc.regs[rcc::kCfgr] & (7u << 10), rcc::kCfgrPpre1Div4);
    EXPECT_EQ(m.rcc.regs[rcc::kCfgr] & (7u << 13), rcc::kCfgrPpre2Div2);
    // Over-drive and wait states are in place before SYSCLK switches to the PLL.
    int switch_at = m.rcc.first_write(rcc::kCfgr, 3, rcc::kCfgrSwPll);
    ASSERT_GE(switch_at, 0);
    EXPECT_TRUE(m.pwr.regs[pwr::kCr1] & pwr::kOdswen);
    EXPECT_EQ(ClockPlan {}.apb1_hz(), 54'000'000u);
    EXPECT_EQ(ClockPlan {}.apb2_hz(), 108'000'000u);
    EXPECT_NEAR(double(ClockPlan {}.sai_hz()) / 12 / 256, 16000.0, 5.0);
    EXPECT_EQ((m.rcc.regs[rcc::kDckCfgr1] & rcc::kDckSai2SelMask), rcc::kDckSai2SelPllI2s);
}

TEST(ClockTree, DeadCrystalTimesOutWithoutSwitching)
{
    ClockModel m;
    m.hse_works = false;
    ClockTree tree(m.rcc, m.pwr, m.flash);
    EXPECT_EQ(tree.configure(ClockPlan {}).error(), Error::Timeout);
    EXPECT_EQ(m.rcc.first_write(rcc::kCfgr, 3, rcc::kCfgrSwPll), -1);
    EXPECT_EQ(m.rcc.first_write(rcc::kPllCfgr, 0, 0), -1);
}

TEST(Gpio, AlternateFunctionTouchesOnlyItsPin)
{
    RegFile port;
    port.regs[gpio::kModer] = 0xA8000000; // PA13-15 debug pins in AF mode after reset
    configure_pin(port, { 9, PinMode::Alternate, 7 });
    configure_pin(port, { 2, PinMode::Alternate, 11, PinType::OpenDrain, PinSpeed::High, PinPull::Up });
    EXPECT_EQ(port.regs[gpio::kModer], 0xA8000000u | (2u << 18) | (2u << 4));
    EXPECT_EQ(port.regs[gpio::kAfrh], 7u << 4);
    EXPECT_EQ(port.regs[gpio::kAfrl], 11u << 8);
    EXPECT_EQ(port.regs[gpio::kOtyper], 1u << 2);
    EXPECT_EQ(port.regs[gpio::kPupdr], 1u << 4);
    EXPECT_EQ(port.regs[gpio::kOspeedr], (3u << 18) | (2u << 4));
    // The function is chosen before the pin leaves its previous mode.
    EXPECT_LT(port.first_write(gpio::kAfrh, 0, 0), port.first_write(gpio::kModer, 0, 0));
}

double rms(const std::vector<int16_t>& v, size_t from, size_t step = 1, size_t offset = 0)
{
    double s = 0;
    size_t n = 0;
    for (size_t i = from + offset; i < v.size(); i += step, n++)
        s += double(v[i]) * v[i];
    return std::sqrt(s / double(n));
}

std::vector<int16_t> stereo_tone(double hz, double amplitude, size_t frames)
{
    std::vector<int16_t> v(2 * frames);
    for (size_t i = 0; i < frames; i++)
        v[2 * i] = v[2 * i + 1] = int16_t(std::lround(amplitude * std::sin(2 * M_PI * hz * double(i) / 16000)));
    return v;
}

TEST(Resample, DecimatorKeepsVoiceBandAndRejectsAliases)
{
    for (auto [hz, min_db, max_db] : { std::tuple { 1000.0, -0.5, 0.5 }, std::tuple { 300.0, -0.5, 0.5 },
                                       std::tuple { 6000.0, -200.0, -40.0 }, std::tuple { 5000.0, -200.0, -25.0 } }) {
        Decimator d;
        auto in = stereo_tone(hz, 10000, 3200);
        std::vector<int16_t> out(1600);
        for (size_t blk = 0; blk < 10; blk++) // in 20 ms halves, like the DMA delivers them
            d.process(std::span<const int16_t>(in).subspan(blk * 640, 640), std::span<int16_t>(out).subspan(blk * 160, 160));
        double gain_db = 20 * std::log10(rms(out, 200) / (10000 / std::sqrt(2.0)));
        EXPECT_GE(gain_db, min_db) << hz;
        EXPECT_LE(gain_db, max_db) << hz;
    }
}

TEST(Resample, InterpolatorRestoresLevelOnBothChannels)
{
    Interpolator ip;
    std::vector<int16_t> in(1600), out(6400);
    for (size_t i = 0; i < in.size(); i++)
        in[i] = int16_t(std::lround(10000 * std::sin(2 * M_PI * 1000 * double(i) / 8000)));
    for (size_t blk = 0; blk < 10; blk++)
        ip.process(std::span<const int16_t>(in).subspan(blk * 160, 160), std::span<int16_t>(out).subspan(blk * 640, 640));
    double left = rms(out, 400, 2, 0), right = rms(out, 400, 2, 1);
    EXPECT_NEAR(20 * std::log10(left / (10000 / std::sqrt(2.0))), 0.0, 0.5);
    EXPECT_EQ(left, right);
    // Full-scale input does not wrap around (saturates instead).
    std::vector<int16_t> loud(160, 32767), o2(640);
    Interpolator ip2;
    ip2.process(loud, o2);
    ip2.process(loud, o2);
    for (int16_t s : o2)
        EXPECT_GT(s, 0);
}

} // namespace
} // namespace oh::arm::stm32
