// G.711 µ-law and A-law companding (ITU-T G.711 Tables 1a/2a), 16-bit linear PCM in and out.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <array>
#include <bit>
#include <span>

namespace oh::media {

// A quiet frame's largest 16-bit sample: 36 dB below full scale, about -33 dBm0 (G.711 puts
// µ-law's overload, a sine of peak 8159 of 8192, at +3.17 dBm0). Where a frame may be dropped
// or played twice unheard: the jitter buffer shrinking, the playback cushion steering, the
// capture reserve trimming.
constexpr int16_t kQuietPeak = 512;

constexpr bool frame_is_quiet(const int16_t* pcm, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        if (pcm[i] > kQuietPeak || pcm[i] < -kQuietPeak)
            return false;
    }
    return true;
}

// µ-law: the 14-bit magnitude of G.711 Table 2a is taken from the top of a 16-bit sample, so
// the bias 33 becomes 33 << 2 = 0x84. Negative inputs use their true magnitude (not the
// ones' complement), which is what spandsp and most telephony stacks do; on 16-bit input
// G.711 itself only fixes the decision values, which this meets.
constexpr uint8_t linear_to_ulaw(int16_t sample)
{
    constexpr int kBias = 0x84;
    int magnitude;
    uint8_t invert;
    if (sample >= 0) {
        magnitude = sample + kBias;
        invert = 0xff; // sign bit 1 for positive after inversion (G.711 §2: all bits inverted)
    } else {
        magnitude = kBias - sample;
        invert = 0x7f;
    }
    // Segment = position of the leading 1 above the 8 low bits (magnitude >= 0x84 always).
    unsigned segment = unsigned(std::bit_width(unsigned(magnitude) >> 8));
    if (segment >= 8)
        return uint8_t(0x7f ^ invert); // clip to the largest code of that sign
    unsigned step = unsigned(magnitude >> (segment + 3)) & 0x0f;
    return uint8_t(((segment << 4) | step) ^ invert);
}

// A-law: 13-bit magnitude from the top of a 16-bit sample; negative values are ones'
// complemented (G.711 Table 1a is symmetric around -1/2 LSB); even bits inverted (0x55).
constexpr uint8_t linear_to_alaw(int16_t sample)
{
    constexpr uint8_t kEvenBits = 0x55;
    int magnitude;
    uint8_t mask;
    if (sample >= 0) {
        magnitude = sample;
        mask = kEvenBits | 0x80;
    } else {
        magnitude = -int(sample) - 1;
        mask = kEvenBits;
    }
    unsigned segment = unsigned(std::bit_width(unsigned(magnitude) >> 8));
    if (segment >= 8)
        return uint8_t(0x7f ^ mask);
    unsigned shift = segment ? segment + 3 : 4;
    unsigned step = unsigned(magnitude >> shift) & 0x0f;
    return uint8_t(((segment << 4) | step) ^ mask);
}

// Decoders return the reconstruction value at the middle of each quantisation interval
// (G.711 Tables 1a/2a, column "decoder output"), scaled to 16 bits.
constexpr int16_t ulaw_to_linear_calc(uint8_t code)
{
    unsigned c = uint8_t(~code);
    unsigned segment = (c >> 4) & 7;
    int value = int((((c & 0x0f) << 3) + 0x84) << segment) - 0x84;
    return int16_t((c & 0x80) ? -value : value);
}

constexpr int16_t alaw_to_linear_calc(uint8_t code)
{
    unsigned c = code ^ 0x55u;
    unsigned segment = (c >> 4) & 7;
    int value = int((c & 0x0f) << 4);
    value = segment ? (value + 0x108) << (segment - 1) : value + 8;
    return int16_t((c & 0x80) ? value : -value);
}

namespace detail {
template<int16_t (*F)(uint8_t)>
constexpr std::array<int16_t, 256> make_decode_table()
{
    std::array<int16_t, 256> t {};
    for (unsigned i = 0; i < 256; ++i)
        t[i] = F(uint8_t(i));
    return t;
}
// 512 bytes each in .rodata: cheaper than the arithmetic on every target we have.
inline constexpr std::array<int16_t, 256> kUlawTable = make_decode_table<ulaw_to_linear_calc>();
inline constexpr std::array<int16_t, 256> kAlawTable = make_decode_table<alaw_to_linear_calc>();
} // namespace detail

constexpr int16_t ulaw_to_linear(uint8_t code) { return detail::kUlawTable[code]; }
constexpr int16_t alaw_to_linear(uint8_t code) { return detail::kAlawTable[code]; }

// Silence as it appears on the wire (positive zero).
constexpr uint8_t kUlawSilence = 0xff;
constexpr uint8_t kAlawSilence = 0xd5;

enum class G711Law : uint8_t { Ulaw, Alaw };

// RFC 3551 §6 static payload types.
constexpr uint8_t kPayloadTypePcmu = 0;
constexpr uint8_t kPayloadTypePcma = 8;

// Block forms used by the media path; out must be at least as long as in (returns the
// number of samples converted: min of the two lengths).
size_t g711_encode(G711Law law, std::span<const int16_t> in, std::span<uint8_t> out);
size_t g711_decode(G711Law law, std::span<const uint8_t> in, std::span<int16_t> out);

constexpr uint8_t g711_silence(G711Law law) { return law == G711Law::Ulaw ? kUlawSilence : kAlawSilence; }

} // namespace oh::media
