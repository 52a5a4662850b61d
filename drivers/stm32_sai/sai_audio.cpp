// SAI2 block set-up (RM0385 §33.5) and DMA2 circular streams with half/complete interrupts
// (RM0385 §8.3.9-8.3.10).
#include "drivers/stm32_sai/sai_audio.h"

namespace oh::arm::stm32 {

Result<SaiAudio> SaiAudio::create(hw::Mmio& sai, hw::Mmio& dma, hw::BusAddress& bus, uint32_t sai_bus_base,
    SaiBuffers& buffers, uint32_t mckdiv)
{
    if (mckdiv > kMaxMckDiv)
        return ErrorInfo(Error::InvalidArgument, "SAI MCKDIV");
    SaiAudio audio(sai, dma, bus, sai_bus_base, buffers);
    TRY(audio.initialize(mckdiv));
    return audio;
}

Result<void> SaiAudio::setup_stream(uint32_t stream, uint32_t channel, bool to_peripheral, int16_t* memory, uint32_t block)
{
    uint32_t s = dma::stream(stream);
    // RM0385 §8.3.18: a cleared EN takes effect once the current transfer is done, and the
    // stream is programmed only once it reads 0.
    m_dma.write32(s + dma::kCr, 0);
    bool disabled = false;
    for (uint32_t i = 0; i < kPollLimit && !disabled; i++)
        disabled = !(m_dma.read32(s + dma::kCr) & dma::kCrEn);
    if (!disabled)
        return ErrorInfo(Error::Timeout, "DMA2 stream stays enabled");
    uint32_t flag_reg = stream < 4 ? dma::kLifcr : dma::kHifcr;
    m_dma.write32(flag_reg, dma::kFlagsAll << dma::flag_shift(stream));
    m_dma.write32(s + dma::kPar, m_sai_base + block + sai::kDr);
    m_dma.write32(s + dma::kM0ar, m_bus.to_bus(memory));
    m_dma.write32(s + dma::kNdtr, kSaiBufferSamples); // in peripheral-size (16-bit) items
    // NDTR holds what was written while the stream is off; an unclocked DMA2 reads 0.
    if (m_dma.read32(s + dma::kNdtr) != kSaiBufferSamples)
        return ErrorInfo(Error::NotFound, "DMA2 registers dead (clock off?)");
    m_dma.write32(s + dma::kFcr, dma::kFcrDmdis | dma::kFcrFthFull);
    m_dma.write32(s + dma::kCr, dma::cr_channel(channel) | (to_peripheral ? dma::kCrMemToPeriph : 0) |
            dma::kCrCirc | dma::kCrMinc | dma::kCrPsize16 | dma::kCrMsize16 | dma::kCrPlVeryHigh |
            dma::kCrHtie | dma::kCrTcie | dma::kCrTeie);
    return {};
}

Result<void> SaiAudio::initialize(uint32_t mckdiv)
{
    using namespace sai;
    for (uint32_t block : { kBlockA, kBlockB }) {
        // RM0385 §33.5.2 SAI_xCR1: a cleared SAIEN takes effect at the end of the frame in
        // progress, and the block is configured only once it reads 0.
        m_sai.write32(block + kCr1, 0);
        bool disabled = false;
        for (uint32_t i = 0; i < kPollLimit && !disabled; i++)
            disabled = !(m_sai.read32(block + kCr1) & kCr1SaiEn);
        if (!disabled)
            return ErrorInfo(Error::Timeout, "SAI2 block stays enabled");
        m_sai.write32(block + kCr2, kCr2Fflush);
        m_sai.write32(block + kFrcr, kFrcrI2s);
        m_sai.write32(block + kClrfr, 0x7f);
    }
    // FRCR is written once and only read by the block: an unclocked SAI2 reads it as 0.
    if (m_sai.read32(kBlockA + kFrcr) != kFrcrI2s)
        return ErrorInfo(Error::NotFound, "SAI2 registers dead (clock off?)");
    m_sai.write32(kBlockA + kSlotr, kSlotr4x16 | slotr_enable(kSlotsTimeslot0));
    m_sai.write32(kBlockB + kSlotr, kSlotr4x16 | slotr_enable(kSlotsTimeslot1));
    // A is master transmitter and makes MCLK/SCK/FS; B shares them (SYNCEN = internal).
    m_sai.write32(kBlockA + kCr1, kModeMasterTx | kCr1Ds16 | kCr1Ckstr | cr1_mckdiv(mckdiv) | kCr1DmaEn);
    m_sai.write32(kBlockB + kCr1, kModeSlaveRx | kCr1Ds16 | kCr1Ckstr | kCr1SyncInternal | kCr1DmaEn);
    m_sai.write32(kBlockA + kCr2, kCr2Fth1_4);
    m_sai.write32(kBlockB + kCr2, kCr2Fth1_4);
    for (auto& s : m_buffers.tx)
        s = 0;
    TRY(setup_stream(dma::kTxStream, dma::kTxChannel, true, m_buffers.tx, kBlockA));
    return setup_stream(dma::kRxStream, dma::kRxChannel, false, m_buffers.rx, kBlockB);
}

void SaiAudio::start()
{
    hw::dma_barrier();
    m_dma.modify32(dma::stream(dma::kRxStream) + dma::kCr, 0, dma::kCrEn);
    m_dma.modify32(dma::stream(dma::kTxStream) + dma::kCr, 0, dma::kCrEn);
    // The slave block is enabled first so it is listening when the master starts the clocks.
    m_sai.modify32(sai::kBlockB + sai::kCr1, 0, sai::kCr1SaiEn);
    m_sai.modify32(sai::kBlockA + sai::kCr1, 0, sai::kCr1SaiEn);
}

void SaiAudio::stop()
{
    m_sai.modify32(sai::kBlockA + sai::kCr1, sai::kCr1SaiEn, 0);
    m_sai.modify32(sai::kBlockB + sai::kCr1, sai::kCr1SaiEn, 0);
    m_dma.modify32(dma::stream(dma::kTxStream) + dma::kCr, dma::kCrEn, 0);
    m_dma.modify32(dma::stream(dma::kRxStream) + dma::kCr, dma::kCrEn, 0);
}

hw::IrqEvents SaiAudio::take_flags(uint32_t stream, hw::IrqEvent ready, uint32_t& half_counter)
{
    uint32_t shift = dma::flag_shift(stream);
    uint32_t flags = (m_dma.read32(stream < 4 ? dma::kLisr : dma::kHisr) >> shift) & dma::kFlagsAll;
    m_dma.write32(stream < 4 ? dma::kLifcr : dma::kHifcr, flags << shift);
    if (!flags)
        return {};
    if (flags & dma::kFlagTe)
        m_counters.dma_errors++;
    // Half transfer: the DMA moved on to the second half, the first is ours; complete: the
    // reverse. Both at once means we were late by a half: the older one is stale anyway.
    if (flags & dma::kFlagTc) {
        half_counter++;
        return hw::IrqEvent::Ours | ready | hw::IrqEvent::SecondHalf;
    }
    if (flags & dma::kFlagHt) {
        half_counter++;
        return hw::IrqEvent::Ours | ready;
    }
    return hw::IrqEvent::Ours;
}

hw::IrqEvents SaiAudio::handle_tx_irq()
{
    return take_flags(dma::kTxStream, hw::IrqEvent::PlaybackSpace, m_counters.tx_halves);
}

hw::IrqEvents SaiAudio::handle_rx_irq()
{
    return take_flags(dma::kRxStream, hw::IrqEvent::CaptureReady, m_counters.rx_halves);
}

} // namespace oh::arm::stm32
