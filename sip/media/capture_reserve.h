// A small reserve of captured frames between a bursty capture device and the 20 ms media
// clock: delivery starts once a few frames are buffered, a dry reserve is concealed (never
// zero-filled), a reserve that grew too deep is cut back to bound the latency, and a frame
// the device's delivery has not needed for a minute is trimmed in silence.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "sip/media/plc.h"

namespace oh::media {

constexpr size_t kReserveFrame = 160; // 20 ms at 8 kHz

// What the reserve reads from: the device's queue of complete capture frames.
class CaptureSource {
public:
    virtual size_t frames_ready() = 0;                              // complete frames queued now
    virtual bool take_frame(std::span<int16_t, kReserveFrame> out) = 0; // oldest one, false if none

protected:
    ~CaptureSource() = default;
};

struct CaptureReserveCounters {
    uint32_t delivered { 0 };  // frames handed on from the device
    uint32_t underruns { 0 };  // the reserve ran dry: a frame was concealed
    uint32_t discarded { 0 };  // frames dropped because the reserve was deeper than kMaxFrames
    uint32_t restarts { 0 };   // capture stalled for kStallFrames and priming began again
    uint32_t trimmed { 0 };    // quiet frames dropped because a minute never needed them
    uint32_t depth { 0 };      // frames queued at the last pull (before taking one)
    uint32_t max_depth { 0 };
};

// What a pulled frame holds.
enum class CaptureFill : uint8_t { Captured, Concealed };

class CaptureReserve {
public:
    // Start delivering once two frames (40 ms) are queued: one is taken, one stays as the
    // cushion, so capture runs 20 ms later than it would reading hand to mouth. Each
    // underrun conceals a frame without consuming one, which deepens the reserve by one frame:
    // it grows to what the device's bursts need, and no further.
    static constexpr size_t kStartFrames = 2;
    // Deeper than this (120 ms) the reserve is latency, not cushion: drop the oldest frames
    // back to kStartFrames. Below the driver's ring (8 frames), so capture never overruns.
    static constexpr size_t kMaxFrames = 6;
    // This many concealed frames in a row (200 ms): capture has stopped; prime again.
    static constexpr uint32_t kStallFrames = 10;
    // The cushion frame costs 20 ms on every packet sent. When every pull of a whole minute
    // (3000 pulls) left at least one frame queued, the device delivers early enough without
    // it: the next quiet frame at the head is dropped, and the reserve runs one frame
    // shallower (hand to mouth when it was two). A pull that finds it dry conceals a frame
    // without consuming one, which puts the frame back (above); the minute starts again
    // after each trim, so it trims at most one frame a minute and only on that evidence.
    static constexpr uint32_t kTrimWindow = 3000;

    // One 20 ms frame for the media path, always filled: captured audio, or a concealment
    // of it (silence before the first frame arrives). Says which, for measurements that must
    // judge the microphone and not the concealment.
    CaptureFill pull(CaptureSource& source, std::span<int16_t, kReserveFrame> out);
    void reset();

    bool primed() const { return m_primed; }
    const CaptureReserveCounters& counters() const { return m_counters; }

private:
    void conceal(std::span<int16_t, kReserveFrame> out);

    void observe(size_t ready);

    Plc m_plc;
    bool m_primed { false };
    uint32_t m_dry_run { 0 }; // consecutive concealed frames
    uint32_t m_window_pulls { 0 };
    size_t m_window_min_spare { SIZE_MAX }; // the fewest frames a pull of the window left queued
    bool m_surplus { false };               // the last whole window never needed its cushion
    CaptureReserveCounters m_counters;
};

} // namespace oh::media
