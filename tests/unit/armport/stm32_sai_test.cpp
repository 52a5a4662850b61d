// SAI2 + DMA2 set-up and half/complete interrupt handling against register models.
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "drivers/stm32_sai/sai_audio.h"
#include "tests/unit/common/reg_file.h"
#include "tests/unit/armport/sai_model.h"

namespace oh::arm::stm32 {
namespace {

using hw::IrqEvents;
using hw::test::FakeBus;
using hw::test::RegFile;

constexpr uint32_t kSaiBase = 0x40015C00;

struct SaiTest : ::testing::Test {
    RegFile sai, dma;
    std::unique_ptr<SaiBuffers> buffers = std::make_unique<SaiBuffers>();
    FakeBus bus { buffers.get(), sizeof(SaiBuffers) };
    std::optional<SaiAudio> audio;

    Result<SaiAudio> create(uint32_t mckdiv = 6) { return SaiAudio::create(sai, dma, bus, kSaiBase, *buffers, mckdiv); }
    void bring_up(uint32_t mckdiv = 6)
    {
        auto r = create(mckdiv);
        ASSERT_FALSE(r.is_error()) << r.error_info().text();
        audio.emplace(r.release_value());
    }
    uint32_t stream_reg(uint32_t stream, uint32_t reg) { return dma.regs[dma::stream(stream) + reg]; }
};

// A peripheral whose bus clock is off: writes are dropped, reads give 0.
struct Unclocked final : hw::Mmio {
    uint32_t read32(uint32_t) override { return 0; }
    void write32(uint32_t, uint32_t) override { }
};

// RM0385 §33.5.2 SAI_ACR1 at block A (+0x04), SAIEN bit 16; §8.5.5 DMA_SxCR at 0x10 + 0x18 x
// stream, EN bit 0 (SAI2_A's stream 4: 0x70, SAI2_B's stream 7: 0xB8).
constexpr uint32_t kSaiACr1 = 0x04, kSaiEn = 1u << 16;
constexpr uint32_t kDmaS4Cr = 0x70, kDmaS7Cr = 0xB8, kDmaEn = 1u << 0;

TEST_F(SaiTest, CreateRefusesAnMckdivTheFieldCannotHold)
{
    EXPECT_EQ(create(16).error(), Error::InvalidArgument); // MCKDIV [23:20]: 4 bits
    EXPECT_TRUE(sai.writes.empty());
    EXPECT_TRUE(dma.writes.empty());
    EXPECT_FALSE(create(15).is_error());
}

TEST_F(SaiTest, CreateFailsWhenTheSaiIsNotClocked)
{
    Unclocked dead;
    auto r = SaiAudio::create(dead, dma, bus, kSaiBase, *buffers, 6);
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error(), Error::NotFound);
    EXPECT_TRUE(dma.writes.empty()) << "DMA programmed for a dead SAI";
}

TEST_F(SaiTest, CreateFailsWhenDma2IsNotClocked)
{
    Unclocked dead;
    auto r = SaiAudio::create(sai, dead, bus, kSaiBase, *buffers, 6);
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error(), Error::NotFound);
    EXPECT_FALSE(sai.regs[kSaiACr1] & kSaiEn);
}

TEST_F(SaiTest, CreateWaitsForSaienAndGivesUpOnABlockThatStaysEnabled)
{
    sai.on_write[kSaiACr1] = [](uint32_t v) { return v | kSaiEn; }; // never reaches frame end
    EXPECT_EQ(create().error(), Error::Timeout);
    EXPECT_TRUE(dma.writes.empty());
}

TEST_F(SaiTest, CreateWaitsForDmaEnAndGivesUpOnAStreamThatStaysEnabled)
{
    for (uint32_t cr : { kDmaS4Cr, kDmaS7Cr }) {
        dma.regs.clear();
        dma.writes.clear();
        dma.on_write.clear();
        dma.on_write[cr] = [](uint32_t v) { return v | kDmaEn; }; // a transfer that never ends
        EXPECT_EQ(create().error(), Error::Timeout) << cr;
        EXPECT_EQ(dma.first_write(cr + 0x04, 0, 0), -1) << "NDTR programmed while EN is set";
    }
    EXPECT_FALSE(sai.regs[kSaiACr1] & kSaiEn);
}

