// The Discovery board's audio start-up order: the SAI's clocks first, then the WM8994, whose
// SYSCLK (charge pump, DC servo, DMIC clock) comes from the MCLK the SAI drives.
#pragma once

#include <stdint.h>

#include "drivers/stm32_sai/sai_audio.h"
#include "drivers/wm8994/wm8994.h"
#include "lib/result.h"

namespace oh::arm::stm32 {

// Starts the configured SAI (MCLK, SCK, FS running, DMA circulating silence), then creates
// the codec over I2C. On a codec error the SAI is stopped again and the error returned.
Result<Wm8994> bring_up_audio(SaiAudio& sai, hw::I2cBus& i2c, hw::Delay& delay, const Wm8994Config& config);

} // namespace oh::arm::stm32
