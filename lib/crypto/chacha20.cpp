// ChaCha20 block function and stream cipher, written from RFC 8439 §2.1-2.4.
#include "lib/crypto/chacha20.h"

#include "lib/bytes.h"

namespace oh::crypto {

namespace {

constexpr uint32_t rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

// RFC 8439 §2.1: the quarter round on four words of the state.
inline void quarter_round(uint32_t* x, int a, int b, int c, int d)
{
    x[a] += x[b]; x[d] ^= x[a]; x[d] = rotl(x[d], 16);
    x[c] += x[d]; x[b] ^= x[c]; x[b] = rotl(x[b], 12);
    x[a] += x[b]; x[d] ^= x[a]; x[d] = rotl(x[d], 8);
    x[c] += x[d]; x[b] ^= x[c]; x[b] = rotl(x[b], 7);
}

// RFC 8439 §2.3: words 0-3 are "expand 32-byte k", 4-11 the key, 12 the block counter,
// 13-15 the nonce, all little-endian.
constexpr uint32_t kSigma[4] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };

inline uint32_t input_word(int i, ChaChaKey key, uint32_t counter, ChaChaNonce nonce)
{
    if (i < 4)
        return kSigma[i];
    if (i < 12)
        return load_le32(key.data() + 4 * (i - 4));
    if (i == 12)
        return counter;
    return load_le32(nonce.data() + 4 * (i - 13));
}

} // namespace

void chacha20_block(ChaChaKey key, uint32_t counter, ChaChaNonce nonce, std::span<uint8_t, kChaChaBlockSize> out)
{
    uint32_t x[16];
    for (int i = 0; i < 16; i++)
        x[i] = input_word(i, key, counter, nonce);
    // §2.3: 20 rounds, as 10 column rounds interleaved with 10 diagonal rounds.
    for (int i = 0; i < 10; i++) {
        quarter_round(x, 0, 4, 8, 12);
        quarter_round(x, 1, 5, 9, 13);
        quarter_round(x, 2, 6, 10, 14);
        quarter_round(x, 3, 7, 11, 15);
        quarter_round(x, 0, 5, 10, 15);
        quarter_round(x, 1, 6, 11, 12);
        quarter_round(x, 2, 7, 8, 13);
        quarter_round(x, 3, 4, 9, 14);
    }
    // §2.3: the input is added back (this is what makes the block one-way in the key), then
    // serialized little-endian. The input words are re-derived rather than kept in a second
    // 64-byte copy: the ARM threads' stacks are small.
    for (int i = 0; i < 16; i++)
        store_le32(out.data() + 4 * i, x[i] + input_word(i, key, counter, nonce));
    wipe(x, sizeof(x));
}

void chacha20_xor(ChaChaKey key, uint32_t counter, ChaChaNonce nonce, std::span<const uint8_t> in,
    std::span<uint8_t> out)
{
    uint8_t block[kChaChaBlockSize];
    for (size_t done = 0; done < in.size(); done += kChaChaBlockSize, counter++) {
        chacha20_block(key, counter, nonce, block);
        size_t n = in.size() - done < kChaChaBlockSize ? in.size() - done : kChaChaBlockSize;
        for (size_t i = 0; i < n; i++)
            out[done + i] = uint8_t(in[done + i] ^ block[i]);
    }
    wipe(block, sizeof(block));
}

void wipe(void* data, size_t size)
{
    auto* p = static_cast<volatile uint8_t*>(data);
    for (size_t i = 0; i < size; i++)
        p[i] = 0;
}

} // namespace oh::crypto
