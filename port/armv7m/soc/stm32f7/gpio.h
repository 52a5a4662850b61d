// STM32F7 GPIO pin configuration (RM0385 §6.4): mode, type, speed, pull, alternate function.
#pragma once

#include <stdint.h>

#include "lib/hw/io.h"

namespace oh::arm::stm32 {

enum class PinMode : uint8_t { Input = 0, Output = 1, Alternate = 2, Analog = 3 };
enum class PinType : uint8_t { PushPull = 0, OpenDrain = 1 };
enum class PinSpeed : uint8_t { Low = 0, Medium = 1, High = 2, VeryHigh = 3 };
enum class PinPull : uint8_t { None = 0, Up = 1, Down = 2 };

struct PinConfig {
    uint8_t pin;
    PinMode mode;
    uint8_t af;       // alternate function number (RM0385 / DS10916 Table 12)
    PinType type { PinType::PushPull };
    PinSpeed speed { PinSpeed::VeryHigh };
    PinPull pull { PinPull::None };
};

// Read-modify-write of each field of one pin; other pins of the port are untouched.
void configure_pin(hw::Mmio& port, const PinConfig& c);

} // namespace oh::arm::stm32
