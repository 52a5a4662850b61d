// In-band DTMF detector: fixed-point Goertzel filters on the eight ITU-T Q.23 frequencies.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

namespace oh::media {

// Blocks of 102 samples (12.75 ms, bins about 78 Hz wide) keep a ±1.5 % off-nominal tone
// within 1.5 dB of its bin. A key is reported after two consecutive blocks agree (about
// 25 ms of tone, under the 40 ms Q.24 minimum) and released after two without it.
// Speech and noise are rejected by requiring the two tones to hold most of the block's
// energy, each to dominate its group, and the twist to stay within 8 dB / 4 dB.
class DtmfDetector {
public:
    static constexpr int kBlock = 102;

    // Feed any number of samples; returns the key whose tone just began, or 0.
    char process(std::span<const int16_t> pcm);
    char current() const { return m_reported; }
    uint32_t detected() const { return m_detections; }

private:
    char classify() const;
    void reset_block();

    int32_t m_s1[8] {};
    int32_t m_s2[8] {};
    int64_t m_energy { 0 };
    int m_count { 0 };
    char m_last_block { 0 };
    char m_reported { 0 };
    uint8_t m_misses { 0 };
    uint32_t m_detections { 0 };
};

} // namespace oh::media
