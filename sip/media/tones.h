// Call progress tones (dial, ringback, busy), a test sine and DTMF pairs, generated in integers.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

namespace oh::media {

constexpr uint32_t kSampleRate = 8000;

// Phase-accumulator sine oscillator: 256-entry table, linear interpolation, Q15 amplitude.
class Oscillator {
public:
    void set(uint32_t frequency_hz, int16_t amplitude);
    // Frequency in 1/100 Hz, for off-nominal tests (e.g. DTMF +1.5 %).
    void set_centihertz(uint32_t centihz, int16_t amplitude);
    int16_t next();

private:
    uint32_t m_phase { 0 };
    uint32_t m_step { 0 };
    int16_t m_amplitude { 0 };
};

// Amplitudes (peak, of a full-scale 16-bit sample) for common levels. 0 dBm0 is a sine of
// peak 3.14 dB below the G.711 overload point (G.711 §2: +3.14 dBm0 is full scale).
constexpr int16_t kLevelMinus10dBm0 = 7218; // 32767 * 10^((-10 - 3.14) / 20)
constexpr int16_t kLevelMinus13dBm0 = 5110;
constexpr int16_t kLevelMinus19dBm0 = 2561;

// Which tone plan call progress tones follow.
enum class ToneRegion : uint8_t {
    Europe,       // ITU-T E.180 Supplement 2 / ETSI ES 201 970: the common 425 Hz plan
    NorthAmerica, // ANSI T1.401 "precise tone plan"
};

enum class CallTone : uint8_t { Dial, Ringback, Busy };

struct ToneSpec {
    uint16_t f1 { 0 };        // Hz
    uint16_t f2 { 0 };        // Hz, 0 for a single frequency
    int16_t amplitude { 0 };  // per component
    uint16_t on_ms { 0 };
    uint16_t off_ms { 0 };    // 0 = continuous
    bool once { false };      // stop after one on period (a DTMF digit)
};

constexpr ToneSpec call_tone(ToneRegion region, CallTone tone)
{
    if (region == ToneRegion::Europe) {
        switch (tone) {
        case CallTone::Dial: return { 425, 0, kLevelMinus10dBm0, 1000, 0 };
        case CallTone::Ringback: return { 425, 0, kLevelMinus10dBm0, 1000, 4000 };
        case CallTone::Busy: return { 425, 0, kLevelMinus10dBm0, 500, 500 };
        }
    }
    switch (tone) {
    case CallTone::Dial: return { 350, 440, kLevelMinus13dBm0, 1000, 0 };
    case CallTone::Ringback: return { 440, 480, kLevelMinus19dBm0, 2000, 4000 };
    case CallTone::Busy: return { 480, 620, kLevelMinus19dBm0, 500, 500 };
    }
    return {};
}

// ITU-T Q.23 DTMF frequencies.
constexpr uint16_t kDtmfRows[4] = { 697, 770, 852, 941 };
constexpr uint16_t kDtmfCols[4] = { 1209, 1336, 1477, 1633 };
constexpr char kDtmfKeys[4][5] = { "123A", "456B", "789C", "*0#D" };

// DTMF digit as a tone: returns false for a character that is not a key.
bool dtmf_tone(char key, uint16_t duration_ms, ToneSpec& out);

class ToneGenerator {
public:
    void start(const ToneSpec& spec);
    void start_test_tone(uint32_t frequency_hz, int16_t amplitude) { start({ uint16_t(frequency_hz), 0, amplitude, 1000, 0 }); }
    void stop() { m_active = false; }
    bool active() const { return m_active; }
    // Adds nothing when inactive: fills out with the tone or with zeros.
    void generate(std::span<int16_t> out);

private:
    Oscillator m_a {}, m_b {};
    ToneSpec m_spec {};
    uint32_t m_position { 0 }; // samples into the current on+off cycle
    bool m_active { false };
};

} // namespace oh::media
