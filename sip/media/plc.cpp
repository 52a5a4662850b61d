// G.711 Appendix I style concealment: pitch estimate, period repetition, OLA, attenuation.
#include "sip/media/plc.h"

#include <algorithm>

#include "lib/bytes.h"

namespace oh::media {

namespace {

int16_t saturate(int32_t v) { return int16_t(std::clamp<int32_t>(v, -32768, 32767)); }

// Linear cross-fade: w runs 1..n-1 over n steps, from a towards b.
int16_t fade(int32_t a, int32_t b, int w, int n) { return saturate((a * (n - w) + b * w) / n); }

} // namespace

void Plc::reset() { *this = Plc {}; }

void Plc::push_history(std::span<const int16_t> pcm)
{
    size_t n = pcm.size();
    if (n >= size_t(kHistoryLen)) {
        copy_bytes(m_history, pcm.data() + n - kHistoryLen, sizeof m_history);
        return;
    }
    move_bytes(m_history, m_history + n, (kHistoryLen - n) * sizeof(int16_t));
    copy_bytes(m_history + kHistoryLen - n, pcm.data(), n * sizeof(int16_t));
}

// Normalised cross-correlation between the last kCorrLen samples and the same window one lag
// earlier, first on every other sample and lag, then refined around the best (App. I §I.2.2).
int Plc::find_pitch() const
{
    const int16_t* x = m_history + kHistoryLen - kCorrLen;
    auto score = [&](int lag, int step) {
        int64_t corr = 0, energy = 0;
        for (int i = 0; i < kCorrLen; i += step) {
            int32_t y = x[i - lag];
            corr += int64_t(x[i]) * y;
            energy += int64_t(y) * y;
        }
        if (energy == 0)
            return 0.0f;
        float c = float(corr);
        return c * (c < 0 ? -c : c) / float(energy); // sign-preserving corr^2 / energy
    };
    int best = kPitchMax;
    float best_score = -1e30f;
    for (int lag = kPitchMin; lag <= kPitchMax; lag += 2) {
        float s = score(lag, 2);
        if (s > best_score) {
            best_score = s;
            best = lag;
        }
    }
    int coarse = best;
    best_score = -1e30f;
    for (int lag = std::max(kPitchMin, coarse - 1); lag <= std::min(kPitchMax, coarse + 1); ++lag) {
        float s = score(lag, 1);
        if (s > best_score) {
            best_score = s;
            best = lag;
        }
    }
    return best;
}

void Plc::start_erasure()
{
    m_pitch = find_pitch();
    m_loop_len = 3 * m_pitch;
    copy_bytes(m_loop, m_history + kHistoryLen - m_loop_len, size_t(m_loop_len) * sizeof(int16_t));
    // Smooth the loop's wrap point: fade the last quarter period towards the samples one
    // period earlier, so that jumping back one period continues the waveform (App. I OLA).
    int q = m_pitch / 4;
    for (int i = 0; i < q; ++i) {
        int k = m_loop_len - q + i;
        m_loop[k] = fade(m_loop[k], m_loop[k - m_pitch], i + 1, q + 1);
    }
    m_loop_start = m_loop_len - m_pitch;
    m_pos = m_loop_start;
    m_gain = 32768;
}

int16_t Plc::read_loop(int& pos, int start) const
{
    int16_t s = m_loop[pos];
    if (++pos >= m_loop_len)
        pos = start;
    return s;
}

int16_t Plc::next_synthetic()
{
    int16_t s = read_loop(m_pos, m_loop_start);
    if (m_blend_left > 0) {
        int16_t old = read_loop(m_old_pos, m_old_start);
        int q = m_pitch / 4;
        s = fade(old, s, q + 1 - m_blend_left, q + 1);
        --m_blend_left;
    }
    return s;
}

// After 10 and 20 ms of erasure use one more period, cross-fading from the old loop
// position to the same phase one period earlier over a quarter period (App. I §I.2.3).
void Plc::widen_loop()
{
    if (m_loop_start == 0)
        return;
    m_old_pos = m_pos;
    m_old_start = m_loop_start;
    m_loop_start -= m_pitch;
    m_pos -= m_pitch;
    if (m_pos < m_loop_start)
        m_pos += m_loop_len - m_loop_start;
    m_blend_left = m_pitch / 4;
}

void Plc::conceal(std::span<int16_t> out)
{
    if (m_erased_samples == 0)
        start_erasure();
    for (auto& sample : out) {
        if (m_erased_samples == kAttenuationStart || m_erased_samples == 2 * kAttenuationStart)
            widen_loop();
        int32_t s = next_synthetic();
        if (m_erased_samples >= kAttenuationStart)
            m_gain = std::max(0, m_gain - kAttenuationStep);
        sample = saturate((s * m_gain) >> 15);
        ++m_erased_samples;
    }
    push_history(out);
}

void Plc::good_frame(std::span<int16_t> pcm)
{
    if (m_erased_samples > 0) {
        // App. I §I.2.4: overlap = quarter period + 4 ms per extra 10 ms erased, at most 10 ms.
        int erased_10ms = (m_erased_samples + 79) / 80;
        int olen = std::min(m_pitch / 4 + (erased_10ms - 1) * kOlaIncrement, 80);
        olen = std::min<int>(olen, int(pcm.size()));
        for (int i = 0; i < olen; ++i) {
            int32_t s = (int32_t(next_synthetic()) * m_gain) >> 15;
            if (m_erased_samples + i >= kAttenuationStart)
                m_gain = std::max(0, m_gain - kAttenuationStep);
            pcm[size_t(i)] = fade(s, pcm[size_t(i)], i + 1, olen + 1);
        }
        m_erased_samples = 0;
        m_blend_left = 0;
    }
    push_history(pcm);
}

} // namespace oh::media
