// Goertzel DTMF detection with energy, dominance and twist checks (ITU-T Q.23/Q.24 figures).
#include "sip/media/dtmf_detector.h"

#include "sip/media/tones.h"

namespace oh::media {

namespace {

constexpr double const_cos(double x)
{
    double term = 1, sum = 1;
    for (int n = 1; n < 14; ++n) {
        term *= -x * x / ((2 * n - 1) * (2 * n));
        sum += term;
    }
    return sum;
}

// 2 cos(2 pi f / 8000) in Q14 for rows then columns, computed at compile time.
constexpr int32_t coefficient(uint16_t f)
{
    double c = 2 * const_cos(2 * 3.14159265358979323846 * f / 8000.0) * 16384.0;
    return int32_t(c < 0 ? c - 0.5 : c + 0.5);
}

constexpr int32_t kCoef[8] = {
    coefficient(kDtmfRows[0]), coefficient(kDtmfRows[1]), coefficient(kDtmfRows[2]), coefficient(kDtmfRows[3]),
    coefficient(kDtmfCols[0]), coefficient(kDtmfCols[1]), coefficient(kDtmfCols[2]), coefficient(kDtmfCols[3]),
};

// Thresholds, as ratios of Goertzel powers (no floating point, no logs).
constexpr int64_t kTwistNormal = 63;   // x10: 8 dB, the column tone may be weaker by this
constexpr int64_t kTwistReverse = 25;  // x10: 4 dB, the row tone may be weaker by this
constexpr int64_t kDominance = 63;     // x10: 8 dB above any other tone of its group
// A tone of peak A over N samples gives power about (A N / 2)^2; this is A = 400 (about
// -31 dBm0), below which nothing counts.
constexpr int64_t kMinPower = (400LL * DtmfDetector::kBlock / 2) * (400LL * DtmfDetector::kBlock / 2);

} // namespace

void DtmfDetector::reset_block()
{
    for (int i = 0; i < 8; ++i)
        m_s1[i] = m_s2[i] = 0;
    m_energy = 0;
    m_count = 0;
}

char DtmfDetector::classify() const
{
    int64_t power[8];
    for (int i = 0; i < 8; ++i) {
        int64_t s1 = m_s1[i], s2 = m_s2[i];
        power[i] = s1 * s1 + s2 * s2 - ((kCoef[i] * s1) >> 14) * s2;
    }
    int row = 0, col = 4;
    for (int i = 1; i < 4; ++i) {
        if (power[i] > power[row])
            row = i;
        if (power[4 + i] > power[col])
            col = 4 + i;
    }
    int64_t pr = power[row], pc = power[col];
    if (pr < kMinPower || pc < kMinPower)
        return 0;
    if (pc * kTwistNormal < pr * 10 || pr * kTwistReverse < pc * 10)
        return 0;
    for (int i = 0; i < 4; ++i) {
        if (i != row && power[i] * kDominance > pr * 10)
            return 0;
        if (4 + i != col && power[4 + i] * kDominance > pc * 10)
            return 0;
    }
    // A pure pair puts (pr + pc) at about N * energy / 2; speech spreads its energy.
    // Require 60 % of that: (pr + pc) * 10 >= 3 * N * energy.
    if ((pr + pc) * 10 < 3 * kBlock * m_energy)
        return 0;
    return kDtmfKeys[row][col - 4];
}

char DtmfDetector::process(std::span<const int16_t> pcm)
{
    char began = 0;
    for (int16_t x : pcm) {
        m_energy += int64_t(x) * x;
        for (int i = 0; i < 8; ++i) {
            int32_t s0 = x + int32_t((int64_t(kCoef[i]) * m_s1[i]) >> 14) - m_s2[i];
            m_s2[i] = m_s1[i];
            m_s1[i] = s0;
        }
        if (++m_count < kBlock)
            continue;
        char key = classify();
        reset_block();
        if (key && key == m_last_block && key != m_reported) {
            m_reported = key;
            m_detections++;
            began = key;
        }
        if (key == m_reported && key) {
            m_misses = 0;
        } else if (m_reported && ++m_misses >= 2) {
            m_reported = 0;
            m_misses = 0;
        }
        m_last_block = key;
    }
    return began;
}

} // namespace oh::media
