// SAI2 + DMA2 audio on the Discovery board: block A transmits (master, makes MCLK/SCK/FS and
// feeds the WM8994's AIF1 timeslot 0), block B receives AIF1 timeslot 1 (the DMIC2 pair) in
// synchronous slave mode; both streams run circular over a two-half buffer, and the
// half/complete interrupts clock the phone's 20 ms frames.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/hw/io.h"
#include "lib/hw/irq.h"
#include "lib/result.h"

namespace oh::arm::stm32 {

constexpr uint32_t kSaiRateHz = 16000;
constexpr size_t kSaiFrameMs = 20;
constexpr size_t kSaiHalfSamples = kSaiRateHz / 1000 * kSaiFrameMs * 2; // stereo int16 per half
constexpr size_t kSaiBufferSamples = 2 * kSaiHalfSamples;

// DMA-visible audio memory, placed in DTCM by the board (DMA2 reaches DTCM via AHBS).
struct SaiBuffers {
    alignas(32) int16_t tx[kSaiBufferSamples];
    alignas(32) int16_t rx[kSaiBufferSamples];
};

namespace sai {
// RM0385 §33.5: block A at +0x04, block B at +0x24; per-block register offsets.
constexpr uint32_t kBlockA = 0x04, kBlockB = 0x24;
constexpr uint32_t kCr1 = 0x00, kCr2 = 0x04, kFrcr = 0x08, kSlotr = 0x0C, kImr = 0x10, kSr = 0x14,
                   kClrfr = 0x18, kDr = 0x1C;
constexpr uint32_t kModeMasterTx = 0, kModeSlaveRx = 3;
constexpr uint32_t kCr1Ds16 = 4u << 5, kCr1Ckstr = 1u << 9, kCr1SyncInternal = 1u << 10,
                   kCr1SaiEn = 1u << 16, kCr1DmaEn = 1u << 17;
constexpr uint32_t cr1_mckdiv(uint32_t d) { return (d & 0xf) << 20; }
constexpr uint32_t kCr2Fth1_4 = 1, kCr2Fflush = 1u << 3;
// RM0385 §33.5.4 SAI_xFRCR, I2S framing: FRL [7:0] = 64-bit frame, FSALL [14:8] = FS active
// for half of it, FSDEF [16] = channel side, FSPOL [17] = 0 (low = left), FSOFF [18] = one
// bit early (I2S's one-BCLK delay).
constexpr uint32_t kFrcrI2s = 63u | (31u << 8) | (1u << 16) | (1u << 18);
// RM0385 §33.5.5 SAI_xSLOTR: SLOTSZ [7:6] = 01 (16-bit), NBSLOT [11:8] = 3 (four slots),
// SLOTEN [31:16]. Four 16-bit slots mirror the WM8994's AIF1 TDM frame (datasheet Figure 59):
// slots 0/2 are timeslot 0 left/right, slots 1/3 timeslot 1 left/right.
constexpr uint32_t kSlotr4x16 = (1u << 6) | (3u << 8);
constexpr uint32_t slotr_enable(uint32_t slots) { return slots << 16; }
constexpr uint32_t kSlotsTimeslot0 = (1u << 0) | (1u << 2); // AIF1 DAC1 (headphones)
constexpr uint32_t kSlotsTimeslot1 = (1u << 1) | (1u << 3); // AIF1 ADC2 (DMIC2)
} // namespace sai

namespace dma {
// RM0385 §8.5: DMA streams at 0x10 + 0x18 * n; interrupt flags in LISR/HISR, 6-bit groups.
constexpr uint32_t kLisr = 0x00, kHisr = 0x04, kLifcr = 0x08, kHifcr = 0x0C;
constexpr uint32_t stream(uint32_t n) { return 0x10 + 0x18 * n; }
constexpr uint32_t kCr = 0x00, kNdtr = 0x04, kPar = 0x08, kM0ar = 0x0C, kM1ar = 0x10, kFcr = 0x14;
constexpr uint32_t kCrEn = 1u << 0, kCrTeie = 1u << 2, kCrHtie = 1u << 3, kCrTcie = 1u << 4,
                   kCrMemToPeriph = 1u << 6, kCrCirc = 1u << 8, kCrMinc = 1u << 10,
                   kCrPsize16 = 1u << 11, kCrMsize16 = 1u << 13, kCrPlVeryHigh = 3u << 16;
constexpr uint32_t cr_channel(uint32_t c) { return (c & 7) << 25; }
constexpr uint32_t kFcrDmdis = 1u << 2, kFcrFthFull = 3;
// Flag bits of one stream, before shifting into place.
constexpr uint32_t kFlagTe = 1u << 3, kFlagHt = 1u << 4, kFlagTc = 1u << 5, kFlagsAll = 0x3d;
constexpr uint32_t flag_shift(uint32_t n) { return (n & 1) * 6 + (n & 2) * 8; } // 0, 6, 16, 22
// RM0385 Table 27: DMA2 request mapping.
constexpr uint32_t kTxStream = 4, kTxChannel = 3; // SAI2_A
constexpr uint32_t kRxStream = 7, kRxChannel = 0; // SAI2_B
} // namespace dma

struct SaiCounters {
    uint32_t tx_halves { 0 }, rx_halves { 0 }, dma_errors { 0 };
};

// Which half of a buffer the CPU may touch now (the DMA works on the other one).
enum class Half : uint8_t { First = 0, Second = 1, None = 0xff };

class SaiAudio {
public:
    // MCLK divider: SAI kernel clock / (2 * mckdiv) = 256 * fs (RM0385 §33.3.7); MCKDIV is
    // a 4-bit field, so 0..15.
    static constexpr uint32_t kMaxMckDiv = 15;
    static constexpr uint32_t kPollLimit = 100000;

