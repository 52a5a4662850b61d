// Adaptive jitter buffer for 8 kHz G.711 frames: reorders, drops duplicates and late packets,
// follows network jitter (20-200 ms) and sender clock drift by inserting or dropping frames.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/clock.h"
#include "lib/sizing.h"
#include "sip/media/g711.h"

namespace oh::media {

struct JitterBufferStats {
    uint32_t packets { 0 };          // accepted into the buffer
    uint32_t duplicates { 0 };
    uint32_t late { 0 };             // arrived after their frame was played
    uint32_t discarded { 0 };        // dropped on arrival: too far ahead, too old, bad size
    uint32_t frames_played { 0 };    // frames with received audio
    uint32_t frames_lost { 0 };      // frames missing while the stream was active (concealed)
    uint32_t frames_idle { 0 };      // no stream (before the first packet, silence suppression)
    uint32_t underruns { 0 };        // lost frames with nothing at all buffered behind them
    uint32_t frames_inserted { 0 };  // delay grown by one frame
    uint32_t frames_dropped { 0 };   // delay shrunk by one frame
    uint32_t resyncs { 0 };          // SSRC change or timestamp jump
    uint16_t depth_ms { 0 };         // audio buffered ahead of the playout point
    uint16_t target_ms { 0 };        // the delay the buffer is steering to
};

// The stored unit is one G.711 byte per sample, so a 256 ms buffer costs 2 KiB + 256 B of
// presence bits (lib/sizing.h: 128 ms on the ARM port). Packets of any length up to the capacity are accepted; output is always
// one 20 ms frame per call of get().
class JitterBuffer {
public:
    static constexpr uint32_t kFrame = 160;          // 20 ms at 8 kHz
    static constexpr uint32_t kCapacity = sizing::Target::kJitterCapacity; // samples, a power of two
    // The least delay, 20 ms. Packets that hold whole frames of the playout grid would be
    // playable as they arrive, but packets that split a frame (10 or 30 ms ptime) need up to a
    // frame more (its second part comes one packet time later), and arrival stamps carry the
    // host's wake-up lateness: with 5 ms an emulated phone had two late packets in 30 s
    // (tools/bench/latency.py, outliers of 10-16 ms every few seconds under QEMU TCG).
    static constexpr uint32_t kMinDelay = 160;
    static constexpr uint32_t kMaxDelay = sizing::Target::kJitterMaxDelay; // 200 ms (x86), 80 ms (ARM)
    static_assert((kCapacity & (kCapacity - 1)) == 0 && kMaxDelay + 2 * kFrame < kCapacity);
    static constexpr uint32_t kInitialDelay = 320;   // 40 ms until the jitter is known
    static constexpr uint32_t kMargin = 40;          // 5 ms above the observed spread
    static constexpr uint32_t kJump = 8000;          // a timestamp step over 1 s is a restart
    static constexpr uint32_t kIdleAfter = 1600;     // 200 ms without packets: stream paused
    static constexpr uint32_t kWindowPackets = 100;  // delay statistics bucket (2 s of 20 ms)
    static constexpr uint16_t kShrinkPatience = 25;  // ticks of excess delay before any frame goes

    enum class PutResult : uint8_t { Stored, Duplicate, Late, Discarded, Resynced };
    enum class FrameKind : uint8_t { Audio, Lost, Idle };

    explicit JitterBuffer(G711Law law = G711Law::Ulaw) : m_law(law) { }

    void reset(G711Law law);
    PutResult put(uint32_t ssrc, uint32_t timestamp, std::span<const uint8_t> payload, Nanoseconds arrival);
    // One frame for the speaker; for Lost the caller conceals, for Idle it plays silence.
    // out is always filled (silence code where nothing was received).
    FrameKind get(std::span<uint8_t, kFrame> out, Nanoseconds now);

    const JitterBufferStats& stats() const { return m_stats; }
    uint32_t target_delay() const; // samples

private:
    void restart(uint32_t ssrc, uint32_t timestamp, Nanoseconds arrival);
    void note_transit(int32_t transit);
    void align_playout(uint32_t now_samples);
    void store(uint32_t timestamp, std::span<const uint8_t> payload);
    uint32_t count_present(uint32_t ts, uint32_t n) const;
    void clear(uint32_t ts, uint32_t n);
    bool frame_is_quiet(uint32_t ts) const;
    void update_depth();

    bool present(uint32_t ts) const { return m_present[(ts & (kCapacity - 1)) >> 5] & (1u << (ts & 31)); }

    G711Law m_law;
    bool m_started { false };
    bool m_aligned { false };
    uint32_t m_ssrc { 0 };
    uint32_t m_first_ts { 0 };
    uint32_t m_playout_ts { 0 };      // RTP timestamp of the next frame to play
    uint32_t m_highest_end { 0 };     // one past the newest sample received
    uint32_t m_last_arrival { 0 };    // local clock in samples
    uint32_t m_transit_ref { 0 };
    // Transit extremes over the current and previous bucket (relative to m_transit_ref).
    int32_t m_cur_min { 0 }, m_cur_max { 0 }, m_prev_min { 0 }, m_prev_max { 0 };
    uint32_t m_bucket_count { 0 };
    bool m_have_prev { false };
    uint16_t m_over_ticks { 0 };
    JitterBufferStats m_stats {};
    uint32_t m_present[kCapacity / 32] {};
    uint8_t m_samples[kCapacity] {};
};

} // namespace oh::media
