// The STM32F7 RNG driver against a register model: samples on DRDY, seed error recovery,
// clock errors and a dead block never hang the caller.
#include <gtest/gtest.h>

#include <vector>

#include "drivers/stm32_rng/stm32_rng.h"
#include "tests/unit/common/reg_file.h"

namespace oh::arm::stm32 {
namespace {

using hw::test::RegFile;

constexpr uint32_t kSr = RngSr::kOffset;
constexpr uint32_t kCr = RngCr::kOffset;
constexpr uint32_t kDrdy = RngSr::Drdy::kMask, kSecs = RngSr::Secs::kMask, kSeis = RngSr::Seis::kMask,
                   kCecs = RngSr::Cecs::kMask, kCeis = RngSr::Ceis::kMask, kRngen = RngCr::Rngen::kMask;

// A working RNG: DRDY while enabled, a counter as the "noise", SR bits scriptable.
struct RngModel {
    RegFile io;
    uint32_t next { 0x11110000 };
    uint32_t faults { 0 }; // SR bits shown until the driver clears SEIS / CEIS
    int restarts { 0 };
    RngModel()
    {
        io.on_read[kSr] = [this](uint32_t) { return (io.regs[kCr] & kRngen ? kDrdy : 0) | faults; };
        io.on_read[kRngDr] = [this](uint32_t) { return next++; };
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

TEST(StmRng, InitializeEnablesWithoutInterrupt)
{
    RngModel m;
    StmRng rng(m.io);
    rng.initialize();
    EXPECT_EQ(m.io.regs[kCr], kRngen);
}

TEST(StmRng, ReadsSamplesWhenReady)
{
    RngModel m;
    StmRng rng(m.io);
    rng.initialize();
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
    StmRng rng(m.io);
    rng.initialize();
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
    StmRng rng(m.io);
    rng.initialize();
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
    StmRng rng(m.io);
    rng.initialize();
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
    RegFile io; // never DRDY
    StmRng rng(io);
    rng.initialize();
    auto r = rng.read();
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error(), Error::Timeout);
    // A block that reads DRDY but only zeros (unclocked) is no source either.
    io.regs[kSr] = kDrdy;
    EXPECT_TRUE(rng.read().is_error());
}

} // namespace
} // namespace oh::arm::stm32
