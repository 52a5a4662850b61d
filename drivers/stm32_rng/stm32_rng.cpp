// STM32F7 RNG: enable, wait for DRDY, and the error management of RM0385 §19.3.
#include "drivers/stm32_rng/stm32_rng.h"

#include "lib/bytes.h"

namespace oh::arm::stm32 {

Result<StmRng> StmRng::create(hw::Mmio& io)
{
    StmRng rng(io);
    RngCr().set<RngCr::Rngen>(1).write(io); // no interrupt: the port polls for samples
    bool recovered = false;
    for (uint32_t i = 0; i < kPollLimit; i++)
        if (TRY(rng.poll_ready(recovered)))
            return rng;
    return { Error::Timeout, "RNG no sample" };
}

void StmRng::recover_from_seed_error()
{
    // RM0385 §19.3: clear SEIS, restart the generator (RNGEN off and on), and do not use the
    // samples that were in the pipeline when the fault was seen.
    m_seed_errors++;
    RngSr::read(m_io).set<RngSr::Seis>(0).write(m_io);
    RngCr::read(m_io).set<RngCr::Rngen>(0).write(m_io);
    RngCr::read(m_io).set<RngCr::Rngen>(1).write(m_io);
    for (int discarded = 0, polls = 0; discarded < kDiscardAfterSeedError && polls < int(kPollLimit); polls++) {
        if (RngSr::read(m_io).get<RngSr::Drdy>()) {
            (void)m_io.read32(kRngDr);
            discarded++;
        }
    }
}

Result<bool> StmRng::poll_ready(bool& recovered)
{
    RngSr sr = RngSr::read(m_io);
    if (sr.get<RngSr::Secs>() || sr.get<RngSr::Seis>()) {
        if (recovered)
            return ErrorInfo(Error::IoError, "RNG seed error persists");
        recover_from_seed_error();
        recovered = true;
        return false;
    }
    if (sr.get<RngSr::Cecs>() || sr.get<RngSr::Ceis>()) {
        m_clock_errors++;
        RngSr(sr.value()).set<RngSr::Ceis>(0).write(m_io);
        return ErrorInfo(Error::IoError, "RNG clock error");
    }
    return bool(sr.get<RngSr::Drdy>());
}

Result<uint32_t> StmRng::read()
{
    bool recovered = false;
    for (uint32_t i = 0; i < kPollLimit; i++) {
        if (!TRY(poll_ready(recovered)))
            continue;
        uint32_t v = m_io.read32(kRngDr);
        // Zero is what an unclocked or disabled block reads as (and newer revisions of
        // this RNG call a zero sample invalid); a real zero costs one more poll.
        if (v != 0)
            return v;
    }
    return { Error::Timeout, "RNG no sample" };
}

size_t StmRng::gather(std::span<uint8_t> out)
{
    size_t n = 0;
    while (n < out.size()) {
        auto r = read();
        if (r.is_error())
            break;
        uint8_t word[4];
        store_le32(word, r.value());
        size_t take = out.size() - n < 4 ? out.size() - n : 4;
        copy_bytes(out.data() + n, word, take);
        n += take;
    }
    return n;
}

} // namespace oh::arm::stm32
