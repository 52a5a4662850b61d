// SAI before codec: RM0385 §33.3.7 (MCLK comes from an enabled master block) and the WM8994
// datasheet's "Clocking and Sample Rates" (SYSCLK must be present for the analogue start-up).
#include "drivers/stm32_sai/audio_bringup.h"

namespace oh::arm::stm32 {

Result<Wm8994> bring_up_audio(SaiAudio& sai, hw::I2cBus& i2c, hw::Delay& delay, const Wm8994Config& config)
{
    sai.start();
    auto codec = Wm8994::create(i2c, delay, config);
    if (codec.is_error())
        sai.stop();
    return codec;
}

} // namespace oh::arm::stm32