TEST_F(SaiTest, BlockAMasterTxBlockBSynchronousSlaveRx)
{
    bring_up();
    uint32_t a = sai.regs[sai::kBlockA + sai::kCr1];
    uint32_t b = sai.regs[sai::kBlockB + sai::kCr1];
    EXPECT_EQ(a & 3, sai::kModeMasterTx);
    EXPECT_EQ(b & 3, sai::kModeSlaveRx);
    EXPECT_EQ((a >> 5) & 7, 4u);           // 16-bit data
    EXPECT_EQ((b >> 5) & 7, 4u);
    EXPECT_EQ((a >> 20) & 0xf, 6u);        // MCKDIV
    EXPECT_EQ((b >> 10) & 3, 1u);          // SYNCEN: synchronous with block A
    EXPECT_EQ((a >> 10) & 3, 0u);          // A is asynchronous (makes the clocks)
    EXPECT_TRUE(a & sai::kCr1DmaEn);
    EXPECT_TRUE(b & sai::kCr1DmaEn);
    EXPECT_FALSE(a & sai::kCr1SaiEn);      // not before start()
    for (uint32_t blk : { sai::kBlockA, sai::kBlockB }) {
        uint32_t frcr = sai.regs[blk + sai::kFrcr];
        EXPECT_EQ(frcr & 0xff, 63u);       // 64-bit frame
        EXPECT_EQ((frcr >> 8) & 0x7f, 31u);// FS active for one channel
        // One left and one right slot per block, each as wide as the data (16 bits): the
        // slots' positions against the codec are checked in stm32_audio_path_test.
        auto v = test::sai_block(sai, blk);
        auto starts = v.data_starts();
        ASSERT_EQ(starts.size(), 2u);
        EXPECT_LT(starts[0], 32u);
        EXPECT_GE(starts[1], 32u);
        EXPECT_EQ(v.slot_bits(), 16u);
    }
}

TEST_F(SaiTest, DmaStreamsAreCircularWithHalfAndCompleteInterrupts)
{
    bring_up();
    uint32_t tx = stream_reg(dma::kTxStream, dma::kCr);
    uint32_t rx = stream_reg(dma::kRxStream, dma::kCr);
    EXPECT_EQ((tx >> 25) & 7, 3u); // SAI2_A request on channel 3
    EXPECT_EQ((rx >> 25) & 7, 0u); // SAI2_B request on channel 0
    EXPECT_EQ((tx >> 6) & 3, 1u);  // memory to peripheral
    EXPECT_EQ((rx >> 6) & 3, 0u);  // peripheral to memory
    for (uint32_t cr : { tx, rx }) {
        EXPECT_TRUE(cr & dma::kCrCirc);
        EXPECT_TRUE(cr & dma::kCrMinc);
        EXPECT_TRUE(cr & dma::kCrHtie);
        EXPECT_TRUE(cr & dma::kCrTcie);
        EXPECT_EQ((cr >> 11) & 3, 1u); // 16-bit peripheral
        EXPECT_EQ((cr >> 13) & 3, 1u); // 16-bit memory
        EXPECT_FALSE(cr & dma::kCrEn);
    }
    EXPECT_EQ(stream_reg(dma::kTxStream, dma::kPar), kSaiBase + 0x04 + 0x1C);
    EXPECT_EQ(stream_reg(dma::kRxStream, dma::kPar), kSaiBase + 0x24 + 0x1C);
    EXPECT_EQ(stream_reg(dma::kTxStream, dma::kM0ar), bus.to_bus(buffers->tx));
    EXPECT_EQ(stream_reg(dma::kRxStream, dma::kM0ar), bus.to_bus(buffers->rx));
    EXPECT_EQ(stream_reg(dma::kTxStream, dma::kNdtr), kSaiBufferSamples);
    // 20 ms per half at 16 kHz stereo.
    EXPECT_EQ(kSaiHalfSamples, 640u);
}

