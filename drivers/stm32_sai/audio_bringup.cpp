// SAI before codec: RM0385 §33.3.7 (MCLK comes from an enabled master block) and the WM8994
// datasheet's "Clocking and Sample Rates" (SYSCLK must be present for the analogue start-up).
#include "drivers/stm32_sai/audio_bringup.h"

namespace oh::arm::stm32 {

Result<void> bring_up_audio(SaiAudio& sai, Wm8994& codec, uint32_t mckdiv, const Wm8994Config& config)
{
    sai.initialize(mckdiv);
    sai.start();
    if (auto r = codec.initialize(config); r.is_error()) {
        sai.stop();
        return r;
    }
    return {};
}

} // namespace oh::arm::stm32
