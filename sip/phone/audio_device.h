// The phone's sound device as its media thread sees it, the same interface on every target:
// AC'97 or a timer-paced null device on x86 (kernel/phone/audio_*.cpp), the SAI + WM8994 codec
// on the Discovery board and a tone source with a null sink on mps2-an500
// (port/armv7m/boards/*/board.cpp), and the tests' sources. One 20 ms frame (160 samples at
// 8 kHz) in and out per period; the device paces the media thread (its DMA completions, or a
// timer where it has none).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "sip/media/media_session.h"

namespace oh::phone {

constexpr size_t kAudioFrame = media::kFrameSamples;

struct AudioCounters {
    uint64_t frames { 0 };
    uint64_t underruns { 0 }; // playback ran dry
    uint64_t overruns { 0 };  // capture was not read in time
    uint64_t late_wakeups { 0 };
    uint32_t queued_frames { 0 }; // playback frames written and not yet played
    uint16_t cushion_frames { 0 };  // the playback ring depth steered to (0: fixed by the device)
    uint16_t cushion_changes { 0 }; // times it grew or shrank
    uint32_t cushion_worst_deficit_us { 0 }; // the most of the ring a late service used up
    uint64_t played_frames { 0 }; // playback frames the device has fetched (DMA completions)
    uint32_t capture_underruns { 0 }; // the capture reserve ran dry: a frame was concealed
    uint32_t capture_discarded { 0 }; // captured frames dropped to bound the capture latency (a
                                      // reserve too deep, or a quiet frame a minute never needed)
    uint32_t capture_depth { 0 };     // captured frames queued at the last read (the reserve)
    uint32_t capture_max_depth { 0 };
};

class AudioDevice {
public:
    virtual const char* name() const = 0;
    virtual bool playback_live() const = 0; // samples really reach a speaker (or a WAV)
    virtual bool capture_live() const = 0;  // read_frame() returns real input
    // Block until the next frame period begins (at most ~40 ms). Returns how many frames
    // the device wants now (usually 1; more when completions arrived in a burst or the
    // caller was late, so the playback ring is topped back up instead of running dry).
    virtual int wait_frame() = 0;
    // Always fills `out`; true when it holds captured input, false for a concealment or
    // silence (the device had none ready).
    virtual bool read_frame(std::span<int16_t, kAudioFrame> out) = 0;
    virtual void write_frame(std::span<const int16_t, kAudioFrame> in) = 0;
    virtual AudioCounters counters() const = 0;

protected:
    ~AudioDevice() = default;
};

} // namespace oh::phone
