// lib/dsp's resampler with a filter whose output is known in closed form: the triangular
// kernel [1/4, 1/2, 1/4] (Q15 8192, 16384, 8192) at factor 2 is linear interpolation up and
// a [1 2 1]/4 smoother before keeping every second sample down.
#include <gtest/gtest.h>

#include <vector>

#include "lib/dsp/resampler.h"

using namespace oh::dsp;

namespace {

struct Triangle {
    static constexpr size_t kRatio = 2;
    static constexpr int16_t kTaps[3] = { 8192, 16384, 8192 };
};

struct Hot { // a gain of 4 at DC: full scale must clip
    static constexpr size_t kRatio = 2;
    static constexpr int16_t kTaps[2] = { 32767, 32767 };
};

} // namespace

TEST(Resampler, UpsamplingByTwoInterpolatesLinearly)
{
    Upsampler<Triangle> up;
    std::vector<int16_t> in { 1000, 3000, -2000, 0 }, out(8);
    EXPECT_EQ(up.process(in, out), 8u);
    // Each input x[i] gives (x[i-1] + x[i]) / 2, then x[i] (x[-1] = 0).
    EXPECT_EQ(out, (std::vector<int16_t> { 500, 1000, 2000, 3000, 500, -2000, -1000, 0 }));
}

TEST(Resampler, UpsamplerKeepsStateAcrossBlocks)
{
    Upsampler<Triangle> whole, parts;
    std::vector<int16_t> in { 7, -300, 12000, 5, 9, -32768 }, a(12), b(12);
    whole.process(in, a);
    parts.process(std::span<const int16_t>(in).subspan(0, 2), std::span<int16_t>(b).subspan(0, 4));
    parts.process(std::span<const int16_t>(in).subspan(2), std::span<int16_t>(b).subspan(4));
    EXPECT_EQ(a, b);
}

TEST(Resampler, DownsamplingByTwoSmoothsThenKeepsEverySecond)
{
    Downsampler<Triangle> down;
    std::vector<int16_t> ramp(16), out(8);
    for (size_t n = 0; n < ramp.size(); n++)
        ramp[n] = int16_t(100 * n);
    EXPECT_EQ(down.process(ramp, out), 8u);
    // After x[2i], x[2i+1]: (x[2i-1] + 2 x[2i] + x[2i+1]) / 4 = 200 i on a ramp (x[-1] = 0 at i=0).
    for (size_t i = 1; i < out.size(); i++)
        EXPECT_EQ(out[i], int16_t(200 * i)) << i;
    EXPECT_EQ(out[0], 25); // (0 + 0 + 100) / 4
    Downsampler<Triangle> one;
    int16_t s = 0;
    size_t got = 0;
    for (int16_t x : ramp)
        if (one.push_sample(x, s))
            EXPECT_EQ(s, out[got++]);
    EXPECT_EQ(got, out.size());
}

TEST(Resampler, SaturatesInsteadOfWrapping)
{
    Upsampler<Hot> up;
    std::vector<int16_t> in(4, 32767), out(8);
    up.process(in, out);
    for (int16_t s : out)
        EXPECT_EQ(s, 32767);
}
