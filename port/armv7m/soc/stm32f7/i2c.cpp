// I2C master transfers with NBYTES/AUTOEND (RM0385 §30.4.8): NACK aborts with Refused.
#include "port/armv7m/soc/stm32f7/i2c.h"

namespace oh::arm::stm32 {

void StmI2c::initialize()
{
    m_io.write32(kCr1, 0);
    m_io.write32(kTimingr, kTiming100k);
    m_io.write32(kCr1, kCr1Pe);
}

Result<void> StmI2c::wait_flag(uint32_t flag)
{
    for (uint32_t i = 0; i < kPollLimit; i++) {
        uint32_t isr = m_io.read32(kIsr);
        if (isr & kIsrNackf) {
            // The hardware sends STOP itself after a NACK in automatic end mode.
            m_io.write32(kIcr, kIsrNackf | kIsrStopf);
            return Error::Refused;
        }
        if (isr & flag)
            return {};
    }
    return Error::Timeout;
}

Result<void> StmI2c::finish()
{
    TRY(wait_flag(kIsrStopf));
    m_io.write32(kIcr, kIsrStopf);
    return {};
}

Result<void> StmI2c::write(uint8_t address, std::span<const uint8_t> bytes)
{
    if (bytes.empty() || bytes.size() > 255)
        return Error::InvalidArgument;
    m_io.write32(kCr2, (uint32_t(address) << 1) | (uint32_t(bytes.size()) << 16) | kCr2Autoend | kCr2Start);
    for (uint8_t b : bytes) {
        TRY(wait_flag(kIsrTxis));
        m_io.write32(kTxdr, b);
    }
    return finish();
}

Result<void> StmI2c::write_read(uint8_t address, std::span<const uint8_t> out, std::span<uint8_t> in)
{
    if (out.empty() || out.size() > 255 || in.empty() || in.size() > 255)
        return Error::InvalidArgument;
    // Write phase without AUTOEND, so TC lets us issue a repeated START for the read.
    m_io.write32(kCr2, (uint32_t(address) << 1) | (uint32_t(out.size()) << 16) | kCr2Start);
    for (uint8_t b : out) {
        TRY(wait_flag(kIsrTxis));
        m_io.write32(kTxdr, b);
    }
    TRY(wait_flag(kIsrTc));
    m_io.write32(kCr2, (uint32_t(address) << 1) | (uint32_t(in.size()) << 16) | kCr2RdWrn | kCr2Autoend | kCr2Start);
    for (auto& b : in) {
        TRY(wait_flag(kIsrRxne));
        b = uint8_t(m_io.read32(kRxdr));
    }
    return finish();
}

} // namespace oh::arm::stm32
