// AC'97 driver core against a QEMU-like register file: probe, bring-up, VRA and the 48 kHz
// fallback, descriptor lists, interrupts, LVI handling, underrun/overrun, mixer.
#include "drivers/ac97/ac97.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <optional>

#include "tests/unit/ac97/mock_ac97.h"

namespace {

namespace a = oh::ac97;
using ac97_test::MockAc97;
using ac97_test::qemu_ac97;

struct Rig {
    MockAc97 hw;
    std::optional<a::Ac97> dev;

    // create(): the codec up, or its error (and no device).
    oh::Result<void> bring_up()
    {
        auto created = a::Ac97::create(qemu_ac97(), hw.io, hw, hw);
        if (created.is_error())
            return created.error();
        dev.emplace(created.release_value());
        return {};
    }

    uint16_t nam(uint16_t reg) { return uint16_t(hw.nam(reg)); }
};

TEST(Ac97, ProbeMatchesOnlyTheIchController)
{
    auto f = qemu_ac97();
    EXPECT_TRUE(a::Ac97::probe(f));
    f.device = 0x24c5; // ICH4: same programming model
    EXPECT_TRUE(a::Ac97::probe(f));
    f.device = 0x100e; // e1000
    EXPECT_FALSE(a::Ac97::probe(f));
    f = qemu_ac97();
    f.vendor = 0x1022;
    EXPECT_FALSE(a::Ac97::probe(f));
    f = qemu_ac97();
    f.bar[1] = 0xfebf0000; // memory BAR: not the layout we drive
    EXPECT_FALSE(a::Ac97::probe(f));
    MockAc97 hw;
    EXPECT_EQ(a::Ac97::create(f, hw.io, hw, hw).error(), oh::Error::NotFound);
    EXPECT_TRUE(hw.io.log.empty()); // probe and a failed create touch no register
}

TEST(Ac97, BringUpAt8kHzWithVra)
{
    Rig r;
    ASSERT_TRUE(r.bring_up().has_value());
    EXPECT_EQ(r.dev->rate_mode(), a::RateMode::Native8k);
    // Cold reset: GLOB_CNT written 0 (reset asserted) before bit 1 (released).
    int first_zero = -1, release = -1;
    for (size_t i = 0; i < r.hw.io.log.size(); ++i) {
        const auto& e = r.hw.io.log[i];
        if (e.write && e.port == ac97_test::kNabmBase + 0x2c) {
            if (e.value == 0 && first_zero < 0)
                first_zero = int(i);
            if (e.value == a::glob_cnt::kColdResetDeassert && release < 0)
                release = int(i);
        }
    }
    EXPECT_GE(first_zero, 0);
    EXPECT_GT(release, first_zero);
    EXPECT_EQ(r.nam(0x2c), 8000);
    EXPECT_EQ(r.nam(0x32), 8000);
    EXPECT_TRUE(r.nam(0x2a) & a::extended::kVra);
    EXPECT_EQ(r.nam(0x02), 0x0000);  // master 0 dB, unmuted
    EXPECT_EQ(r.nam(0x18), 0x0808);  // PCM out 0 dB
    EXPECT_EQ(r.nam(0x1a), 0x0000);  // record from the mic
    EXPECT_EQ(r.nam(0x1c), 0x0000);  // record gain 0 dB, unmuted
    // Descriptor lists: 32 entries of 20 ms stereo at 8 kHz = 320 samples, IOC set.
    for (a::Box box : { a::Box::PcmIn, a::Box::PcmOut }) {
        uint32_t bdbar = r.hw.box(box).bdbar;
        ASSERT_NE(bdbar, 0u);
        EXPECT_EQ(bdbar % 8, 0u);
        for (uint32_t i = 0; i < 32; ++i) {
            uint8_t* e = r.hw.phys(bdbar + i * 8);
            EXPECT_EQ(oh::load_le16(e + 4), 320);
            EXPECT_TRUE(oh::load_le16(e + 6) & a::bd::kIoc);
            EXPECT_EQ(oh::load_le32(e) % 2, 0u);
        }
        EXPECT_EQ(oh::load_le32(r.hw.phys(bdbar)), oh::load_le32(r.hw.phys(bdbar + a::kBuffers * 8))); // the ring wraps
    }
    // No 8- or 32-bit access to the mixer: the codec registers are 16-bit only.
    for (const auto& e : r.hw.io.log) {
        if (e.port >= ac97_test::kNamBase && e.port < ac97_test::kNamBase + 256) {
            EXPECT_EQ(e.width, 2u) << std::hex << e.port;
        }
    }
}

TEST(Ac97, WaitsForASlowCodecAndGivesUpOnADeadOne)
{
    Rig slow;
    slow.hw.ready_after_us = 20000;
    ASSERT_TRUE(slow.bring_up().has_value());
    EXPECT_GE(slow.hw.now_us, 20000u);
    Rig dead;
    dead.hw.never_ready = true;
    auto r = dead.bring_up();
    EXPECT_EQ(r.error(), oh::Error::Timeout);
    EXPECT_LE(dead.hw.now_us, 2'000'000u); // bounded wait
}

TEST(Ac97, FallsBackTo48kWhenTheCodecRefuses8k)
{
    for (bool has_vra : { false, true }) {
        Rig r;
        r.hw.has_vra = has_vra;
        r.hw.rounds_to_48k = true;
        r.hw.mixer_reset();
        ASSERT_TRUE(r.bring_up().has_value());
        EXPECT_EQ(r.dev->rate_mode(), a::RateMode::Resampled48k);
        EXPECT_EQ(r.nam(0x2c), 48000);
        EXPECT_EQ(oh::load_le16(r.hw.phys(r.hw.box(a::Box::PcmOut).bdbar) + 4), 1920); // 960 frames x 2
    }
}

// Run the "hardware" for 20 ms on both engines, then service the IRQ as the kernel would.
void tick(Rig& r, size_t samples_per_buffer)
{
    r.hw.run(a::Box::PcmOut, samples_per_buffer);
    r.hw.run(a::Box::PcmIn, samples_per_buffer);
    if (r.hw.irq_line()) {
        auto res = r.dev->handle_irq();
        EXPECT_TRUE(res.ours());
    }
}

// The media thread asks how much is queued (update_head) and can see a completion before the
// interrupt for it is serviced: the completion is still counted once, and the interrupt still
// reports it, so the thread that waits for it wakes.
TEST(Ac97, CompletionsSeenBeforeTheirInterruptAreCountedAndReported)
{
    Rig r;
    ASSERT_TRUE(r.bring_up().has_value());
    for (int i = 0; i < 320 * 4; ++i)
        r.hw.mic.push_back(0);
    ASSERT_TRUE(r.dev->start().has_value());
    int16_t frame[160] = {};
    ASSERT_TRUE(r.dev->write_frame(std::span<const int16_t, 160>(frame, 160)).has_value());
    for (int t = 0; t < 3; ++t) {
        r.hw.run(a::Box::PcmOut, 320);
        r.hw.run(a::Box::PcmIn, 320);
        ASSERT_TRUE(r.hw.irq_line());
        // The threads get there first.
        EXPECT_EQ(r.dev->playback_queued(), 2u); // two prefilled + ours, one played
        EXPECT_EQ(r.dev->capture_available(), size_t(t + 1));
        auto res = r.dev->handle_irq();
        EXPECT_TRUE(res.has(oh::hw::IrqEvent::PlaybackSpace)) << t;
        EXPECT_TRUE(res.has(oh::hw::IrqEvent::CaptureReady)) << t;
        ASSERT_TRUE(r.dev->write_frame(std::span<const int16_t, 160>(frame, 160)).has_value());
        EXPECT_EQ(r.dev->stats().playback_buffers, uint32_t(t + 1));
        EXPECT_EQ(r.dev->stats().capture_buffers, uint32_t(t + 1));
    }
}

TEST(Ac97, SimultaneousPlaybackAndCaptureAreBitExactAt8k)
{
    Rig r;
    ASSERT_TRUE(r.bring_up().has_value());
    // Microphone: a ramp, same on both channels.
    for (int i = 0; i < 160 * 60; ++i) {
        r.hw.mic.push_back(int16_t(i * 3));
        r.hw.mic.push_back(int16_t(i * 3));
    }
    ASSERT_TRUE(r.dev->start().has_value());
    std::vector<int16_t> sent, captured;
    int16_t frame[160];
    for (int t = 0; t < 50; ++t) {
        tick(r, 320);
        while (r.dev->capture_available() > 0) {
            ASSERT_TRUE(r.dev->read_frame(std::span<int16_t, 160>(frame, 160)).has_value());
            captured.insert(captured.end(), frame, frame + 160);
        }
        for (int i = 0; i < 160; ++i)
            frame[i] = int16_t(t * 1000 + i);
        ASSERT_TRUE(r.dev->write_frame(std::span<const int16_t, 160>(frame, 160)).has_value());
        sent.insert(sent.end(), frame, frame + 160);
    }
    const auto& s = r.dev->stats();
    EXPECT_EQ(s.underruns, 0u);
    EXPECT_EQ(s.overruns, 0u);
    EXPECT_EQ(s.playback_buffers, 50u);
    EXPECT_EQ(s.capture_buffers, 50u);
    // Playback: two prefill buffers of silence, then exactly what we wrote, on both channels.
    ASSERT_GE(r.hw.played.size(), 320u * 50);
    for (size_t i = 0; i < 640; ++i)
        EXPECT_EQ(r.hw.played[i], 0);
    for (size_t i = 0; i < 160 * 48; ++i) {
        ASSERT_EQ(r.hw.played[640 + 2 * i], sent[i]) << i;
        ASSERT_EQ(r.hw.played[640 + 2 * i + 1], sent[i]) << i;
    }
    // Capture: the ramp, in order, nothing lost.
    ASSERT_EQ(captured.size(), 160u * 50);
    for (size_t i = 0; i < captured.size(); ++i)
        ASSERT_EQ(captured[i], int16_t(i * 3)) << i;
}

TEST(Ac97, UnderrunIsCountedAndPlaybackResumes)
{
    Rig r;
    ASSERT_TRUE(r.bring_up().has_value());
    ASSERT_TRUE(r.dev->start().has_value());
    int16_t frame[160];
    std::fill(frame, frame + 160, int16_t(1234));
    for (int t = 0; t < 5; ++t) // nobody writes: prefill runs out
        tick(r, 320);
    EXPECT_EQ(r.dev->stats().underruns, 1u);
    EXPECT_TRUE(r.hw.box(a::Box::PcmOut).sr & a::sr::kDmaHalted);
    EXPECT_EQ(r.dev->playback_queued(), 0u);
    ASSERT_TRUE(r.dev->write_frame(std::span<const int16_t, 160>(frame, 160)).has_value());
    EXPECT_FALSE(r.hw.box(a::Box::PcmOut).sr & a::sr::kDmaHalted); // writing LVI restarted the engine
    size_t before = r.hw.played.size();
    tick(r, 320);
    ASSERT_EQ(r.hw.played.size(), before + 320);
    EXPECT_EQ(r.hw.played[before], 1234);
    EXPECT_EQ(r.hw.played[before + 319], 1234);
}

TEST(Ac97, OverrunIsCountedAndCaptureNeverOverwritesUnreadBuffers)
{
    Rig r;
    ASSERT_TRUE(r.bring_up().has_value());
    for (int i = 0; i < 320 * 20; ++i)
        r.hw.mic.push_back(int16_t(i / 2));
    ASSERT_TRUE(r.dev->start().has_value());
    int16_t keep[160];
    for (int t = 0; t < int(2 * a::kBuffers); ++t) { // we do not read: the ring fills, then it halts
        tick(r, 320);
        std::fill(keep, keep + 160, 0);
        while (r.dev->playback_queued() < 2) // playback keeps going meanwhile
            ASSERT_TRUE(r.dev->write_frame(std::span<const int16_t, 160>(keep, 160)).has_value());
    }
    EXPECT_EQ(r.dev->stats().overruns, 1u);
    EXPECT_EQ(r.dev->capture_available(), a::kBuffers);
    // The oldest buffers are intact: samples in order from 0.
    int16_t frame[160];
    for (int b = 0; b < int(a::kBuffers); ++b) {
        ASSERT_TRUE(r.dev->read_frame(std::span<int16_t, 160>(frame, 160)).has_value());
        EXPECT_EQ(frame[0], int16_t(b * 160)) << b;
        EXPECT_EQ(frame[159], int16_t(b * 160 + 159)) << b;
    }
    EXPECT_EQ(r.dev->read_frame(std::span<int16_t, 160>(frame, 160)).error(), oh::Error::WouldBlock);
    EXPECT_EQ(r.dev->stats().read_empty, 1u);
}

TEST(Ac97, RingFullIsReportedNotOverwritten)
{
    Rig r;
    ASSERT_TRUE(r.bring_up().has_value());
    ASSERT_TRUE(r.dev->start().has_value());
    int16_t frame[160] {};
    for (size_t i = a::kPlaybackPrefill; i < a::kBuffers; i++)
        EXPECT_TRUE(r.dev->write_frame(std::span<const int16_t, 160>(frame, 160)).has_value());
    EXPECT_EQ(r.dev->write_frame(std::span<const int16_t, 160>(frame, 160)).error(), oh::Error::WouldBlock);
    EXPECT_EQ(r.dev->stats().write_full, 1u);
    EXPECT_EQ(r.hw.box(a::Box::PcmOut).lvi, a::kBuffers - 1); // prefill then ours, up to the last entry
}

TEST(Ac97, ResampledPathKeepsTheToneFrequency)
{
    Rig r;
    r.hw.rounds_to_48k = true;
    ASSERT_TRUE(r.bring_up().has_value());
    ASSERT_EQ(r.dev->rate_mode(), a::RateMode::Resampled48k);
    // Mic: 1 kHz at 48 kHz, stereo.
    for (int i = 0; i < 960 * 70; ++i) {
        int16_t s = int16_t(std::lround(8000 * std::sin(2 * M_PI * 1000 * i / 48000.0)));
        r.hw.mic.push_back(s);
        r.hw.mic.push_back(s);
    }
    ASSERT_TRUE(r.dev->start().has_value());
    std::vector<int16_t> captured;
    int16_t frame[160];
    for (int t = 0; t < 60; ++t) {
        tick(r, 1920);
        while (r.dev->read_frame(std::span<int16_t, 160>(frame, 160)).has_value())
            captured.insert(captured.end(), frame, frame + 160);
        for (int i = 0; i < 160; ++i)
            frame[i] = int16_t(std::lround(8000 * std::sin(2 * M_PI * 1000 * (t * 160 + i) / 8000.0)));
        ASSERT_TRUE(r.dev->write_frame(std::span<const int16_t, 160>(frame, 160)).has_value());
    }
    auto level = [](const int16_t* x, size_t n, size_t stride, double f, double fs) {
        double re = 0, im = 0;
        for (size_t i = 0; i < n; ++i) {
            re += x[i * stride] * std::cos(2 * M_PI * f * i / fs);
            im += x[i * stride] * std::sin(2 * M_PI * f * i / fs);
        }
        return 2 * std::hypot(re, im) / n;
    };
    // Capture at 8 kHz: 1 kHz at nearly full level, no alias.
    ASSERT_GE(captured.size(), 8000u);
    EXPECT_NEAR(level(captured.data() + 800, 4000, 1, 1000, 8000), 8000, 200);
    // Playback at 48 kHz: 1 kHz at full level, the 7 kHz image suppressed.
    size_t skip = 2 * 1920 * 4;
    ASSERT_GE(r.hw.played.size(), skip + 2 * 24000);
    EXPECT_NEAR(level(r.hw.played.data() + skip, 24000, 2, 1000, 48000), 8000, 200);
    EXPECT_LT(level(r.hw.played.data() + skip, 24000, 2, 7000, 48000), 40);
}

TEST(Ac97, MixerVolumeAndMute)
{
    Rig r;
    ASSERT_TRUE(r.bring_up().has_value());
    r.dev->set_output_volume(10, a::Mute::Off);
    EXPECT_EQ(r.nam(0x02), 0x0a0a);
    r.dev->set_output_volume(200, a::Mute::On);
    EXPECT_EQ(r.nam(0x02), 0x8000 | 0x3f3f);
    r.dev->set_input_gain(4, a::Mute::Off, true);
    EXPECT_EQ(r.nam(0x1c), 0x0404);
    EXPECT_EQ(r.nam(0x0e), 0x0048);
    r.dev->set_input_gain(40, a::Mute::On, false);
    EXPECT_EQ(r.nam(0x1c), 0x8f0f);
}

TEST(Ac97, ForeignInterruptsAndConfusedHardware)
{
    Rig r;
    ASSERT_TRUE(r.bring_up().has_value());
    ASSERT_TRUE(r.dev->start().has_value());
    auto res = r.dev->handle_irq(); // nothing pending: a device sharing the line
    EXPECT_FALSE(res.ours());
    EXPECT_EQ(r.dev->stats().foreign_irqs, 1u);
    // CIV pointing past what we queued is ignored and counted, not followed.
    r.hw.box(a::Box::PcmOut).civ = 17;
    EXPECT_EQ(r.dev->playback_queued(), 2u);
    EXPECT_GE(r.dev->stats().bad_index, 1u);
    // Stop rewinds; a new start works again.
    ASSERT_TRUE(r.dev->stop().has_value());
    EXPECT_FALSE(r.hw.box(a::Box::PcmOut).cr & a::cr::kRun);
    ASSERT_TRUE(r.dev->start().has_value());
    EXPECT_EQ(r.hw.box(a::Box::PcmOut).civ, 0);
}

// The kernel moves the device out of create()'s Result onto the heap. Where it was is then
// scribbled over: anything the hardware or the driver kept pointing into the old object
// would read garbage.
TEST(Ac97, StreamsAfterBeingMoved)
{
    Rig r;
    ASSERT_TRUE(r.bring_up().has_value());
    void* old = &*r.dev;
    a::Ac97 dev(std::move(*r.dev));
    r.dev.reset();
    std::memset(old, 0xa5, sizeof(a::Ac97));
    for (int i = 0; i < 320 * 4; ++i)
        r.hw.mic.push_back(int16_t(i / 2));
    ASSERT_TRUE(dev.start().has_value());
    int16_t frame[160];
    std::fill(frame, frame + 160, int16_t(777));
    ASSERT_TRUE(dev.write_frame(std::span<const int16_t, 160>(frame, 160)).has_value());
    for (int t = 0; t < 3; ++t) {
        r.hw.run(a::Box::PcmOut, 320);
        r.hw.run(a::Box::PcmIn, 320);
        ASSERT_TRUE(r.hw.irq_line());
        EXPECT_TRUE(dev.handle_irq().ours());
    }
    EXPECT_EQ(dev.stats().playback_buffers, 3u);
    EXPECT_EQ(dev.stats().capture_buffers, 3u);
    ASSERT_GE(r.hw.played.size(), 960u);
    EXPECT_EQ(r.hw.played[639], 0);   // the prefill's silence
    EXPECT_EQ(r.hw.played[640], 777); // then our frame
    ASSERT_TRUE(dev.read_frame(std::span<int16_t, 160>(frame, 160)).has_value());
    EXPECT_EQ(frame[0], 0);
    EXPECT_EQ(frame[159], 159);
}

TEST(Ac97, NotStartedRefusesIo)
{
    Rig r;
    ASSERT_TRUE(r.bring_up().has_value());
    int16_t frame[160] {};
    EXPECT_EQ(r.dev->write_frame(std::span<const int16_t, 160>(frame, 160)).error(), oh::Error::InvalidArgument);
    EXPECT_EQ(r.dev->read_frame(std::span<int16_t, 160>(frame, 160)).error(), oh::Error::InvalidArgument);
}

} // namespace
