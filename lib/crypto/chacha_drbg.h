// A ChaCha20 random generator with fast key erasure, for identifiers an attacker must not
// guess (SIP tags, branches, cnonces, DNS IDs and ports, RTP SSRCs).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/crypto/chacha20.h"
#include "lib/crypto/entropy_source.h"
#include "lib/random.h"

namespace oh::crypto {

// The whole state is one ChaCha20 key. Every request runs the block function (RFC 8439 §2.3)
// on it: the first 32 bytes of block 0 replace the key before any output leaves, the other
// 32 (and further blocks for long requests) are the output. Who reads the state afterwards
// cannot recompute what was handed out before (the block function is one-way in its key);
// mixing in fresh material every kReseedInterval requests makes the future unpredictable
// again after such a compromise. Not thread-safe: each platform wraps it in its own lock.
class ChaChaDrbg final : public Random {
public:
    static constexpr size_t kStateSize = kChaChaKeySize;
    static constexpr uint32_t kReseedInterval = 256; // requests between two gather() calls
    static constexpr size_t kReseedBytes = 32;

    // Unseeded: the key is all zero, so the output is public until mix() is called.
    constexpr ChaChaDrbg() = default;
    explicit ChaChaDrbg(std::span<const uint8_t> seed, EntropySource* source = nullptr);

    // Folds `material` into the key, 32 bytes at a time: key ^= chunk, then the key becomes
    // the first half of a block under that key (a domain-separated nonce keeps these blocks
    // apart from output blocks). Material of low or no entropy never lowers what is there.
    void mix(std::span<const uint8_t> material);
    void generate(std::span<uint8_t> out);
    uint32_t next_u32() override;

    void set_source(EntropySource* source) { m_source = source; }
    uint32_t reseeds() const { return m_reseeds; }
    // For tests: the state (what an attacker who reads memory gets).
    std::span<const uint8_t, kStateSize> state() const { return std::span<const uint8_t, kStateSize>(m_key); }

private:
    void count_request();
    __attribute__((noinline)) void produce(std::span<uint8_t> out);

    uint8_t m_key[kChaChaKeySize] {};
    EntropySource* m_source { nullptr };
    uint32_t m_until_reseed { kReseedInterval };
    uint32_t m_reseeds { 0 };
};

} // namespace oh::crypto
