// Tone generation: table sine oscillator and on/off cadences.
#include "sip/media/tones.h"

#include <array>

namespace oh::media {

namespace {

// sin() at compile time (Taylor series after range reduction): no libm at run time.
constexpr double const_sin(double x)
{
    constexpr double kPi = 3.14159265358979323846;
    while (x > kPi)
        x -= 2 * kPi;
    while (x < -kPi)
        x += 2 * kPi;
    double term = x, sum = x;
    for (int n = 1; n < 12; ++n) {
        term *= -x * x / ((2 * n) * (2 * n + 1));
        sum += term;
    }
    return sum;
}

constexpr std::array<int16_t, 257> make_sine()
{
    std::array<int16_t, 257> t {};
    for (int i = 0; i <= 256; ++i) {
        double v = const_sin(2 * 3.14159265358979323846 * i / 256) * 32767.0;
        t[size_t(i)] = int16_t(v < 0 ? v - 0.5 : v + 0.5);
    }
    return t;
}

constexpr std::array<int16_t, 257> kSine = make_sine(); // one guard entry for interpolation

} // namespace

void Oscillator::set(uint32_t frequency_hz, int16_t amplitude) { set_centihertz(frequency_hz * 100, amplitude); }

void Oscillator::set_centihertz(uint32_t centihz, int16_t amplitude)
{
    m_step = uint32_t((uint64_t(centihz) << 32) / (uint64_t(kSampleRate) * 100));
    m_amplitude = amplitude;
}

int16_t Oscillator::next()
{
    uint32_t index = m_phase >> 24;
    int32_t frac = int32_t((m_phase >> 8) & 0xffff);
    int32_t a = kSine[index], b = kSine[index + 1];
    int32_t s = a + (((b - a) * frac) >> 16);
    m_phase += m_step;
    return int16_t((s * m_amplitude) >> 15);
}

bool dtmf_tone(char key, uint16_t duration_ms, ToneSpec& out)
{
    for (int r = 0; r < 4; ++r) {
        for (int c = 0; c < 4; ++c) {
            if (kDtmfKeys[r][c] == key) {
                // Q.23/Q.24: about -7 dBm0 per tone is typical; -10 dBm0 leaves headroom.
                out = { kDtmfRows[r], kDtmfCols[c], kLevelMinus10dBm0, duration_ms, 0, true };
                return true;
            }
        }
    }
    return false;
}

void ToneGenerator::start(const ToneSpec& spec)
{
    m_spec = spec;
    m_a = {};
    m_b = {};
    m_a.set(spec.f1, spec.amplitude);
    if (spec.f2)
        m_b.set(spec.f2, spec.amplitude);
    m_position = 0;
    m_active = true;
}

void ToneGenerator::generate(std::span<int16_t> out)
{
    uint32_t on = uint32_t(m_spec.on_ms) * (kSampleRate / 1000);
    uint32_t cycle = on + uint32_t(m_spec.off_ms) * (kSampleRate / 1000);
    for (auto& s : out) {
        if (!m_active) {
            s = 0;
            continue;
        }
        if (m_spec.once && m_position >= on) {
            m_active = false;
            s = 0;
            continue;
        }
        bool sounding = (m_spec.off_ms == 0 && !m_spec.once) || m_position < on;
        int32_t v = 0;
        if (sounding) {
            v = m_a.next();
            if (m_spec.f2)
                v += m_b.next();
        }
        s = int16_t(v);
        if (m_spec.once)
            ++m_position;
        else if (m_spec.off_ms && ++m_position >= cycle)
            m_position = 0;
    }
}

} // namespace oh::media
