// Injected randomness for portable code (SIP tags/branches/cnonces, RTP SSRC/sequence, DHCP xid,
// DNS IDs and ports).
#pragma once

#include <stdint.h>

namespace oh {

class Random {
public:
    virtual uint32_t next_u32() = 0;

protected:
    ~Random() = default;
};

// xoshiro128** (Blackman & Vigna): fast, good statistical quality, NOT cryptographic: for
// tests, fuzzers, benchmarks and simulations that want the same run twice (a fixed seed).
// What the network can see (tags, branches, cnonces, DNS IDs and ports, SSRCs) comes from
// crypto::ChaChaDrbg (lib/crypto/chacha_drbg.h) on every target.
class Xoshiro128 final : public Random {
public:
    constexpr explicit Xoshiro128(uint64_t seed = 0x9e3779b97f4a7c15ull) { reseed(seed); }

    constexpr void reseed(uint64_t seed)
    {
        // splitmix64 expands the seed so that similar seeds give unrelated states.
        for (auto& word : m_s) {
            seed += 0x9e3779b97f4a7c15ull;
            uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
            word = uint32_t(z ^ (z >> 31));
        }
        if (!(m_s[0] | m_s[1] | m_s[2] | m_s[3]))
            m_s[0] = 1;
    }

    uint32_t next_u32() override
    {
        uint32_t result = rotl(m_s[1] * 5, 7) * 9;
        uint32_t t = m_s[1] << 9;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 11);
        return result;
    }

private:
    static constexpr uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
    uint32_t m_s[4] {};
};

} // namespace oh
