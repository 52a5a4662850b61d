// The AC'97 fallback path's 8 kHz <-> 48 kHz conversion (for codecs without variable rate
// audio): the shared polyphase resampler (lib/dsp) with this filter.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/dsp/resampler.h"

namespace oh::ac97 {

// A 120-tap Blackman-windowed sinc low-pass at 48 kHz (cut-off 3.7 kHz: -0.2 dB at 3 kHz,
// -2 dB at 3.4 kHz, -48 dB at 4.6 kHz, -80 dB from 5 kHz), Q15. Generated offline by
// tools/bench/media_fir.py; kept as data so nothing here computes a float.
struct Fir48k {
    static constexpr size_t kRatio = 6;
    static constexpr int16_t kTaps[120] = {
    0, 0, 0, 0, 1, 1, 1, 1, -1, -3, -5, -7,
    -8, -6, -1, 7, 15, 22, 25, 21, 10, -8, -29, -49,
    -60, -57, -38, -3, 43, 88, 121, 129, 104, 45, -40, -134,
    -213, -253, -235, -150, -7, 169, 339, 456, 479, 380, 158, -158,
    -510, -815, -984, -935, -615, -10, 842, 1858, 2916, 3877, 4607, 5001,
    5001, 4607, 3877, 2916, 1858, 842, -10, -615, -935, -984, -815, -510,
    -158, 158, 380, 479, 456, 339, 169, -7, -150, -235, -253, -213,
    -134, -40, 45, 104, 129, 121, 88, 43, -3, -38, -57, -60,
    -49, -29, -8, 10, 21, 25, 22, 15, 7, -1, -6, -8,
    -7, -5, -3, -1, 1, 1, 1, 1, 0, 0, 0, 0,
};
};

constexpr size_t kRatio = Fir48k::kRatio;
using Upsampler = dsp::Upsampler<Fir48k>;
using Downsampler = dsp::Downsampler<Fir48k>;

} // namespace oh::ac97
