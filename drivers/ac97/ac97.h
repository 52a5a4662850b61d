// Intel ICH AC'97 audio driver core: codec bring-up at 8 kHz, mixer, bus-master DMA with
// buffer descriptor lists, 20 ms playback and capture buffers, interrupts.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "drivers/ac97/ac97_regs.h"
#include "drivers/ac97/platform.h"
#include "drivers/ac97/resampler.h"
#include "lib/hw/irq.h"
#include "lib/result.h"

namespace oh::ac97 {

constexpr uint32_t kPhoneRate = 8000;
constexpr uint32_t kNativeRate = 48000;     // every AC'97 codec runs at 48 kHz
constexpr size_t kFrameSamples = 160;       // mono samples per 20 ms at 8 kHz
constexpr size_t kBuffers = 8;              // DMA buffers per direction (160 ms of ring: emulated
                                            // audio and busy hosts deliver completions late)
constexpr size_t kPlaybackPrefill = 2;      // 40 ms queued before playback starts
constexpr size_t kMaxBufferBytes = kFrameSamples * kRatio * 2 * sizeof(int16_t); // 48 kHz stereo

enum class RateMode : uint8_t { Native8k, Resampled48k };
enum class Mute : uint8_t { Off, On };

struct Ac97Stats {
    uint32_t irqs { 0 };
    uint32_t foreign_irqs { 0 };       // shared line, not ours
    uint32_t playback_buffers { 0 };   // completed by the hardware
    uint32_t capture_buffers { 0 };
    uint32_t underruns { 0 };          // playback ran out of queued buffers (LVBCI)
    uint32_t overruns { 0 };           // capture filled every buffer we gave it (LVBCI)
    uint32_t fifo_errors { 0 };
    uint32_t write_full { 0 };         // write_frame() with the ring full
    uint32_t read_empty { 0 };         // read_frame() with nothing captured
    uint32_t bad_index { 0 };          // CIV outside what we queued (hardware confusion)
};

// The kernel serialises handle_irq() against the other calls (an IRQ-safe lock in its glue);
// nothing here sleeps except create(), which polls with the injected hw::Delay.
// An Ac97 may be moved: it holds the I/O and delay by reference and points only into the
// DMA block (which the descriptor lists and BDBAR name by bus address), never into itself.
class Ac97 {
public:
    static bool probe(const PciFunction& pci);
    // A codec up, mixer set, both descriptor lists programmed and the engines stopped, or why
    // not: NotFound when probe() fails (no register touched), NoMemory when the DMA block is
    // short or above 4 GiB, Timeout when the codec never reports ready, its power-down bits
    // never come up or a bus master box reset never clears, Unsupported when the codec runs
    // neither 8 kHz nor 48 kHz. Bring-up: one DMA block (two 32-entry lists, the buffers),
    // cold reset, codec reset, box resets, VRA rates read back (else 48 kHz), mixer.
    static Result<Ac97> create(const PciFunction& pci, hw::PortIo& io, hw::DmaAllocator& dma, hw::Delay& delay);

    Result<void> start();
    Result<void> stop();
    // Ours, PlaybackSpace (write_frame() has room), CaptureReady (read_frame() has data).
    hw::IrqEvents handle_irq();

    Result<void> write_frame(std::span<const int16_t, kFrameSamples> pcm);
    Result<void> read_frame(std::span<int16_t, kFrameSamples> pcm);
    size_t playback_queued();
    size_t capture_available();

    // Master output attenuation in 1.5 dB steps (0 = 0 dB .. 63), AC'97 2.3 §5.7.2.
    void set_output_volume(uint8_t attenuation_steps, Mute mute);
    // Record gain in 1.5 dB steps (0 = 0 dB .. 15) and the mic +20 dB boost, §5.7.5/§5.7.10.
    void set_input_gain(uint8_t gain_steps, Mute mute, bool mic_boost);

    RateMode rate_mode() const { return m_mode; }
    const Ac97Stats& stats() const { return m_stats; }

private:
    struct Channel {
        Box box { Box::PcmOut };
        hw::DmaBuffer bdl {};
        uint8_t* data { nullptr };  // kBuffers consecutive buffers
        uint32_t data_phys { 0 };
        uint8_t head { 0 };  // oldest BDL entry the hardware has not completed
        uint8_t tail { 0 };  // next BDL entry software hands over
        uint8_t read { 0 };  // capture: next completed entry to read
    };

    Ac97(hw::PortIo& io, hw::Delay& delay, uint16_t nam, uint16_t nabm) : m_io(io), m_delay(delay), m_nam(nam), m_nabm(nabm) { }
    Result<void> initialize();

    uint16_t nam_read(Nam r) { return m_io.in16(uint16_t(m_nam + uint16_t(r))); }
    void nam_write(Nam r, uint16_t v) { m_io.out16(uint16_t(m_nam + uint16_t(r)), v); }
    uint16_t box_port(const Channel& c, BoxReg r) const { return uint16_t(m_nabm + nabm(c.box, r)); }

    Result<void> cold_reset();
    Result<void> reset_codec();
    Result<void> reset_box(Channel& c);
    Result<void> set_rates();
    void setup_mixer();
    void setup_bdl(Channel& c, bool playback);
    size_t buffer_samples() const; // 16-bit samples (both channels) per 20 ms buffer
    uint8_t* slot(Channel& c, uint8_t entry) const;
    void update_head(Channel& c);
    void service(Channel& c, bool playback, hw::IrqEvents& r);
    void fill_playback(uint8_t* dst, std::span<const int16_t, kFrameSamples> pcm);
    void drain_capture(const uint8_t* src, std::span<int16_t, kFrameSamples> pcm);

    hw::PortIo& m_io;
    hw::Delay& m_delay;
    uint16_t m_nam;
    uint16_t m_nabm;
    Channel m_out {};
    Channel m_in {};
    RateMode m_mode { RateMode::Native8k };
    bool m_running { false };
    Upsampler m_up {};
    Downsampler m_down {};
    Ac97Stats m_stats {};
};

} // namespace oh::ac97
