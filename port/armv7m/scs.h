// System Control Space registers of ARMv7-M (SCB, SysTick, NVIC, FPU): ARMv7-M ARM §B3.
#pragma once

#include <stdint.h>

namespace oh::arm::scs {

// ARMv7-M ARM §B3.2.2: System Control Block.
constexpr uintptr_t kIcsr = 0xE000ED04;   // Interrupt Control and State
constexpr uintptr_t kVtor = 0xE000ED08;   // Vector Table Offset
constexpr uintptr_t kAircr = 0xE000ED0C;
constexpr uintptr_t kCcr = 0xE000ED14;    // Configuration and Control
constexpr uintptr_t kShpr2 = 0xE000ED1C;  // SVCall priority in [31:24]
constexpr uintptr_t kShpr3 = 0xE000ED20;  // PendSV [23:16], SysTick [31:24]
constexpr uintptr_t kShcsr = 0xE000ED24;
constexpr uintptr_t kCfsr = 0xE000ED28;
constexpr uintptr_t kHfsr = 0xE000ED2C;
constexpr uintptr_t kMmfar = 0xE000ED34;
constexpr uintptr_t kBfar = 0xE000ED38;
constexpr uintptr_t kCpacr = 0xE000ED88;  // §B3.2.20: coprocessor access (CP10/CP11 = FPU)
constexpr uintptr_t kFpccr = 0xE000EF34;  // §B3.2.33: lazy FP context stacking

constexpr uint32_t kIcsrPendSvSet = 1u << 28;
constexpr uint32_t kIcsrPendStSet = 1u << 26;
constexpr uint32_t kShcsrUsgFaultEna = 1u << 18;
constexpr uint32_t kShcsrBusFaultEna = 1u << 17;
constexpr uint32_t kShcsrMemFaultEna = 1u << 16;
constexpr uint32_t kCcrDiv0Trp = 1u << 4;

// §B3.3: SysTick.
constexpr uintptr_t kSystCsr = 0xE000E010;
constexpr uintptr_t kSystRvr = 0xE000E014;
constexpr uintptr_t kSystCvr = 0xE000E018;
constexpr uint32_t kSystEnable = 1u << 0;
constexpr uint32_t kSystTickInt = 1u << 1;
constexpr uint32_t kSystClkSourceCpu = 1u << 2;

// §B3.4: NVIC.
constexpr uintptr_t kNvicIser = 0xE000E100;
constexpr uintptr_t kNvicIcer = 0xE000E180;
constexpr uintptr_t kNvicIcpr = 0xE000E280;
constexpr uintptr_t kNvicIpr = 0xE000E400;

inline volatile uint32_t& reg32(uintptr_t a) { return *reinterpret_cast<volatile uint32_t*>(a); }
inline volatile uint8_t& reg8(uintptr_t a) { return *reinterpret_cast<volatile uint8_t*>(a); }

} // namespace oh::arm::scs
