// The STM32F7 RNG driver against a register model: samples on DRDY, seed error recovery,
// clock errors and a dead block never hang the caller.
#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "drivers/stm32_rng/stm32_rng.h"
#include "tests/unit/common/reg_file.h"

namespace oh::arm::stm32 {
namespace {

using hw::test::RegFile;

// RM0385 §19.7: RNG_CR at 0x00 (RNGEN bit 2), RNG_SR at 0x04 (DRDY 0, CECS 1, SECS 2,
// CEIS 5, SEIS 6), RNG_DR at 0x08.
constexpr uint32_t kCr = 0x00, kSr = 0x04, kDr = 0x08;
constexpr uint32_t kDrdy = 1u << 0, kCecs = 1u << 1, kSecs = 1u << 2, kCeis = 1u << 5, kSeis = 1u << 6;
constexpr uint32_t kRngen = 1u << 2;

// A working RNG: DRDY while enabled, a counter as the "noise", SR bits scriptable.
struct RngModel {
    RegFile io;
    uint32_t next { 0x11110000 };
    uint32_t faults { 0 }; // SR bits shown until the driver clears SEIS / CEIS
    int restarts { 0 };
    RngModel()
    {
        io.on_read[kSr] = [this](uint32_t) { return (io.regs[kCr] & kRngen ? kDrdy : 0) | faults; };
        io.on_read[kDr] = [this](uint32_t) { return next++; };
        io.on_write[kSr] = [this](uint32_t v) {
            // *IS bits clear on writing 0; a cleared SEIS leaves SECS until the restart.
            if (!(v & kSeis))
                faults &= ~kSeis;
            if (!(v & kCeis))
                faults &= ~(kCeis | kCecs);
            return 0u;
        };
        io.on_write[kCr] = [this](uint32_t v) {
            if ((v & kRngen) && !(io.regs[kCr] & kRngen) && (faults & kSecs)) {
                faults &= ~kSecs; // the restart cleared the stuck source
                restarts++;
            }
            return v;
        };
    }
};

StmRng make(RegFile& io)
{
    auto r = StmRng::create(io);
    if (r.is_error()) {
        ADD_FAILURE() << "create: " << r.error_info().text();
        std::abort(); // no object to hand back
    }
    return r.release_value();
}

TEST(StmRng, CreateEnablesWithoutInterrupt)
{
    RngModel m;
    auto rng = make(m.io);
    EXPECT_EQ(m.io.regs[kCr], kRngen);
    // create() waited for the first sample but left it in RNG_DR.
    EXPECT_EQ(rng.read().value(), 0x11110000u);
}

// create() fails cleanly, without an object, on the faults of RM0385 §19.3 (error management): a clock
// error, a seed error that a restart does not cure, and a block that never makes a sample.
TEST(StmRng, CreateFailsOnClockError)
{
    RngModel m;
    m.faults = kCecs | kCeis; // the RNG clock runs below HCLK / 16
    auto r = StmRng::create(m.io);
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error(), Error::IoError);
}

TEST(StmRng, CreateFailsOnPersistentSeedError)
{
    RngModel m;
    m.io.on_write[kCr] = [](uint32_t v) { return v; }; // restarting does not clear SECS
    m.faults = kSecs | kSeis;
    auto r = StmRng::create(m.io);
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error(), Error::IoError);
}

TEST(StmRng, CreateRecoversFromOneSeedError)
{
    RngModel m;
    m.faults = kSecs | kSeis; // stuck at power-up, cured by the restart
    auto rng = make(m.io);
    EXPECT_EQ(rng.seed_errors(), 1u);
    EXPECT_EQ(m.restarts, 1);
    EXPECT_FALSE(rng.read().is_error());
}

TEST(StmRng, CreateTimesOutOnADeadBlock)
{
    RegFile io; // not clocked: every register reads 0, DRDY never comes
    auto r = StmRng::create(io);
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error(), Error::Timeout);
}

TEST(StmRng, ReadsSamplesWhenReady)
{
    RngModel m;
    auto rng = make(m.io);
    auto a = rng.read();
    auto b = rng.read();
    ASSERT_FALSE(a.is_error());
    ASSERT_FALSE(b.is_error());
    EXPECT_EQ(a.value(), 0x11110000u);
    EXPECT_EQ(b.value(), 0x11110001u);
    uint8_t out[10];
    EXPECT_EQ(rng.gather(out), 10u);
    EXPECT_EQ(out[0], 0x02); // little-endian words, the last one cut
    EXPECT_EQ(out[8], 0x04);
}

TEST(StmRng, SeedErrorRestartsAndDiscards)
{
    RngModel m;
    auto rng = make(m.io);
    m.faults = kSecs | kSeis;
    auto r = rng.read();
    ASSERT_FALSE(r.is_error());
    EXPECT_EQ(rng.seed_errors(), 1u);
    EXPECT_EQ(m.restarts, 1);
    // The samples in the pipeline at the fault were thrown away.
    EXPECT_EQ(r.value(), 0x11110000u + StmRng::kDiscardAfterSeedError);
}

TEST(StmRng, PersistentSeedErrorFails)
{
    RngModel m;
    auto rng = make(m.io);
    m.io.on_write[kCr] = [](uint32_t v) { return v; }; // restarting does not help
    m.faults = kSecs | kSeis;
    auto r = rng.read();
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error(), Error::IoError);
    uint8_t out[8];
    EXPECT_EQ(rng.gather(out), 0u);
}

TEST(StmRng, ClockErrorGivesNoSample)
{
    RngModel m;
    auto rng = make(m.io);
    m.faults = kCecs | kCeis;
    auto r = rng.read();
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error(), Error::IoError);
    EXPECT_EQ(rng.clock_errors(), 1u);
    // Cleared (the model's clock recovers): samples again.
    EXPECT_FALSE(rng.read().is_error());
}

TEST(StmRng, DeadBlockTimesOut)
{
    RngModel m;
    auto rng = make(m.io);
    m.io.on_read[kSr] = [](uint32_t) { return 0u; }; // the block stops: never DRDY again
    auto r = rng.read();
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error(), Error::Timeout);
    // A block that reads DRDY but only zeros (unclocked) is no source either.
    m.io.on_read[kSr] = [](uint32_t) { return kDrdy; };
    m.io.on_read[kDr] = [](uint32_t) { return 0u; };
    EXPECT_TRUE(rng.read().is_error());
}

} // namespace
} // namespace oh::arm::stm32