    // Both blocks and both DMA streams configured, not yet started (start() does), or why
    // not: InvalidArgument for an mckdiv over kMaxMckDiv, Timeout when a block's SAIEN or a
    // DMA stream's EN never reads 0 (neither may be programmed before: RM0385 §33.5.2,
    // §8.3.18), NotFound when the SAI or DMA2 registers do not hold what was written (the
    // peripheral's clock is off).
    static Result<SaiAudio> create(hw::Mmio& sai, hw::Mmio& dma, hw::BusAddress& bus, uint32_t sai_bus_base,
        SaiBuffers& buffers, uint32_t mckdiv);
    // Enables the DMA streams and both blocks: from here block A drives MCLK, SCK and FS.
    void start();
    void stop();

    // The DMA2 streams' interrupt handlers (one line each): acknowledge the stream's flags.
    // PlaybackSpace (tx) or CaptureReady (rx) when the DMA finished a half, which half_of()
    // names; only Ours for a transfer error (counted). Nothing: not this stream's interrupt.
    hw::IrqEvents handle_tx_irq();
    hw::IrqEvents handle_rx_irq();
    // The half an event from handle_tx_irq()/handle_rx_irq() gave to the CPU, or None.
    static constexpr Half half_of(hw::IrqEvents ev)
    {
        if (!ev.has(hw::IrqEvent::PlaybackSpace) && !ev.has(hw::IrqEvent::CaptureReady))
            return Half::None;
        return ev.has(hw::IrqEvent::SecondHalf) ? Half::Second : Half::First;
    }

    std::span<int16_t> tx_half(Half h) { return { m_buffers.tx + size_t(h) * kSaiHalfSamples, kSaiHalfSamples }; }
    std::span<const int16_t> rx_half(Half h) const { return { m_buffers.rx + size_t(h) * kSaiHalfSamples, kSaiHalfSamples }; }
    const SaiCounters& counters() const { return m_counters; }

private:
    SaiAudio(hw::Mmio& sai, hw::Mmio& dma, hw::BusAddress& bus, uint32_t sai_bus_base, SaiBuffers& buffers)
        : m_sai(sai), m_dma(dma), m_bus(bus), m_sai_base(sai_bus_base), m_buffers(buffers)
    {
    }
    Result<void> initialize(uint32_t mckdiv);
    Result<void> setup_stream(uint32_t stream, uint32_t channel, bool to_peripheral, int16_t* memory, uint32_t block);
    hw::IrqEvents take_flags(uint32_t stream, hw::IrqEvent ready, uint32_t& half_counter);

    hw::Mmio& m_sai;
    hw::Mmio& m_dma;
    hw::BusAddress& m_bus;
    uint32_t m_sai_base;
    SaiBuffers& m_buffers;
    SaiCounters m_counters;
};

} // namespace oh::arm::stm32
