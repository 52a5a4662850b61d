// Picks the phone's audio device from the driver table the boot code set.
#include "kernel/console/console.h"
#include "kernel/phone/audio.h"

namespace oh::kernel {

namespace {
constinit std::span<const AudioDriver> s_drivers;
constinit AudioDevice* s_device = nullptr;
}

void audio_set_drivers(std::span<const AudioDriver> drivers) { s_drivers = drivers; }

AudioDevice& audio_open()
{
    if (s_device)
        return *s_device;
    for (const AudioDriver& d : s_drivers) {
        if (AudioDevice* a = d.open()) {
            s_device = a;
            return *a;
        }
    }
    // Our own table is broken (the boot code ends it with the timer device, which always opens).
    panic("audio: no driver in the table opened");
}

} // namespace oh::kernel
