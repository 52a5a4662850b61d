// Where a random generator's fresh material comes from (hardware RNGs, timing jitter).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

namespace oh::crypto {

// RDSEED/RDRAND and timing on x86, the STM32F7's RNG or SysTick jitter on ARM, a script in
// tests. Called with the generator's lock held, so it must be quick (no waiting for slow
// entropy).
class EntropySource {
public:
    // Fills the front of `out`; returns how many bytes it wrote (0 when nothing is at hand).
    virtual size_t gather(std::span<uint8_t> out) = 0;

protected:
    ~EntropySource() = default;
};

} // namespace oh::crypto
