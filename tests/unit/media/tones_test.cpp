// Tone generator: frequencies, levels and cadences of the call progress tones and test tone.
#include "sip/media/tones.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

namespace m = oh::media;

// Amplitude of the component at f (single-bin DFT over a whole number of periods).
double amplitude_at(const int16_t* x, size_t n, double f)
{
    double re = 0, im = 0;
    for (size_t i = 0; i < n; ++i) {
        re += x[i] * std::cos(2 * M_PI * f * i / 8000);
        im += x[i] * std::sin(2 * M_PI * f * i / 8000);
    }
    return 2 * std::sqrt(re * re + im * im) / n;
}

double rms(const int16_t* x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; ++i)
        s += double(x[i]) * x[i];
    return std::sqrt(s / n);
}

// On/off pattern in 20 ms frames: true where the frame carries tone.
std::vector<bool> cadence(m::ToneGenerator& g, size_t frames)
{
    std::vector<bool> on;
    int16_t f[160];
    for (size_t i = 0; i < frames; ++i) {
        g.generate(f);
        on.push_back(rms(f, 160) > 100);
    }
    return on;
}

TEST(Tones, TestToneFrequencyAndPurity)
{
    m::ToneGenerator g;
    g.start_test_tone(1004, 10000); // the classic digital milliwatt-ish test frequency
    std::vector<int16_t> x(8000);
    g.generate(x);
    EXPECT_NEAR(amplitude_at(x.data(), x.size(), 1004), 10000, 30);
    // Harmonic and interpolation distortion below -60 dB.
    double total = rms(x.data(), x.size());
    double fundamental = 10000 / std::sqrt(2.0);
    double residue = std::sqrt(std::max(0.0, total * total - fundamental * fundamental));
    EXPECT_LT(20 * std::log10(residue / fundamental + 1e-9), -50);
    EXPECT_LT(amplitude_at(x.data(), x.size(), 2008), 10);
}

TEST(Tones, EuropeanPlan)
{
    auto dial = m::call_tone(m::ToneRegion::Europe, m::CallTone::Dial);
    EXPECT_EQ(dial.f1, 425);
    EXPECT_EQ(dial.f2, 0);
    m::ToneGenerator g;
    g.start(dial);
    std::vector<int16_t> x(8000);
    g.generate(x);
    EXPECT_NEAR(amplitude_at(x.data(), x.size(), 425), m::kLevelMinus10dBm0, 20);

    g.start(m::call_tone(m::ToneRegion::Europe, m::CallTone::Busy));
    auto busy = cadence(g, 100); // 0.5 s on, 0.5 s off
    for (size_t i = 0; i < 100; ++i)
        EXPECT_EQ(busy[i], (i % 50) < 25) << i;

    g.start(m::call_tone(m::ToneRegion::Europe, m::CallTone::Ringback));
    auto ring = cadence(g, 500); // 1 s on, 4 s off
    for (size_t i = 0; i < 500; ++i)
        EXPECT_EQ(ring[i], (i % 250) < 50) << i;
}

TEST(Tones, NorthAmericanPlan)
{
    m::ToneGenerator g;
    g.start(m::call_tone(m::ToneRegion::NorthAmerica, m::CallTone::Dial));
    std::vector<int16_t> x(8000);
    g.generate(x);
    EXPECT_NEAR(amplitude_at(x.data(), x.size(), 350), m::kLevelMinus13dBm0, 20);
    EXPECT_NEAR(amplitude_at(x.data(), x.size(), 440), m::kLevelMinus13dBm0, 20);
    g.start(m::call_tone(m::ToneRegion::NorthAmerica, m::CallTone::Ringback));
    auto ring = cadence(g, 300); // 2 s on, 4 s off
    for (size_t i = 0; i < 300; ++i)
        EXPECT_EQ(ring[i], (i % 300) < 100) << i;
}

TEST(Tones, DtmfDigitStopsByItself)
{
    m::ToneSpec spec;
    ASSERT_TRUE(m::dtmf_tone('#', 100, spec));
    EXPECT_EQ(spec.f1, 941);
    EXPECT_EQ(spec.f2, 1477);
    EXPECT_FALSE(m::dtmf_tone('x', 100, spec));
    m::ToneGenerator g;
    ASSERT_TRUE(m::dtmf_tone('1', 100, spec));
    g.start(spec);
    auto on = cadence(g, 10);
    for (size_t i = 0; i < 10; ++i)
        EXPECT_EQ(on[i], i < 5) << i;
    EXPECT_FALSE(g.active());
}

TEST(Tones, StoppedGeneratorIsSilent)
{
    m::ToneGenerator g;
    int16_t f[160];
    for (auto& s : f)
        s = 1;
    g.generate(f);
    for (int16_t s : f)
        EXPECT_EQ(s, 0);
}

} // namespace
