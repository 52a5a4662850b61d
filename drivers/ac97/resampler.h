// Integer 8 kHz <-> 48 kHz resampling for codecs without variable rate audio (no FPU use:
// this runs in the driver, which the kernel builds with -mgeneral-regs-only).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

namespace oh::ac97 {

// A 120-tap Blackman-windowed sinc low-pass at 48 kHz (cut-off 3.7 kHz: -0.2 dB at 3 kHz,
// -2 dB at 3.4 kHz, -48 dB at 4.6 kHz, -80 dB from 5 kHz), Q15. Generated offline by
// tools/bench/media_fir.py; kept in the driver so nothing here computes a float.
constexpr size_t kFirTaps = 120;
constexpr size_t kRatio = 6;
constexpr size_t kTapsPerPhase = kFirTaps / kRatio;
extern const int16_t kFir[kFirTaps];

// 8 kHz -> 48 kHz: zero-stuffing by 6 folded into a polyphase filter.
class Upsampler {
public:
    // out.size() must be 6 * in.size().
    void process(std::span<const int16_t> in, std::span<int16_t> out);
    void reset() { *this = Upsampler {}; }

private:
    int16_t m_history[kTapsPerPhase] {}; // newest first
};

// 48 kHz -> 8 kHz: low-pass then keep every 6th sample.
class Downsampler {
public:
    // in.size() must be 6 * out.size().
    void process(std::span<const int16_t> in, std::span<int16_t> out);
    void reset() { *this = Downsampler {}; }

private:
    int16_t m_history[kFirTaps] {}; // ring, m_pos is the slot of the newest sample
    size_t m_pos { 0 };
};

} // namespace oh::ac97
