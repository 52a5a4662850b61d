// The board's channel handling around the shared resampler.
#include "port/armv7m/boards/stm32f746g-disco/resample.h"

namespace oh::arm::stm32 {

void Decimator::process(std::span<const int16_t> in, std::span<int16_t> out)
{
    size_t frames = in.size() / 2, n = 0;
    for (size_t i = 0; i < frames && n < out.size(); i++) {
        // Both microphones summed (halved): same voice, uncorrelated self-noise.
        int16_t mono = int16_t((int32_t(in[2 * i]) + in[2 * i + 1]) / 2);
        if (m_down.push_sample(mono, out[n]))
            n++;
    }
}

void Interpolator::process(std::span<const int16_t> in, std::span<int16_t> out)
{
    // Two samples at 16 kHz per input, each written to both channels.
    constexpr size_t kChunk = 32;
    int16_t up[kChunk * Fir16k::kRatio];
    for (size_t i = 0; i < in.size() && 4 * i + 3 < out.size(); i += kChunk) {
        size_t n = in.size() - i < kChunk ? in.size() - i : kChunk;
        if (4 * (i + n) > out.size())
            n = out.size() / 4 - i;
        size_t m = m_up.process(in.subspan(i, n), up);
        for (size_t j = 0; j < m; j++)
            out[4 * i + 2 * j] = out[4 * i + 2 * j + 1] = up[j];
    }
}

} // namespace oh::arm::stm32
