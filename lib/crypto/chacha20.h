// ChaCha20 (RFC 8439 §2.3 block function, §2.4 stream cipher) over byte spans, no tables.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

namespace oh::crypto {

constexpr size_t kChaChaKeySize = 32;   // RFC 8439 §2.3: a 256-bit key
constexpr size_t kChaChaNonceSize = 12; // §2.3: a 96-bit nonce (the IETF layout)
constexpr size_t kChaChaBlockSize = 64; // §2.3: 16 words serialized little-endian

using ChaChaKey = std::span<const uint8_t, kChaChaKeySize>;
using ChaChaNonce = std::span<const uint8_t, kChaChaNonceSize>;

// RFC 8439 §2.3: one keystream block for (key, block counter, nonce). `out` may not alias
// `key` or `nonce`.
void chacha20_block(ChaChaKey key, uint32_t counter, ChaChaNonce nonce, std::span<uint8_t, kChaChaBlockSize> out);

// RFC 8439 §2.4: out = in XOR keystream(key, counter, counter + 1, ...). `out` is as long
// as `in` (or longer: the rest is left alone); in == out works.
void chacha20_xor(ChaChaKey key, uint32_t counter, ChaChaNonce nonce, std::span<const uint8_t> in,
    std::span<uint8_t> out);

// Overwrites a secret so that the stores are not dropped as dead (the compiler sees a
// volatile access per byte).
void wipe(void* data, size_t size);

} // namespace oh::crypto
