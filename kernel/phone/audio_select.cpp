// Picks the phone's audio device: the AC97 codec when present, else the timer device.
#include "kernel/phone/audio.h"

namespace oh::kernel {

AudioDevice& audio_open_timer();
// nullptr without an AC97 codec. audio_ac97.cpp defines the real one; this weak default
// keeps kernels built without that driver (and the ARM port's shared code) linking.
[[gnu::weak]] AudioDevice* audio_open_ac97() { return nullptr; }

AudioDevice& audio_open()
{
    if (AudioDevice* a = audio_open_ac97())
        return *a;
    return audio_open_timer();
}

} // namespace oh::kernel
