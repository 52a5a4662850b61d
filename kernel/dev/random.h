// The kernel's random source: a ChaCha20 DRBG (lib/crypto) behind a spinlock, seeded at boot
// from RDSEED/RDRAND and TSC jitter, reseeded from RDRAND, the TSC and interrupt timing.
#pragma once

#include <stdint.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/percpu.h"
#include "lib/random.h"

namespace oh::kernel {

// Boot, before anything draws from kernel_random() (the network stack, the phone).
void random_init();
// Safe from any CPU, in thread or interrupt context.
Random& kernel_random();

// interrupt_dispatch: this CPU's timing pool takes the TSC of every interrupt (a few cycles;
// only this CPU writes it, the reseed reads every CPU's pool).
inline void random_note_interrupt(Cpu& cpu, uint64_t vector)
{
    uint64_t pool = cpu.irq_entropy;
    pool = ((pool << 7) | (pool >> 57)) ^ x86::rdtsc() ^ (vector << 56);
    __atomic_store_n(&cpu.irq_entropy, pool, __ATOMIC_RELAXED);
}

} // namespace oh::kernel
