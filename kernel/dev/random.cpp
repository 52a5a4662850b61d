// Seeding and reseeding the kernel's ChaCha20 DRBG from what an x86 PC offers: RDSEED and
// RDRAND when the CPU has them (QEMU's default TCG CPU has neither), TSC jitter around port
// I/O, and the timing of interrupts on every CPU.
#include "kernel/dev/random.h"

#include "kernel/console/console.h"
#include "kernel/sync/spinlock.h"
#include "lib/bytes.h"
#include "lib/crypto/chacha_drbg.h"

namespace oh::kernel {

namespace {

constexpr int kHwRetries = 10;        // Intel DRNG Software Implementation Guide §5.2.1
constexpr int kBootJitterSamples = 512;
constexpr uint16_t kPostPort = 0x80;  // a read goes out on the bus (an exit under a hypervisor)

bool s_has_rdrand = false;
bool s_has_rdseed = false;

bool rdrand64(uint64_t& v)
{
    for (int i = 0; i < kHwRetries; i++) {
        unsigned char ok;
        asm volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
        if (ok)
            return true;
    }
    return false;
}

bool rdseed64(uint64_t& v)
{
    // RDSEED runs dry under load (DRNG guide §5.3.1): a short pause between tries.
    for (int i = 0; i < kHwRetries; i++) {
        unsigned char ok;
        asm volatile("rdseed %0; setc %1" : "=r"(v), "=qm"(ok));
        if (ok)
            return true;
        x86::pause();
    }
    return false;
}

// A hardware word: RDSEED (conditioned entropy) first, RDRAND (its own DRBG) otherwise.
bool hw_random(uint64_t& v) { return (s_has_rdseed && rdseed64(v)) || (s_has_rdrand && rdrand64(v)); }

void detect()
{
    uint32_t a, b, c, d;
    x86::cpuid(0, 0, a, b, c, d);
    uint32_t max_leaf = a;
    x86::cpuid(1, 0, a, b, c, d);
    s_has_rdrand = c & (1u << 30); // [intel/vol2 CPUID] leaf 1 ECX[30]
    if (max_leaf >= 7) {
        x86::cpuid(7, 0, a, b, c, d);
        s_has_rdseed = b & (1u << 18); // leaf 7 EBX[18]
    }
}

// Every CPU's interrupt timing pool folded into one word.
uint64_t interrupt_timing()
{
    uint64_t folded = 0;
    for (int i = 0; i < g_cpu_count && i < kMaxCpus; i++)
        folded = ((folded << 13) | (folded >> 51)) ^ __atomic_load_n(&g_cpus[i].irq_entropy, __ATOMIC_RELAXED);
    return folded;
}

// What a reseed takes (with the generator's lock held and interrupts off, so nothing slow):
// the TSC now, the interrupt timing pools, and two hardware words when there are any.
class KernelEntropy final : public crypto::EntropySource {
public:
    size_t gather(std::span<uint8_t> out) override
    {
        size_t n = 0;
        auto put = [&](uint64_t v) {
            if (n + 8 <= out.size()) {
                store_le32(out.data() + n, uint32_t(v));
                store_le32(out.data() + n + 4, uint32_t(v >> 32));
                n += 8;
            }
        };
        put(x86::rdtsc());
        put(interrupt_timing());
        for (int i = 0; i < 2; i++)
            if (uint64_t v; hw_random(v))
                put(v);
        return n;
    }
};

class LockedDrbg final : public Random {
public:
    uint32_t next_u32() override
    {
        SpinLockIrqGuard guard(m_lock);
        return m_drbg.next_u32();
    }
    void mix(std::span<const uint8_t> material)
    {
        SpinLockIrqGuard guard(m_lock);
        m_drbg.mix(material);
    }
    void set_source(crypto::EntropySource* source)
    {
        SpinLockIrqGuard guard(m_lock);
        m_drbg.set_source(source);
    }

private:
    SpinLock m_lock;
    crypto::ChaChaDrbg m_drbg;
};

constinit KernelEntropy s_entropy;
constinit LockedDrbg s_random;

} // namespace

void random_init()
{
    detect();
    // 64 bytes of seed: the hardware words when present, and over them the low bits of TSC
    // deltas around port I/O (bus and emulator timing the CPU does not control), a byte per
    // sample xor-folded in, eight samples on every byte.
    uint8_t seed[64] {};
    int hw_words = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t v;
        if (!hw_random(v))
            break;
        store_le32(seed + 8 * i, uint32_t(v));
        store_le32(seed + 8 * i + 4, uint32_t(v >> 32));
        hw_words++;
    }
    uint64_t last = x86::rdtsc();
    for (int i = 0; i < kBootJitterSamples; i++) {
        (void)x86::inb(kPostPort);
        uint64_t now = x86::rdtsc();
        uint64_t delta = now - last;
        last = now;
        seed[(32 + i) % sizeof(seed)] ^= uint8_t(delta ^ (delta >> 8) ^ (uint8_t(i) << 5));
    }
    s_random.mix(seed);
    // The boot's end time and the interrupt timing so far, as a chunk of their own (mixed in
    // after, not over, the jitter bytes).
    uint8_t tail[16];
    store_le32(tail, uint32_t(last));
    store_le32(tail + 4, uint32_t(last >> 32));
    uint64_t irq = interrupt_timing();
    store_le32(tail + 8, uint32_t(irq));
    store_le32(tail + 12, uint32_t(irq >> 32));
    s_random.mix(tail);
    crypto::wipe(seed, sizeof(seed));
    crypto::wipe(tail, sizeof(tail));
    s_random.set_source(&s_entropy);
    printk("random: ChaCha20 DRBG seeded (%d hardware words, rdseed %s, rdrand %s, %d TSC jitter samples)\n",
        hw_words, s_has_rdseed ? "yes" : "no", s_has_rdrand ? "yes" : "no", kBootJitterSamples);
}

Random& kernel_random() { return s_random; }

} // namespace oh::kernel
