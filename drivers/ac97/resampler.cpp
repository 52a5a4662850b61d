// Polyphase integer resampler between 8 kHz and 48 kHz for the AC'97 fallback path.
#include "drivers/ac97/resampler.h"

namespace oh::ac97 {

const int16_t kFir[kFirTaps] = {
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

namespace {

int16_t saturate(int32_t v) { return int16_t(v > 32767 ? 32767 : (v < -32768 ? -32768 : v)); }

} // namespace

void Upsampler::process(std::span<const int16_t> in, std::span<int16_t> out)
{
    size_t n = in.size();
    if (out.size() < n * kRatio)
        n = out.size() / kRatio;
    for (size_t i = 0; i < n; ++i) {
        for (size_t k = kTapsPerPhase - 1; k > 0; --k)
            m_history[k] = m_history[k - 1];
        m_history[0] = in[i];
        // Output phase p uses taps p, p + 6, p + 12...; the factor 6 restores the level
        // that zero-stuffing spread over six samples.
        for (size_t p = 0; p < kRatio; ++p) {
            int32_t acc = 0;
            for (size_t k = 0; k < kTapsPerPhase; ++k)
                acc += int32_t(kFir[k * kRatio + p]) * m_history[k];
            out[i * kRatio + p] = saturate((acc * int32_t(kRatio) + (1 << 14)) >> 15);
        }
    }
}

void Downsampler::process(std::span<const int16_t> in, std::span<int16_t> out)
{
    size_t n = out.size();
    if (in.size() < n * kRatio)
        n = in.size() / kRatio;
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < kRatio; ++j) {
            m_pos = m_pos + 1 == kFirTaps ? 0 : m_pos + 1;
            m_history[m_pos] = in[i * kRatio + j];
        }
        int32_t acc = 0;
        size_t idx = m_pos;
        for (size_t k = 0; k < kFirTaps; ++k) {
            acc += int32_t(kFir[k]) * m_history[idx];
            idx = idx == 0 ? kFirTaps - 1 : idx - 1;
        }
        out[i] = saturate((acc + (1 << 14)) >> 15);
    }
}

} // namespace oh::ac97
