// Loss concealment quality: SNR of concealed frames on voiced speech-like signals under loss.
#include "sip/media/plc.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "lib/random.h"
#include "sip/media/g711.h"

namespace {

namespace m = oh::media;

// Voiced speech stand-in: harmonics of a gliding 100-160 Hz pitch shaped by two formants,
// with a 4 Hz syllable envelope, passed through µ-law like the real path.
std::vector<int16_t> voiced(size_t n)
{
    std::vector<int16_t> out(n);
    double phase = 0;
    for (size_t i = 0; i < n; ++i) {
        double t = i / 8000.0;
        double f0 = 130 + 30 * std::sin(2 * M_PI * 0.3 * t);
        phase += 2 * M_PI * f0 / 8000.0;
        double v = 0;
        for (int k = 1; k * f0 < 3400; ++k) {
            double f = k * f0;
            double formant = 1.0 / (1 + std::pow((f - 700) / 150, 2)) + 0.6 / (1 + std::pow((f - 1200) / 200, 2)) + 0.05;
            v += formant * std::sin(k * phase) / k;
        }
        double env = 0.55 + 0.45 * std::sin(2 * M_PI * 4 * t);
        out[i] = m::ulaw_to_linear(m::linear_to_ulaw(int16_t(std::lround(9000 * env * v))));
    }
    return out;
}

double snr_db(const int16_t* ref, const int16_t* got, size_t n)
{
    double s = 0, e = 0;
    for (size_t i = 0; i < n; ++i) {
        s += double(ref[i]) * ref[i];
        double d = double(ref[i]) - got[i];
        e += d * d;
    }
    return e == 0 ? 99.0 : 10 * std::log10(s / e);
}

struct LossRun {
    double overall_plc, overall_zero, lost_plc, lost_zero;
};

LossRun run_with_loss(const std::vector<int16_t>& ref, double loss, uint64_t seed)
{
    oh::Xoshiro128 rng(seed);
    m::Plc plc;
    std::vector<int16_t> out_plc(ref.size()), out_zero(ref.size());
    std::vector<int16_t> lost_ref, lost_plc, lost_zero;
    for (size_t f = 0; f + 160 <= ref.size(); f += 160) {
        bool lost = f > 0 && (rng.next_u32() >> 8) < uint32_t(loss * (1 << 24));
        std::span<int16_t> frame(out_plc.data() + f, 160);
        if (lost) {
            plc.conceal(frame);
            lost_ref.insert(lost_ref.end(), ref.begin() + long(f), ref.begin() + long(f + 160));
            lost_plc.insert(lost_plc.end(), frame.begin(), frame.end());
            lost_zero.insert(lost_zero.end(), 160, 0);
        } else {
            std::copy(ref.begin() + long(f), ref.begin() + long(f + 160), frame.begin());
            plc.good_frame(frame);
            std::copy(ref.begin() + long(f), ref.begin() + long(f + 160), out_zero.begin() + long(f));
        }
    }
    return { snr_db(ref.data(), out_plc.data(), ref.size()), snr_db(ref.data(), out_zero.data(), ref.size()),
        snr_db(lost_ref.data(), lost_plc.data(), lost_ref.size()),
        snr_db(lost_ref.data(), lost_zero.data(), lost_ref.size()) };
}

TEST(Plc, FivePercentLossOnVoicedSignal)
{
    auto ref = voiced(8000 * 20);
    auto r = run_with_loss(ref, 0.05, 7);
    printf("  [plc] 5%% loss: overall SNR %.1f dB (zero fill %.1f), concealed frames %.1f dB (zero fill %.1f)\n",
        r.overall_plc, r.overall_zero, r.lost_plc, r.lost_zero);
    // Waveform SNR of period repetition is modest by nature (pitch is not a whole number of
    // samples); the bar is: clearly better than silence. tools/bench/media_bench.cpp compares
    // with spandsp's App. I PLC on the same signal (spandsp's PLC trips ASan, so not here).
    EXPECT_GT(r.lost_plc, 3.0); // zero fill is 0 dB by definition
    EXPECT_GT(r.overall_plc, r.overall_zero + 3.0);
    EXPECT_GT(r.overall_plc, 15.0);
}

TEST(Plc, PeriodicSignalIsContinuedExactlyForTheFirst10ms)
{
    // 100 Hz with harmonics: period 80 samples, in the pitch search range.
    std::vector<int16_t> ref(8000);
    for (size_t i = 0; i < ref.size(); ++i)
        ref[i] = int16_t(8000 * std::sin(2 * M_PI * 100 * i / 8000.0) + 3000 * std::sin(2 * M_PI * 300 * i / 8000.0));
    m::Plc plc;
    std::vector<int16_t> buf(ref);
    for (size_t f = 0; f < 2400; f += 160)
        plc.good_frame({ buf.data() + f, 160 });
    plc.conceal({ buf.data() + 2400, 160 });
    EXPECT_EQ(plc.pitch() % 80, 0);
    EXPECT_GT(snr_db(ref.data() + 2400, buf.data() + 2400, 80), 30.0);
    // Second 10 ms: attenuated 0-20 %, still the same waveform shape.
    EXPECT_GT(snr_db(ref.data() + 2480, buf.data() + 2480, 80), 8.0);
}

TEST(Plc, LongErasureFadesToSilenceAndRecoversSmoothly)
{
    std::vector<int16_t> ref(8000);
    for (size_t i = 0; i < ref.size(); ++i)
        ref[i] = int16_t(10000 * std::sin(2 * M_PI * 150 * i / 8000.0));
    m::Plc plc;
    std::vector<int16_t> buf(ref);
    for (size_t f = 0; f < 1600; f += 160)
        plc.good_frame({ buf.data() + f, 160 });
    for (size_t f = 1600; f < 1600 + 4 * 160; f += 160)
        plc.conceal({ buf.data() + f, 160 });
    // After 60 ms nothing is left.
    for (size_t i = 1600 + 480; i < 1600 + 640; ++i)
        EXPECT_EQ(buf[i], 0) << i;
    EXPECT_TRUE(plc.in_erasure());
    plc.good_frame({ buf.data() + 2240, 160 });
    EXPECT_FALSE(plc.in_erasure());
    // The splice fades in: the first sample is near the (silent) concealment, not a step.
    EXPECT_LT(std::abs(buf[2240]), 1000);
    EXPECT_EQ(buf[2240 + 159], ref[2240 + 159]);
}

TEST(Plc, SilenceStaysSilent)
{
    m::Plc plc;
    int16_t frame[160] {};
    plc.good_frame(frame);
    plc.conceal(frame);
    for (int16_t s : frame)
        EXPECT_EQ(s, 0);
}

} // namespace
