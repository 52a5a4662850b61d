// 16 kHz stereo <-> 8 kHz mono for the codec path: the shared resampler (lib/dsp) with a
// factor-2 low-pass, plus the board's channel handling (two microphones, two earpieces).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/dsp/resampler.h"

namespace oh::arm::stm32 {

// Windowed-sinc (Blackman) low-pass at 3.7 kHz for a 16 kHz rate, Q15, unity DC gain:
// keeps the telephone band and removes what would alias above 4 kHz at 8 kHz.
struct Fir16k {
    static constexpr size_t kRatio = 2;
    static constexpr int16_t kTaps[31] = { 0, 3, 1, -35, -20, 125, 114, -305, -399, 576, 1093, -883,
        -2770, 1133, 10174, 15154, 10174, 1133, -2770, -883, 1093, 576, -399, -305, 114, 125, -20,
        -35, 1, 3, 0 };
};

class Decimator {
public:
    // in: interleaved stereo at 16 kHz (2 * out.size() frames); out: mono at 8 kHz.
    void process(std::span<const int16_t> in, std::span<int16_t> out);

private:
    dsp::Downsampler<Fir16k> m_down;
};

class Interpolator {
public:
    // in: mono at 8 kHz; out: interleaved stereo at 16 kHz (2 * in.size() frames).
    void process(std::span<const int16_t> in, std::span<int16_t> out);

private:
    dsp::Upsampler<Fir16k> m_up;
};

} // namespace oh::arm::stm32
