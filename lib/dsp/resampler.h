// The one sample-rate converter of every target: integer-factor polyphase FIR interpolation
// and decimation in fixed point (Q15 taps, 32-bit accumulators, saturating output, no FPU:
// the x86 drivers build with -mgeneral-regs-only). A filter is a type that names its
// factor and its taps, designed for the higher rate (tools/bench/media_fir.py):
//   struct MyFir { static constexpr size_t kRatio = 6; static constexpr int16_t kTaps[120] = {...}; };
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

namespace oh::dsp {

constexpr int16_t saturate_q15(int32_t v) { return int16_t(v > 32767 ? 32767 : (v < -32768 ? -32768 : v)); }

// Rounds a Q15 product sum back to a sample.
constexpr int16_t round_q15(int32_t acc) { return saturate_q15((acc + (1 << 14)) >> 15); }

// Low rate -> Ratio x the rate: zero-stuffing folded into a polyphase filter. Output phase p
// of input i is sum_k h[k * Ratio + p] * x[i - k]; the factor Ratio restores the level
// that zero-stuffing spread over Ratio samples.
template<typename Filter>
class Upsampler {
public:
    static constexpr size_t kRatio = Filter::kRatio;
    static constexpr size_t kTaps = sizeof Filter::kTaps / sizeof Filter::kTaps[0];
    static constexpr size_t kTapsPerPhase = (kTaps + kRatio - 1) / kRatio;

    // Converts min(in.size(), out.size() / kRatio) samples; returns how many outputs it wrote.
    size_t process(std::span<const int16_t> in, std::span<int16_t> out)
    {
        size_t n = in.size() < out.size() / kRatio ? in.size() : out.size() / kRatio;
        for (size_t i = 0; i < n; ++i) {
            for (size_t k = kTapsPerPhase - 1; k > 0; --k)
                m_history[k] = m_history[k - 1];
            m_history[0] = in[i];
            for (size_t p = 0; p < kRatio; ++p) {
                int32_t acc = 0;
                for (size_t k = 0; k < kTapsPerPhase && k * kRatio + p < kTaps; ++k)
                    acc += int32_t(Filter::kTaps[k * kRatio + p]) * m_history[k];
                out[i * kRatio + p] = saturate_q15((acc * int32_t(kRatio) + (1 << 14)) >> 15);
            }
        }
        return n * kRatio;
    }
    void reset() { *this = Upsampler {}; }

private:
    int16_t m_history[kTapsPerPhase] {}; // newest first
};

// Ratio x the rate -> low rate: low-pass, then keep the output after every Ratio inputs.
template<typename Filter>
class Downsampler {
public:
    static constexpr size_t kRatio = Filter::kRatio;
    static constexpr size_t kTaps = sizeof Filter::kTaps / sizeof Filter::kTaps[0];

    // Converts min(out.size(), in.size() / kRatio) samples; returns how many it wrote.
    size_t process(std::span<const int16_t> in, std::span<int16_t> out)
    {
        size_t n = out.size() < in.size() / kRatio ? out.size() : in.size() / kRatio;
        for (size_t i = 0; i < n; ++i) {
            for (size_t j = 0; j < kRatio; ++j)
                push(in[i * kRatio + j]);
            out[i] = round_q15(filter());
        }
        return n;
    }
    // One input sample at a time (callers that mix channels first); an output every kRatio.
    bool push_sample(int16_t s, int16_t& out)
    {
        push(s);
        if (++m_phase < kRatio)
            return false;
        m_phase = 0;
        out = round_q15(filter());
        return true;
    }
    void reset() { *this = Downsampler {}; }

private:
    void push(int16_t s)
    {
        m_pos = m_pos + 1 == kTaps ? 0 : m_pos + 1;
        m_history[m_pos] = s;
    }
    int32_t filter() const
    {
        int32_t acc = 0;
        size_t idx = m_pos;
        for (size_t k = 0; k < kTaps; ++k) {
            acc += int32_t(Filter::kTaps[k]) * m_history[idx];
            idx = idx == 0 ? kTaps - 1 : idx - 1;
        }
        return acc;
    }

    int16_t m_history[kTaps] {}; // ring, m_pos is the slot of the newest sample
    size_t m_pos { 0 };
    size_t m_phase { 0 };
};

} // namespace oh::dsp
