// The ARM port's random source: the ChaCha20 DRBG (lib/crypto) behind an interrupt mask (the
// network and audio threads both draw from it), seeded by the board, and SysTick jitter as
// the entropy source of a board without a hardware RNG.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/crypto/chacha_drbg.h"
#include "lib/crypto/entropy_source.h"
#include "lib/random.h"

namespace oh::arm {

// Timing jitter: the low bits of the SysTick counter around reads of a device register
// (bus and, under QEMU, host timing). Weak per sample; many samples are folded together.
class TimingJitter final : public crypto::EntropySource {
public:
    static constexpr int kSamplesPerByte = 8;

    // `probe` is the address of a device register whose read goes out on the bus (a UART
    // status register, a timer).
    constexpr explicit TimingJitter(uintptr_t probe) : m_probe(probe) { }
    size_t gather(std::span<uint8_t> out) override;

private:
    uintptr_t m_probe;
};

class PortRandom final : public Random {
public:
    static constexpr size_t kBootJitterBytes = 32;

    constexpr PortRandom() = default;
    // Boot, before the network starts: the board's material (hardware RNG words, the chip's
    // unique ID, the MAC) and kBootJitterBytes of `jitter` make the key; `reseed` (the
    // hardware RNG, or the jitter itself) feeds every later reseed.
    void seed(std::span<const uint8_t> board_material, crypto::EntropySource& jitter, crypto::EntropySource* reseed);
    uint32_t next_u32() override;
    uint32_t reseeds() const { return m_drbg.reseeds(); }

private:
    crypto::ChaChaDrbg m_drbg;
};

} // namespace oh::arm
