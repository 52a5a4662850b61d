// ChaCha20 DRBG: fast key erasure (one block per request, its first half the next key) and
// periodic reseeding from an injected entropy source.
#include "lib/crypto/chacha_drbg.h"

#include "lib/bytes.h"

namespace oh::crypto {

namespace {
// Nonces (RFC 8439 §2.3 words 13-15) keep output blocks and mixing blocks apart, so that
// no mixing step ever reproduces an output block under the same key.
constexpr uint8_t kOutputNonce[kChaChaNonceSize] = { 'o', 'h', '-', 'd', 'r', 'b', 'g', '-', 'o', 'u', 't', 0 };
constexpr uint8_t kMixNonce[kChaChaNonceSize] = { 'o', 'h', '-', 'd', 'r', 'b', 'g', '-', 'm', 'i', 'x', 0 };
}

ChaChaDrbg::ChaChaDrbg(std::span<const uint8_t> seed, EntropySource* source)
    : m_source(source)
{
    mix(seed);
}

void ChaChaDrbg::mix(std::span<const uint8_t> material)
{
    uint8_t block[kChaChaBlockSize];
    while (!material.empty()) {
        size_t n = material.size() < kChaChaKeySize ? material.size() : kChaChaKeySize;
        for (size_t i = 0; i < n; i++)
            m_key[i] ^= material[i];
        // The chunk length goes into the counter word, so "ab" and "ab\0" mix differently.
        chacha20_block(m_key, uint32_t(n), kMixNonce, block);
        copy_bytes(m_key, block, kChaChaKeySize);
        material = material.subspan(n);
    }
    wipe(block, sizeof(block));
}

void ChaChaDrbg::count_request()
{
    if (!m_source || --m_until_reseed != 0)
        return;
    m_until_reseed = kReseedInterval;
    uint8_t fresh[kReseedBytes];
    size_t n = m_source->gather(fresh);
    if (n > sizeof(fresh))
        n = sizeof(fresh);
    mix({ fresh, n });
    wipe(fresh, sizeof(fresh));
    m_reseeds++;
}

void ChaChaDrbg::generate(std::span<uint8_t> out)
{
    // Apart, so that a reseed's frames (mix, a block) and the output's (the old key, a
    // block) are never on the stack at once: the ARM threads' stacks are small.
    count_request();
    produce(out);
}

void ChaChaDrbg::produce(std::span<uint8_t> out)
{
    uint8_t key[kChaChaKeySize];
    uint8_t block[kChaChaBlockSize];
    copy_bytes(key, m_key, sizeof(key));
    chacha20_block(key, 0, kOutputNonce, block);
    // Rekey first: from here on the state no longer knows the key that made this output.
    copy_bytes(m_key, block, kChaChaKeySize);
    size_t n = out.size() < kChaChaBlockSize - kChaChaKeySize ? out.size() : kChaChaBlockSize - kChaChaKeySize;
    copy_bytes(out.data(), block + kChaChaKeySize, n);
    // A long request continues the old key's stream (counters 1, 2, ...); the new key never
    // produces anything until the next request.
    for (uint32_t counter = 1; n < out.size(); counter++) {
        chacha20_block(key, counter, kOutputNonce, block);
        size_t take = out.size() - n < kChaChaBlockSize ? out.size() - n : kChaChaBlockSize;
        copy_bytes(out.data() + n, block, take);
        n += take;
    }
    wipe(block, sizeof(block));
    wipe(key, sizeof(key));
}

uint32_t ChaChaDrbg::next_u32()
{
    uint8_t bytes[4];
    generate(bytes);
    uint32_t v = load_le32(bytes);
    wipe(bytes, sizeof(bytes));
    return v;
}

} // namespace oh::crypto
