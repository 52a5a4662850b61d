// Call recording hook: the media thread hands every 20 ms frame here (what the phone heard
// and what it sent). The storage layer provides the implementation; without one, frames are
// dropped (a weak default), so the phone never depends on a disk being present.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace oh::kernel {

// Called from the real-time media thread: must not block (copy into a ring and return).
void recorder_frame(const int16_t* heard, const int16_t* sent, size_t samples);
// Call boundaries (from the media thread): open/close a recording if recording is enabled.
void recorder_call_started(const char* peer);
void recorder_call_ended();

} // namespace oh::kernel
