// Packet loss concealment for 8 kHz narrowband speech in the style of ITU-T G.711 Appendix I:
// pitch-period waveform repetition with overlap-add and attenuation.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

namespace oh::media {

// Differences from the Appendix I reference, on purpose: it works in integers (only the
// pitch score uses float), and it does not delay the output by 3.75 ms: the first junction
// of an erasure is left as is (a periodic signal makes it nearly continuous), and the
// smoothing Appendix I does on already-played samples is done on the loop buffer instead.
class Plc {
public:
    static constexpr int kPitchMin = 40;    // 200 Hz (App. I: 5 ms)
    static constexpr int kPitchMax = 120;   // 66.6 Hz (App. I: 15 ms)
    static constexpr int kCorrLen = 160;    // 20 ms correlation window
    static constexpr int kOverlapMax = kPitchMax / 4;
    static constexpr int kHistoryLen = 3 * kPitchMax + kOverlapMax; // 390, as App. I
    static constexpr int kAttenuationStart = 80;   // 10 ms at full gain
    static constexpr int kSilenceAfter = 480;      // 60 ms: -20 % per 10 ms after the first 10
    static constexpr int kOlaIncrement = 32;       // 4 ms more overlap per 10 ms of erasure
    static constexpr int kAttenuationStep = (32768 + kSilenceAfter - kAttenuationStart - 1) / (kSilenceAfter - kAttenuationStart);

    void reset();
    // A frame that was received: fed into the history; right after an erasure its start is
    // cross-faded with the concealment so the splice is smooth (pcm is modified in place).
    void good_frame(std::span<int16_t> pcm);
    // A frame that was lost: synthesized from the history.
    void conceal(std::span<int16_t> out);

    bool in_erasure() const { return m_erased_samples > 0; }
    int pitch() const { return m_pitch; }

private:
    void push_history(std::span<const int16_t> pcm);
    int find_pitch() const;
    void start_erasure();
    int16_t next_synthetic();
    int16_t read_loop(int& pos, int start) const;
    void widen_loop();

    int16_t m_history[kHistoryLen] {};
    int16_t m_loop[3 * kPitchMax] {};   // last three periods at the start of the erasure
    int m_pitch { kPitchMax };
    int m_loop_len { 0 };               // 3 * pitch
    int m_loop_start { 0 };             // first sample of the periods in use
    int m_pos { 0 };                    // read position in m_loop
    int m_erased_samples { 0 };         // since the erasure began
    int m_gain { 32768 };               // Q15
    int m_old_pos { 0 };                // loop position before widening, while blending
    int m_old_start { 0 };
    int m_blend_left { 0 };
};

} // namespace oh::media
