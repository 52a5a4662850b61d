// FIR rate conversion in fixed point (Q15 taps, 32-bit accumulators, saturating output).
#include "port/armv7m/boards/stm32f746g-disco/resample.h"

namespace oh::arm::stm32 {

namespace {

int16_t saturate(int32_t v)
{
    return int16_t(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
}

// Pushes one sample into a circular history and returns the filter output.
int32_t fir_step(int16_t (&history)[kFirTaps], size_t& pos, int16_t sample)
{
    history[pos] = sample;
    int32_t acc = 0;
    size_t idx = pos;
    for (size_t k = 0; k < kFirTaps; k++) {
        acc += int32_t(kFir[k]) * history[idx];
        idx = idx == 0 ? kFirTaps - 1 : idx - 1;
    }
    pos = (pos + 1) % kFirTaps;
    return acc;
}

} // namespace

void Decimator::process(std::span<const int16_t> in, std::span<int16_t> out)
{
    size_t frames = in.size() / 2;
    for (size_t i = 0; i < frames; i++) {
        // Both microphones summed (halved): same voice, uncorrelated self-noise.
        int16_t mono = int16_t((int32_t(in[2 * i]) + in[2 * i + 1]) / 2);
        int32_t y = fir_step(m_history, m_pos, mono);
        if ((i & 1) == 0 && i / 2 < out.size())
            out[i / 2] = saturate((y + (1 << 14)) >> 15);
    }
}

void Interpolator::process(std::span<const int16_t> in, std::span<int16_t> out)
{
    for (size_t i = 0; i < in.size() && 4 * i + 3 < out.size(); i++) {
        // Zero-stuffing halves the energy: the taps' unity gain is doubled to make it up.
        for (int phase = 0; phase < 2; phase++) {
            int32_t y = fir_step(m_history, m_pos, phase == 0 ? in[i] : 0);
            int16_t s = saturate((2 * y + (1 << 14)) >> 15);
            out[4 * i + 2 * phase] = s;
            out[4 * i + 2 * phase + 1] = s;
        }
    }
}

} // namespace oh::arm::stm32
