// STM32F746 register offsets and bits used by the Discovery board drivers (RM0385 rev 8).
#pragma once

#include <stdint.h>

#include "lib/hw/reg.h"

namespace oh::arm::stm32 {

// RM0385 §2.2.2 memory map.
constexpr uintptr_t kRccBase = 0x40023800;
constexpr uintptr_t kFlashBase = 0x40023C00;
constexpr uintptr_t kPwrBase = 0x40007000;
constexpr uintptr_t kGpioBase = 0x40020000; // GPIOA; each port 0x400 further
constexpr uintptr_t kGpioStride = 0x400;
constexpr uintptr_t kSyscfgBase = 0x40013800;
constexpr uintptr_t kUsart1Base = 0x40011000;
constexpr uintptr_t kI2c3Base = 0x40005C00;
constexpr uintptr_t kSai2Base = 0x40015C00;
constexpr uintptr_t kDma2Base = 0x40026400;
constexpr uintptr_t kEthBase = 0x40028000;
constexpr uintptr_t kRngBase = 0x50060800; // AHB2

// RM0385 §10.1.2 Table 40: vector positions.
constexpr unsigned kIrqUsart1 = 37;
constexpr unsigned kIrqDma2Stream4 = 60;
constexpr unsigned kIrqEth = 61;
constexpr unsigned kIrqDma2Stream7 = 70;

enum class Port : uint8_t { A, B, C, D, E, F, G, H, I, J, K };

// RM0385 §5.3: RCC.
namespace rcc {
constexpr uint32_t kCr = 0x00, kPllCfgr = 0x04, kCfgr = 0x08, kAhb1Enr = 0x30, kAhb2Enr = 0x34, kApb1Enr = 0x40,
                   kApb2Enr = 0x44, kPllI2sCfgr = 0x84, kDckCfgr1 = 0x8C;
constexpr uint32_t kCrHseOn = 1u << 16, kCrHseRdy = 1u << 17, kCrPllOn = 1u << 24, kCrPllRdy = 1u << 25,
                   kCrPllI2sOn = 1u << 26, kCrPllI2sRdy = 1u << 27;
constexpr uint32_t kPllSrcHse = 1u << 22;
constexpr uint32_t kCfgrSwPll = 2, kCfgrSwsMask = 3u << 2, kCfgrSwsPll = 2u << 2;
constexpr uint32_t kCfgrPpre1Div4 = 5u << 10, kCfgrPpre2Div2 = 4u << 13;
constexpr uint32_t kAhb1DtcmEn = 1u << 20, kAhb1Dma2En = 1u << 22, kAhb1EthMacEn = 1u << 25,
                   kAhb1EthTxEn = 1u << 26, kAhb1EthRxEn = 1u << 27;
// §5.3.11 RCC_AHB2ENR: the RNG runs from CK48 (DCKCFGR2.CK48MSEL reset value: PLLQ, 48 MHz).
constexpr uint32_t kAhb2RngEn = 1u << 6;
constexpr uint32_t kApb1I2c3En = 1u << 23, kApb1PwrEn = 1u << 28;
constexpr uint32_t kApb2Usart1En = 1u << 4, kApb2SyscfgEn = 1u << 14, kApb2Sai2En = 1u << 23;
constexpr uint32_t kDckSai2SelMask = 3u << 22, kDckSai2SelPllI2s = 1u << 22;
} // namespace rcc

// RM0385 §3.7.1: FLASH_ACR.
namespace flash {
constexpr uint32_t kAcr = 0x00;
constexpr uint32_t kLatencyMask = 0xf, kPrften = 1u << 8, kArten = 1u << 9;
} // namespace flash

// RM0385 §4.4: PWR_CR1 / PWR_CSR1 (over-drive for 216 MHz).
namespace pwr {
constexpr uint32_t kCr1 = 0x00, kCsr1 = 0x04;
constexpr uint32_t kVosScale1 = 3u << 14, kOden = 1u << 16, kOdswen = 1u << 17;
constexpr uint32_t kOdrdy = 1u << 16, kOdswrdy = 1u << 17;
} // namespace pwr

// RM0385 §6.4: GPIO.
namespace gpio {
struct Moder : hw::Reg32<Moder, 0x00> { // §6.4.1: 2 bits per pin
    using Mode = hw::FieldArray<2>;
    using Reg32::Reg32;
};
struct Otyper : hw::Reg32<Otyper, 0x04> { // §6.4.2: 1 bit per pin, 15:0
    using Type = hw::FieldArray<1, 16>;
    using Reg32::Reg32;
};
struct Ospeedr : hw::Reg32<Ospeedr, 0x08> { // §6.4.3
    using Speed = hw::FieldArray<2>;
    using Reg32::Reg32;
};
struct Pupdr : hw::Reg32<Pupdr, 0x0C> { // §6.4.4
    using Pull = hw::FieldArray<2>;
    using Reg32::Reg32;
};
struct Afrl : hw::Reg32<Afrl, 0x20> { // §6.4.9: 4 bits per pin, pins 0-7
    using Af = hw::FieldArray<4>;
    using Reg32::Reg32;
};
struct Afrh : hw::Reg32<Afrh, 0x24> { // §6.4.10: pins 8-15
    using Af = hw::FieldArray<4>;
    using Reg32::Reg32;
};
constexpr uint32_t kModer = Moder::kOffset, kOtyper = Otyper::kOffset, kOspeedr = Ospeedr::kOffset,
                   kPupdr = Pupdr::kOffset, kAfrl = Afrl::kOffset, kAfrh = Afrh::kOffset;
} // namespace gpio

// RM0385 §7.2.2: SYSCFG_PMC.MII_RMII_SEL.
constexpr uint32_t kSyscfgPmc = 0x04;
constexpr uint32_t kSyscfgRmii = 1u << 23;

} // namespace oh::arm::stm32
