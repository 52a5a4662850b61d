// STM32F7 I2C master (RM0385 §30), polled, for the WM8994's 16-bit register protocol.
#pragma once

#include <stdint.h>

#include <span>

#include "lib/result.h"
#include "lib/hw/io.h"

namespace oh::arm::stm32 {

class StmI2c final : public hw::I2cBus {
public:
    static constexpr uint32_t kCr1 = 0x00, kCr2 = 0x04, kTimingr = 0x10, kIsr = 0x18, kIcr = 0x1C,
                              kRxdr = 0x24, kTxdr = 0x28;
    static constexpr uint32_t kCr1Pe = 1u << 0;
    static constexpr uint32_t kCr2RdWrn = 1u << 10, kCr2Start = 1u << 13, kCr2Stop = 1u << 14,
                              kCr2Autoend = 1u << 25;
    static constexpr uint32_t kIsrTxis = 1u << 1, kIsrRxne = 1u << 2, kIsrNackf = 1u << 4,
                              kIsrStopf = 1u << 5, kIsrTc = 1u << 6;
    // RM0385 §30.4.9 for 100 kHz standard mode from a 54 MHz I2CCLK (PRESC 4, SCLL/H, delays).
    static constexpr uint32_t kTiming100k = 0x40912732;
    static constexpr uint32_t kPollLimit = 100000;

    constexpr explicit StmI2c(hw::Mmio& io) : m_io(io) { }

    void initialize();
    Result<void> write(uint8_t address, std::span<const uint8_t> bytes) override;
    Result<void> write_read(uint8_t address, std::span<const uint8_t> out, std::span<uint8_t> in) override;

private:
    Result<void> wait_flag(uint32_t flag);
    Result<void> finish();

    hw::Mmio& m_io;
};

} // namespace oh::arm::stm32