TEST_F(SaiTest, StartEnablesDmaThenSlaveThenMaster)
{
    bring_up();
    size_t before = sai.writes.size();
    audio->start();
    EXPECT_TRUE(stream_reg(dma::kTxStream, dma::kCr) & dma::kCrEn);
    EXPECT_TRUE(stream_reg(dma::kRxStream, dma::kCr) & dma::kCrEn);
    ASSERT_EQ(sai.writes.size(), before + 2);
    EXPECT_EQ(sai.writes[before].first, sai::kBlockB + sai::kCr1);
    EXPECT_EQ(sai.writes[before + 1].first, sai::kBlockA + sai::kCr1);
    EXPECT_TRUE(sai.writes[before + 1].second & sai::kCr1SaiEn);
    audio->stop();
    EXPECT_FALSE(sai.regs[sai::kBlockA + sai::kCr1] & sai::kCr1SaiEn);
    EXPECT_FALSE(stream_reg(dma::kRxStream, dma::kCr) & dma::kCrEn);
}

TEST_F(SaiTest, HalfAndCompleteFlagsSelectTheFreeHalfAndAreCleared)
{
    using hw::IrqEvent;
    bring_up();
    // Stream 4 flags sit at bit 0 of HISR, stream 7 at bit 22 (RM0385 §8.5.2): HTIF bit 4,
    // TCIF bit 5, TEIF bit 3 of each stream's group.
    dma.regs[dma::kHisr] = 1u << 4;
    auto ev = audio->handle_tx_irq();
    EXPECT_EQ(ev, IrqEvent::Ours | IrqEvent::PlaybackSpace);
    EXPECT_EQ(SaiAudio::half_of(ev), Half::First);
    EXPECT_EQ(dma.writes.back(), std::make_pair(dma::kHifcr, 1u << 4));
    dma.regs[dma::kHisr] = 1u << 5;
    ev = audio->handle_tx_irq();
    EXPECT_TRUE(ev.has(IrqEvent::PlaybackSpace));
    EXPECT_FALSE(ev.has(IrqEvent::CaptureReady));
    EXPECT_EQ(SaiAudio::half_of(ev), Half::Second);
    dma.regs[dma::kHisr] = 1u << (22 + 5);
    ev = audio->handle_rx_irq();
    EXPECT_EQ(ev, IrqEvent::Ours | IrqEvent::CaptureReady | IrqEvent::SecondHalf);
    EXPECT_EQ(SaiAudio::half_of(ev), Half::Second);
    EXPECT_EQ(dma.writes.back(), std::make_pair(dma::kHifcr, 1u << (22 + 5)));
    dma.regs[dma::kHisr] = (1u << (22 + 4)) | (1u << 5);
    ev = audio->handle_rx_irq(); // stream 4's flag is not stream 7's
    EXPECT_EQ(ev, IrqEvent::Ours | IrqEvent::CaptureReady);
    EXPECT_EQ(SaiAudio::half_of(ev), Half::First);
    // A transfer error is this stream's interrupt but frees no half.
    dma.regs[dma::kHisr] = 1u << (22 + 3);
    ev = audio->handle_rx_irq();
    EXPECT_EQ(ev, IrqEvents(IrqEvent::Ours));
    EXPECT_EQ(SaiAudio::half_of(ev), Half::None);
    // No flag of this stream: not ours (stream 4's TC is still pending for the tx line).
    dma.regs[dma::kHisr] = 1u << 5;
    ev = audio->handle_rx_irq();
    EXPECT_FALSE(ev.ours());
    EXPECT_EQ(SaiAudio::half_of(ev), Half::None);
    EXPECT_EQ(audio->counters().dma_errors, 1u);
    EXPECT_EQ(audio->counters().tx_halves, 2u);
    EXPECT_EQ(audio->counters().rx_halves, 2u);
}

TEST_F(SaiTest, HalvesCoverTheBuffersWithoutOverlap)
{
    bring_up();
    EXPECT_EQ(audio->tx_half(Half::First).data(), buffers->tx);
    EXPECT_EQ(audio->tx_half(Half::Second).data(), buffers->tx + kSaiHalfSamples);
    EXPECT_EQ(audio->rx_half(Half::Second).data() + kSaiHalfSamples, buffers->rx + kSaiBufferSamples);
}

} // namespace
} // namespace oh::arm::stm32
