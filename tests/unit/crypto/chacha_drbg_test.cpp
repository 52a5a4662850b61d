// The ChaCha20 DRBG: fast key erasure, determinism per seed, reseeding, statistical sanity.
#include "lib/crypto/chacha_drbg.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <vector>

namespace {

using oh::crypto::ChaChaDrbg;
using oh::crypto::EntropySource;

std::array<uint8_t, 32> seed_of(uint8_t first)
{
    std::array<uint8_t, 32> s {};
    for (size_t i = 0; i < s.size(); i++)
        s[i] = uint8_t(first + i);
    return s;
}

std::vector<uint8_t> state_of(const ChaChaDrbg& g) { return { g.state().begin(), g.state().end() }; }

std::vector<uint8_t> take(ChaChaDrbg& g, size_t n)
{
    std::vector<uint8_t> out(n);
    g.generate(out);
    return out;
}

bool contains(const std::vector<uint8_t>& hay, const std::vector<uint8_t>& needle)
{
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

class CountingSource final : public EntropySource {
public:
    size_t gather(std::span<uint8_t> out) override
    {
        calls++;
        for (auto& b : out)
            b = uint8_t(calls * 31 + 7);
        return out.size();
    }
    int calls { 0 };
};

TEST(ChaChaDrbg, SameSeedSameOutputDifferentSeedsDiffer)
{
    auto s = seed_of(1);
    ChaChaDrbg a(s), b(s), c(seed_of(2));
    for (int i = 0; i < 100; i++) {
        uint32_t va = a.next_u32();
        EXPECT_EQ(va, b.next_u32());
        EXPECT_NE(va, c.next_u32()); // a 1 in 2^32 chance per step of a false failure: none here
    }
    // A seed differing in one bit of its last byte gives another stream too.
    auto s2 = s;
    s2[31] ^= 1;
    ChaChaDrbg d(s), e(s2);
    EXPECT_NE(take(d, 64), take(e, 64));
}

TEST(ChaChaDrbg, OutputReplacesTheKey)
{
    ChaChaDrbg g(seed_of(9));
    auto before = state_of(g);
    auto out = take(g, 32);
    auto after = state_of(g);
    EXPECT_NE(before, after);
    EXPECT_FALSE(contains(after, out)) << "the output must not be part of the state";
    EXPECT_FALSE(contains(out, before));
    // Every request rekeys, even a 4-byte one.
    g.next_u32();
    EXPECT_NE(state_of(g), after);
}

TEST(ChaChaDrbg, StateAfterOutputCannotReplayIt)
{
    // Fast key erasure: a copy of the state taken after an output (what an attacker reading
    // memory gets) produces only what comes next, never the output already handed out.
    ChaChaDrbg g(seed_of(3));
    auto first = take(g, 48);
    ChaChaDrbg copy = g; // the state is the whole secret: a copy continues the stream
    auto next = take(g, 48);
    EXPECT_EQ(take(copy, 48), next);
    EXPECT_NE(next, first);
    // Nothing of the earlier output appears in anything the copy can produce either.
    ChaChaDrbg copy2 = g;
    for (int i = 0; i < 64; i++)
        EXPECT_FALSE(contains(take(copy2, 64), std::vector<uint8_t>(first.begin(), first.begin() + 8)));
}

TEST(ChaChaDrbg, LongRequestsSpanBlocksWithoutRepeats)
{
    ChaChaDrbg g(seed_of(5));
    auto out = take(g, 300); // 32 bytes from block 0, then blocks 1..5 of the old key
    std::set<std::vector<uint8_t>> chunks;
    for (size_t i = 0; i + 16 <= out.size(); i += 16)
        chunks.insert(std::vector<uint8_t>(out.begin() + i, out.begin() + i + 16));
    EXPECT_EQ(chunks.size(), out.size() / 16);
    // A long request and a short one from the same state start alike (same block 0 half).
    ChaChaDrbg h(seed_of(5));
    auto short_out = take(h, 20);
    EXPECT_TRUE(std::equal(short_out.begin(), short_out.end(), out.begin()));
}

TEST(ChaChaDrbg, MixChangesTheStreamAndIsOrderSensitive)
{
    ChaChaDrbg a(seed_of(1)), b(seed_of(1)), c(seed_of(1));
    uint8_t x[] = { 1, 2, 3 }, y[] = { 4, 5, 6 };
    a.mix(x);
    a.mix(y);
    b.mix(y);
    b.mix(x);
    EXPECT_NE(state_of(a), state_of(b));
    EXPECT_NE(state_of(a), state_of(c));
    // An all-zero chunk still changes the key (it goes through the block function).
    uint8_t zeros[32] {};
    auto before = state_of(c);
    c.mix(zeros);
    EXPECT_NE(state_of(c), before);
}

TEST(ChaChaDrbg, ReseedsFromItsSourceEveryInterval)
{
    CountingSource source;
    ChaChaDrbg g(seed_of(7), &source);
    ChaChaDrbg plain(seed_of(7));
    for (uint32_t i = 0; i + 1 < ChaChaDrbg::kReseedInterval; i++)
        EXPECT_EQ(g.next_u32(), plain.next_u32());
    EXPECT_EQ(source.calls, 0);
    // The interval's last request mixes fresh material in before it produces its output.
    EXPECT_NE(g.next_u32(), plain.next_u32());
    EXPECT_EQ(source.calls, 1);
    EXPECT_EQ(g.reseeds(), 1u);
    for (uint32_t i = 0; i < 3 * ChaChaDrbg::kReseedInterval; i++)
        g.next_u32();
    EXPECT_EQ(source.calls, 4);
}

TEST(ChaChaDrbg, StatisticalSanity)
{
    // Not a proof of anything, but a broken round function or a stuck key shows up here:
    // bit balance, byte frequencies (chi-square, 255 degrees of freedom) and no repeats.
    ChaChaDrbg g(seed_of(11));
    constexpr size_t kWords = 1 << 16;
    std::vector<uint32_t> words(kWords);
    for (auto& w : words)
        w = g.next_u32();

    uint64_t ones = 0;
    std::array<uint64_t, 32> per_bit {};
    std::array<uint64_t, 256> bytes {};
    for (uint32_t w : words) {
        ones += __builtin_popcount(w);
        for (int b = 0; b < 32; b++)
            per_bit[b] += (w >> b) & 1;
        for (int k = 0; k < 4; k++)
            bytes[(w >> (8 * k)) & 0xff]++;
    }
    // Monobit: 2^21 bits, sigma = sqrt(n)/2 = 724; allow 5 sigma.
    double n = 32.0 * kWords;
    EXPECT_LT(std::fabs(double(ones) - n / 2), 5 * std::sqrt(n) / 2);
    // Each bit position on its own: 2^16 samples, sigma 128; 5 sigma.
    for (int b = 0; b < 32; b++)
        EXPECT_LT(std::fabs(double(per_bit[b]) - kWords / 2.0), 5 * 128.0) << "bit " << b;
    // Chi-square over byte values: mean 255, sd ~22.6; 400 is beyond 6 sd.
    double expected = 4.0 * kWords / 256;
    double chi = 0;
    for (auto c : bytes)
        chi += (double(c) - expected) * (double(c) - expected) / expected;
    EXPECT_GT(chi, 150.0);
    EXPECT_LT(chi, 400.0);
    // Birthday bound: 2^16 words out of 2^32 repeat about 0.5 times on average; more than a
    // handful means the generator cycles.
    std::sort(words.begin(), words.end());
    size_t repeats = 0;
    for (size_t i = 1; i < words.size(); i++)
        repeats += words[i] == words[i - 1];
    EXPECT_LE(repeats, 6u);
}

TEST(ChaChaDrbg, UsableThroughTheRandomInterface)
{
    ChaChaDrbg g(seed_of(13));
    oh::Random& r = g;
    std::set<uint32_t> seen;
    for (int i = 0; i < 1000; i++)
        seen.insert(r.next_u32());
    EXPECT_EQ(seen.size(), 1000u);
}

} // namespace
