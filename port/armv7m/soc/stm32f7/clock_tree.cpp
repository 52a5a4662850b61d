// Clock bring-up for 216 MHz (RM0385 §5.3.1-5.3.2 RCC_CR/PLLCFGR, §4.1.4 over-drive).
#include "port/armv7m/soc/stm32f7/clock_tree.h"

#include "port/armv7m/soc/stm32f7/stm32f7_regs.h"

namespace oh::arm::stm32 {

Result<void> ClockTree::wait(hw::Mmio& io, uint32_t reg, uint32_t mask, uint32_t value)
{
    for (uint32_t i = 0; i < kPollLimit; i++)
        if ((io.read32(reg) & mask) == value)
            return {};
    return Error::Timeout;
}

Result<void> ClockTree::configure(const ClockPlan& p)
{
    using namespace rcc;
    m_rcc.modify32(kApb1Enr, 0, kApb1PwrEn);
    m_rcc.modify32(kCr, 0, kCrHseOn);
    TRY(wait(m_rcc, kCr, kCrHseRdy, kCrHseRdy));

    // RM0385 §5.3.2: PLLP is encoded (P/2 - 1).
    m_rcc.write32(kPllCfgr, p.pll_m | (p.pll_n << 6) | ((p.pll_p / 2 - 1) << 16) | kPllSrcHse | (p.pll_q << 24));
    m_pwr.modify32(pwr::kCr1, 0, pwr::kVosScale1);
    m_rcc.modify32(kCr, 0, kCrPllOn);
    TRY(wait(m_rcc, kCr, kCrPllRdy, kCrPllRdy));

    // §4.1.4: over-drive is required above 180 MHz; enable, then switch.
    m_pwr.modify32(pwr::kCr1, 0, pwr::kOden);
    TRY(wait(m_pwr, pwr::kCsr1, pwr::kOdrdy, pwr::kOdrdy));
    m_pwr.modify32(pwr::kCr1, 0, pwr::kOdswen);
    TRY(wait(m_pwr, pwr::kCsr1, pwr::kOdswrdy, pwr::kOdswrdy));

    m_flash.write32(flash::kAcr, p.flash_wait_states | flash::kPrften | flash::kArten);
    TRY(wait(m_flash, flash::kAcr, flash::kLatencyMask, p.flash_wait_states));

    // AHB /1 (216), APB1 /4 (54 MHz, max 54), APB2 /2 (108 MHz, max 108).
    m_rcc.write32(kCfgr, kCfgrPpre1Div4 | kCfgrPpre2Div2);
    m_rcc.modify32(kCfgr, 3, kCfgrSwPll);
    TRY(wait(m_rcc, kCfgr, kCfgrSwsMask, kCfgrSwsPll));

    // PLLI2S for SAI2 (§5.3.23): N [14:6], Q [27:24]; SAI2 takes PLLI2S_Q (§5.3.25).
    m_rcc.write32(kPllI2sCfgr, (p.plli2s_n << 6) | (p.plli2s_q << 24) | (2u << 28));
    m_rcc.modify32(kCr, 0, kCrPllI2sOn);
    TRY(wait(m_rcc, kCr, kCrPllI2sRdy, kCrPllI2sRdy));
    m_rcc.modify32(kDckCfgr1, kDckSai2SelMask, kDckSai2SelPllI2s);
    return {};
}

void ClockTree::enable_peripherals()
{
    using namespace rcc;
    // GPIOA..GPIOK clocks, DTCM, DMA2 and the Ethernet MAC with its two DMA ports; the RNG.
    m_rcc.modify32(kAhb1Enr, 0, 0x7ffu | kAhb1DtcmEn | kAhb1Dma2En | kAhb1EthMacEn | kAhb1EthTxEn | kAhb1EthRxEn);
    m_rcc.modify32(kAhb2Enr, 0, kAhb2RngEn);
    m_rcc.modify32(kApb1Enr, 0, kApb1I2c3En);
    m_rcc.modify32(kApb2Enr, 0, kApb2Usart1En | kApb2SyscfgEn | kApb2Sai2En);
    (void)m_rcc.read32(kApb2Enr); // RM0385 §5.2.12: a read-back delays until the clock runs
}

} // namespace oh::arm::stm32
