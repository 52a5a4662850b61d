// STM32F746 clock tree: 25 MHz HSE -> PLL -> 216 MHz SYSCLK with over-drive (RM0385 §5).
#pragma once

#include <stdint.h>

#include "lib/result.h"
#include "lib/hw/io.h"

namespace oh::arm::stm32 {

// The board table: what the crystal is and what we derive from it.
struct ClockPlan {
    uint32_t hse_hz { 25'000'000 };
    uint32_t pll_m { 25 };     // VCO input 1 MHz (RM0385 §5.3.2: 1-2 MHz, 2 MHz lowers jitter)
    uint32_t pll_n { 432 };    // VCO 432 MHz
    uint32_t pll_p { 2 };      // SYSCLK 216 MHz
    uint32_t pll_q { 9 };      // 48 MHz for USB/SDMMC and the RNG (CK48)
    // PLLI2S feeds SAI2: 1 MHz * 344 / 7 = 49.14 MHz; SAI MCKDIV 6 -> MCLK 4.096 MHz = 256 x 16 kHz.
    uint32_t plli2s_n { 344 };
    uint32_t plli2s_q { 7 };
    uint32_t flash_wait_states { 7 }; // RM0385 Table 5: 210-216 MHz at 2.7-3.6 V

    constexpr uint32_t sysclk_hz() const { return hse_hz / pll_m * pll_n / pll_p; }
    constexpr uint32_t apb1_hz() const { return sysclk_hz() / 4; }
    constexpr uint32_t apb2_hz() const { return sysclk_hz() / 2; }
    constexpr uint32_t sai_hz() const { return hse_hz / pll_m * plli2s_n / plli2s_q; }
};
static_assert(ClockPlan {}.sysclk_hz() == 216'000'000);

class ClockTree {
public:
    static constexpr uint32_t kPollLimit = 1'000'000;

    ClockTree(hw::Mmio& rcc, hw::Mmio& pwr, hw::Mmio& flash) : m_rcc(rcc), m_pwr(pwr), m_flash(flash) { }

    // Order matters (RM0385 §4.1.4, §3.3.2): HSE, PLL, over-drive, more flash wait states,
    // bus prescalers, and only then switch SYSCLK to the PLL.
    Result<void> configure(const ClockPlan& plan);
    // Peripheral clock gates used by the board.
    void enable_peripherals();

private:
    Result<void> wait(hw::Mmio& io, uint32_t reg, uint32_t mask, uint32_t value);

    hw::Mmio& m_rcc;
    hw::Mmio& m_pwr;
    hw::Mmio& m_flash;
};

} // namespace oh::arm::stm32
