// How many 20 ms frames to keep queued in a sound device's playback ring: enough that the
// media thread's worst lateness seen lately cannot run it dry, and no more (each frame queued
// is 20 ms of delay at the speaker). It grows as soon as a late service needs it and shrinks
// only after a minute without such lateness; both happen on a quiet frame (a silent frame
// written twice or skipped), never in the middle of sound unless the ring is about to run dry.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "sip/media/g711.h" // frame_is_quiet

namespace oh::media {

struct OutputCushionCounters {
    uint16_t frames { 0 };       // the ring depth steered to, in frames
    uint16_t grown { 0 };        // frames added (a frame written twice)
    uint16_t shrunk { 0 };       // frames taken away (a quiet frame skipped)
    uint16_t forced { 0 };       // of the grown, written twice in sound: the ring was nearly dry
    uint32_t worst_deficit_us { 0 }; // the most of the cushion a service used, over the call
};

class OutputCushion {
public:
    static constexpr uint64_t kFrameNs = 20'000'000;
    // A service may use the cushion up to this close to empty; less left grows it.
    static constexpr uint64_t kGuardNs = 10'000'000;
    static constexpr uint32_t kMinFrames = 2;   // the frame playing and the next one
    static constexpr uint32_t kMaxFrames = 6;   // below the AC'97 ring (8)
    static constexpr uint32_t kStartFrames = 5; // 100 ms until the lateness is known
    static constexpr uint32_t kBucketTicks = 250; // 5 s of 20 ms services per bucket
    static constexpr uint32_t kBuckets = 12;      // a minute of memory before shrinking

    // What the writer does with the frame it is about to write.
    enum class Write : uint8_t { Once, Twice, Skip };

    // At each period, when the media thread gets to the device: `queued` frames in the ring
    // (the one playing included) and `late_ns` since the completion that woke it. Returns
    // how many frames the codec has consumed and the media loop owes it: none when an earlier
    // service already refilled the completion that woke this one (it saw the completion before
    // its interrupt came).
    uint32_t on_service(uint32_t queued, uint64_t late_ns);
    // For each frame the media loop hands over; `quiet` when it is silence or nearly.
    Write on_write(bool quiet);

    uint32_t frames() const { return m_frames; }
    uint32_t wanted() const { return m_wanted; }
    OutputCushionCounters counters() const;

private:
    uint32_t m_frames { kStartFrames };
    uint32_t m_wanted { kStartFrames };
    bool m_urgent { false };
    uint32_t m_ticks { 0 };
    uint32_t m_filled { 0 };           // buckets completed, up to kBuckets
    uint32_t m_next_bucket { 0 };
    uint32_t m_current_max_us { 0 };
    uint32_t m_bucket_max_us[kBuckets] {};
    OutputCushionCounters m_counters;
};

} // namespace oh::media
