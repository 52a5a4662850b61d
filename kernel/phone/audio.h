// The x86 kernel's sound devices for the phone: the table of drivers the boot code hands it.
#pragma once

#include <span>

#include "sip/phone/audio_device.h"

namespace oh::kernel {

// The phone core's device interface (sip/phone/audio_device.h), the same as the ARM boards'.
using ::oh::phone::AudioCounters;
using ::oh::phone::AudioDevice;
using ::oh::phone::kAudioFrame;

// One entry of the audio driver table that the boot code hands the phone (kernel/init.cpp):
// open() returns the device, or nullptr when its hardware is absent.
struct AudioDriver {
    const char* name;
    AudioDevice* (*open)();
};

// The drivers audio_open() tries, in order; the last must always open. Set once at boot,
// before the phone or the audio self-test starts.
void audio_set_drivers(std::span<const AudioDriver> drivers);

// The first device of the table that opens (the same one on every call).
AudioDevice& audio_open();

// The drivers (audio_ac97.cpp, audio_null.cpp): the AC97 codec when present, and a
// timer-paced null device (silence in, samples dropped) so the 20 ms rhythm always holds.
AudioDevice* audio_open_ac97();
AudioDevice* audio_open_timer();

} // namespace oh::kernel
