// G.711 exactness: every 16-bit input and every 8-bit code against spandsp's reference.
#include "sip/media/g711.h"

#include <gtest/gtest.h>
#include <spandsp.h>

namespace {

namespace m = oh::media;
using m::G711Law;
using m::kUlawSilence;
using m::kAlawSilence;

TEST(G711, UlawEncodeMatchesSpandspForEveryInput)
{
    int mismatches = 0;
    for (int x = -32768; x <= 32767; ++x) {
        uint8_t ours = m::linear_to_ulaw(int16_t(x));
        uint8_t ref = ::linear_to_ulaw(x);
        if (ours != ref && mismatches++ < 5)
            ADD_FAILURE() << "ulaw x=" << x << " ours=" << int(ours) << " ref=" << int(ref);
    }
    EXPECT_EQ(mismatches, 0);
}

TEST(G711, AlawEncodeMatchesSpandspForEveryInput)
{
    int mismatches = 0;
    for (int x = -32768; x <= 32767; ++x) {
        uint8_t ours = m::linear_to_alaw(int16_t(x));
        uint8_t ref = ::linear_to_alaw(x);
        if (ours != ref && mismatches++ < 5)
            ADD_FAILURE() << "alaw x=" << x << " ours=" << int(ours) << " ref=" << int(ref);
    }
    EXPECT_EQ(mismatches, 0);
}

TEST(G711, DecodeMatchesSpandspForEveryCode)
{
    for (int c = 0; c < 256; ++c) {
        EXPECT_EQ(m::ulaw_to_linear(uint8_t(c)), ::ulaw_to_linear(uint8_t(c))) << c;
        EXPECT_EQ(m::alaw_to_linear(uint8_t(c)), ::alaw_to_linear(uint8_t(c))) << c;
    }
}

TEST(G711, BlockFunctionsMatchSpandspStateApi)
{
    int16_t pcm[400];
    for (int i = 0; i < 400; ++i)
        pcm[i] = int16_t(i * 163 - 32768);
    for (auto law : { G711Law::Ulaw, G711Law::Alaw }) {
        g711_state_t* st = g711_init(nullptr, law == G711Law::Ulaw ? G711_ULAW : G711_ALAW);
        ASSERT_NE(st, nullptr);
        uint8_t ours[400], ref[400];
        EXPECT_EQ(m::g711_encode(law, pcm, ours), 400u);
        EXPECT_EQ(::g711_encode(st, ref, pcm, 400), 400);
        EXPECT_EQ(0, memcmp(ours, ref, sizeof ours));
        int16_t dec_ours[400], dec_ref[400];
        EXPECT_EQ(m::g711_decode(law, ours, dec_ours), 400u);
        EXPECT_EQ(::g711_decode(st, dec_ref, ref, 400), 400);
        EXPECT_EQ(0, memcmp(dec_ours, dec_ref, sizeof dec_ours));
        g711_free(st);
    }
}

// Values from G.711 Tables 1a/2a (decoder outputs scaled to 16 bits: µ-law x4, A-law x8).
TEST(G711, TableValues)
{
    EXPECT_EQ(m::ulaw_to_linear(0xff), 0);
    EXPECT_EQ(m::ulaw_to_linear(0x7f), 0);
    EXPECT_EQ(m::ulaw_to_linear(0x80), 8031 * 4);
    EXPECT_EQ(m::ulaw_to_linear(0x00), -8031 * 4);
    EXPECT_EQ(m::ulaw_to_linear(0xfe), 1 * 4 * 2);
    EXPECT_EQ(m::alaw_to_linear(0xd5), 1 * 8);
    EXPECT_EQ(m::alaw_to_linear(0x55), -1 * 8);
    EXPECT_EQ(m::alaw_to_linear(0xaa), 4032 * 8);
    EXPECT_EQ(m::linear_to_ulaw(0), kUlawSilence);
    EXPECT_EQ(m::linear_to_alaw(0), kAlawSilence);
    EXPECT_EQ(m::linear_to_ulaw(32767), 0x80);
    EXPECT_EQ(m::linear_to_ulaw(-32768), 0x00);
    EXPECT_EQ(m::linear_to_alaw(32767), 0xaa);
    EXPECT_EQ(m::linear_to_alaw(-32768), 0x2a);
}

TEST(G711, DecodeThenEncodeIsIdentity)
{
    for (int c = 0; c < 256; ++c) {
        if (c != 0x7f) { // µ-law negative zero decodes to 0, which encodes as positive zero
            EXPECT_EQ(m::linear_to_ulaw(m::ulaw_to_linear(uint8_t(c))), c) << c;
        }
        EXPECT_EQ(m::linear_to_alaw(m::alaw_to_linear(uint8_t(c))), c) << c;
    }
}

TEST(G711, BlockUsesShorterLength)
{
    int16_t pcm[10] {};
    uint8_t out[4];
    EXPECT_EQ(m::g711_encode(G711Law::Ulaw, pcm, out), 4u);
}

} // namespace
