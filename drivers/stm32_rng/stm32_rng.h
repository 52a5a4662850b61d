// STM32F7 true random number generator (RM0385 §19): 32-bit samples from an analog noise
// source, with the peripheral's seed and clock error detection, as an entropy source.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/crypto/entropy_source.h"
#include "lib/hw/reg.h"
#include "lib/result.h"

namespace oh::arm::stm32 {

// RM0385 §19.7.1 RNG_CR.
struct RngCr : hw::Reg32<RngCr, 0x00> {
    using Rngen = hw::Field<2>;
    using Ie = hw::Field<3>;
    using Reg32::Reg32;
};
// RM0385 §19.7.2 RNG_SR: the *IS bits are sticky (cleared by writing 0), the *CS bits follow
// the current condition.
struct RngSr : hw::Reg32<RngSr, 0x04> {
    using Drdy = hw::Field<0>;
    using Cecs = hw::Field<1>; // RNG clock below HCLK / 16
    using Secs = hw::Field<2>; // noise source stuck (64 equal bits or 32 alternations)
    using Ceis = hw::Field<5>;
    using Seis = hw::Field<6>;
    using Reg32::Reg32;
};
constexpr uint32_t kRngDr = 0x08; // RM0385 §19.7.3 RNG_DR: a fresh 32-bit sample per read

class StmRng final : public crypto::EntropySource {
public:
    // A sample takes 42 RNG clocks (0.9 us from the 48 MHz PLLQ clock); a register read over
    // AHB2 takes a few CPU cycles, so this bounds a wait to well over 10 samples' time.
    static constexpr uint32_t kPollLimit = 4000;
    // After a seed error the next samples may come from the stuck source: discard this many.
    static constexpr int kDiscardAfterSeedError = 12;

    // An enabled RNG that has produced its first sample, or why not: IoError on a clock
    // error or a seed error a restart did not cure, Timeout when DRDY never comes (the
    // block is not clocked). The first sample stays in RNG_DR for the first read().
    // The RNG's clock (RCC_AHB2ENR.RNGEN, CK48 from PLLQ) must already run.
    static Result<StmRng> create(hw::Mmio& io);
    // One sample. Timeout: DRDY never came; IoError: a clock error (the RNG clock is too slow
    // for these samples to be trusted) or a seed error this call could not recover from.
    Result<uint32_t> read();
    // Whole samples into `out` (a partial last word too); stops at the first failure.
    size_t gather(std::span<uint8_t> out) override;

    uint32_t seed_errors() const { return m_seed_errors; }
    uint32_t clock_errors() const { return m_clock_errors; }

private:
    constexpr explicit StmRng(hw::Mmio& io) : m_io(io) { }
    // One look at RNG_SR: true when a sample is ready, false to poll again (also right after
    // recovering from a first seed error), an error for a fault that makes samples untrusted.
    Result<bool> poll_ready(bool& recovered);
    void recover_from_seed_error();

    hw::Mmio& m_io;
    uint32_t m_seed_errors { 0 };
    uint32_t m_clock_errors { 0 };
};

} // namespace oh::arm::stm32
