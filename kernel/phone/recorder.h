// Call recording hook: the media thread hands every 20 ms frame to the recorder the boot code
// set (kernel/init.cpp wires the storage layer's); with none set, frames are not recorded, so
// the phone never depends on a disk being present.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace oh::kernel {

class CallRecorder {
public:
    // Called from the real-time media thread: must not block (copy into a ring and return).
    virtual void frame(const int16_t* heard, const int16_t* sent, size_t samples) = 0;
    // Call boundaries (from the media thread): open/close a recording if recording is enabled.
    virtual void call_started(const char* peer) = 0;
    virtual void call_ended() = 0;

protected:
    ~CallRecorder() = default;
};

// Set once at boot, before the phone starts; nullptr (the default) records nothing.
void phone_set_recorder(CallRecorder* recorder);

} // namespace oh::kernel
