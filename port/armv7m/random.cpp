// ARM random source: the locked DRBG and the SysTick jitter source.
#include "port/armv7m/random.h"

#include "lib/crypto/chacha20.h"
#include "port/armv7m/cpu.h"
#include "port/armv7m/scs.h"

namespace oh::arm {

size_t TimingJitter::gather(std::span<uint8_t> out)
{
    for (auto& byte : out) {
        uint8_t folded = 0;
        for (int i = 0; i < kSamplesPerByte; i++) {
            uint32_t before = scs::reg32(scs::kSystCvr);
            uint32_t probed = scs::reg32(m_probe);
            uint32_t delta = before - scs::reg32(scs::kSystCvr); // SysTick counts down
            folded = uint8_t(((folded << 3) | (folded >> 5)) ^ delta ^ before ^ probed);
        }
        byte = folded;
    }
    return out.size();
}

void PortRandom::seed(std::span<const uint8_t> board_material, crypto::EntropySource& jitter,
    crypto::EntropySource* reseed)
{
    uint8_t timing[kBootJitterBytes];
    size_t n = jitter.gather(timing);
    IrqGuard guard;
    m_drbg.mix(board_material);
    m_drbg.mix({ timing, n });
    m_drbg.set_source(reseed);
    crypto::wipe(timing, sizeof(timing));
}

uint32_t PortRandom::next_u32()
{
    // A block takes a few microseconds; masking interrupts that long is what keeps the two
    // threads from ever running it on the same key.
    IrqGuard guard;
    return m_drbg.next_u32();
}

} // namespace oh::arm
