// Capture reserve: bursty device completions must not reach the media path as zero frames;
// underruns are concealed and counted, a deep reserve is cut back, a stall primes again.
#include "sip/media/capture_reserve.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <vector>

namespace {

namespace m = oh::media;
constexpr size_t kN = m::kReserveFrame;
using Frame = std::vector<int16_t>;

// A capture device whose completed frames arrive on a schedule, as QEMU's AC97 delivers
// PCM-in completions: several in one tick, then none for a while.
class BurstySource final : public m::CaptureSource {
public:
    std::deque<Frame> ready;
    size_t produced { 0 };
    double level { 8000 }; // the tone's peak; 100 is a quiet room (below media::kQuietPeak)

    void arrive(size_t frames)
    {
        for (size_t f = 0; f < frames; ++f, ++produced) {
            Frame fr(kN);
            for (size_t i = 0; i < kN; ++i) // 700 Hz, as tests/e2e/test_capture.py feeds
                fr[i] = int16_t(level * std::sin(2 * M_PI * 700 * double(produced * kN + i) / 8000));
            ready.push_back(fr);
        }
    }
    size_t frames_ready() override { return ready.size(); }
    bool take_frame(std::span<int16_t, kN> out) override
    {
        if (ready.empty())
            return false;
        std::copy(ready.front().begin(), ready.front().end(), out.begin());
        ready.pop_front();
        return true;
    }
};

bool all_zero(const int16_t* f)
{
    for (size_t i = 0; i < kN; ++i)
        if (f[i])
            return false;
    return true;
}

// One frame every 20 ms on average, delivered in bursts of up to three buffers with gaps of
// up to two ticks between them (what the e2e test saw with QEMU's default ALSA buffers).
constexpr size_t kBursts[] = { 0, 2, 0, 0, 3, 1, 0, 2, 1, 0, 0, 3, 1, 1, 0, 2 };

TEST(CaptureReserve, BurstyCompletionsNeverBecomeZeroFrames)
{
    // Control, the old glue: capture counted as live only in a tick in which a buffer
    // completed, and read hand to mouth; every tick the bursts skip became a zero frame,
    // however much audio was waiting.
    BurstySource naive;
    size_t naive_zero = 0;
    for (int t = 0; t < 1000; ++t) {
        size_t arrived = kBursts[t % std::size(kBursts)];
        naive.arrive(arrived);
        int16_t f[kN] = {};
        if (arrived == 0 || !naive.take_frame(f))
            naive_zero++;
    }
    ASSERT_GT(naive_zero, 300u) << "the schedule must be bursty enough to matter";

    BurstySource src;
    m::CaptureReserve reserve;
    size_t zero_after_start = 0;
    bool started = false;
    for (int t = 0; t < 1000; ++t) {
        src.arrive(kBursts[t % std::size(kBursts)]);
        int16_t f[kN];
        reserve.pull(src, f);
        started |= reserve.primed();
        if (started && all_zero(f))
            zero_after_start++;
    }
    const auto& c = reserve.counters();
    EXPECT_EQ(zero_after_start, 0u);
    // The reserve grows by one frame per underrun until the bursts no longer empty it: a
    // handful at the start of the call, then none, and nothing thrown away.
    EXPECT_LE(c.underruns, 3u);
    EXPECT_EQ(c.discarded, 0u);
    EXPECT_LE(c.max_depth, m::CaptureReserve::kMaxFrames);
    EXPECT_GE(c.delivered, 990u);
}

TEST(CaptureReserve, WaitsForTheStartDepthAndThenDeliversInOrder)
{
    BurstySource src;
    m::CaptureReserve reserve;
    int16_t f[kN];
    src.arrive(1);
    reserve.pull(src, f);
    EXPECT_FALSE(reserve.primed());
    EXPECT_TRUE(all_zero(f)); // nothing captured yet: silence, and not an underrun
    EXPECT_EQ(reserve.counters().underruns, 0u);
    EXPECT_EQ(src.ready.size(), 1u);
    src.arrive(1);
    Frame first = src.ready.front();
    reserve.pull(src, f);
    EXPECT_TRUE(reserve.primed());
    EXPECT_EQ(Frame(f, f + kN), first); // the oldest frame, untouched
    EXPECT_EQ(src.ready.size(), m::CaptureReserve::kStartFrames - 1); // the cushion stays
}

TEST(CaptureReserve, FramesQueuedBeforeTheFirstReadAreNotCarriedAsDelay)
{
    BurstySource src; // the device ran for 100 ms before the media thread first read it
    m::CaptureReserve reserve;
    int16_t f[kN];
    src.arrive(5);
    reserve.pull(src, f);
    EXPECT_TRUE(reserve.primed());
    EXPECT_EQ(src.ready.size(), m::CaptureReserve::kStartFrames - 1);
    EXPECT_EQ(reserve.counters().discarded, 3u); // the oldest three; the fourth delivered
    for (int t = 0; t < 100; ++t) {
        src.arrive(1);
        reserve.pull(src, f);
        ASSERT_EQ(src.ready.size(), m::CaptureReserve::kStartFrames - 1);
    }
}

TEST(CaptureReserve, ADryReserveIsConcealedCountedAndDeepensByOneFrame)
{
    BurstySource src;
    m::CaptureReserve reserve;
    int16_t f[kN];
    src.arrive(2);
    reserve.pull(src, f); // primed, one left
    reserve.pull(src, f); // the cushion, none left
    reserve.pull(src, f); // dry
    EXPECT_EQ(reserve.counters().underruns, 1u);
    EXPECT_FALSE(all_zero(f)); // the tone continued by concealment, not a hole
    // The device keeps its pace (one per tick) from here: the frame not consumed while dry
    // stays in the reserve as a second frame of cushion.
    for (int t = 0; t < 10; ++t) {
        src.arrive(1);
        reserve.pull(src, f);
    }
    EXPECT_EQ(src.ready.size(), 0u);
    src.arrive(2);
    reserve.pull(src, f);
    EXPECT_EQ(src.ready.size(), 1u);
    EXPECT_EQ(reserve.counters().underruns, 1u);
}

TEST(CaptureReserve, AReserveDeeperThanTheCapIsCutBackToTheStartDepth)
{
    BurstySource src;
    m::CaptureReserve reserve;
    int16_t f[kN];
    src.arrive(2);
    reserve.pull(src, f);
    src.arrive(m::CaptureReserve::kMaxFrames); // a stalled media thread catching up
    size_t before = src.produced;
    reserve.pull(src, f);
    EXPECT_EQ(reserve.counters().discarded, m::CaptureReserve::kMaxFrames + 1 - m::CaptureReserve::kStartFrames);
    EXPECT_EQ(src.ready.size(), m::CaptureReserve::kStartFrames - 1);
    EXPECT_EQ(before, src.produced);
    // Within the cap nothing is dropped.
    src.arrive(m::CaptureReserve::kMaxFrames - 1);
    reserve.pull(src, f);
    EXPECT_EQ(reserve.counters().discarded, m::CaptureReserve::kMaxFrames + 1 - m::CaptureReserve::kStartFrames);
}

TEST(CaptureReserve, AStalledDevicePrimesAgain)
{
    BurstySource src;
    m::CaptureReserve reserve;
    int16_t f[kN];
    src.arrive(2);
    reserve.pull(src, f);
    reserve.pull(src, f);
    for (uint32_t t = 0; t < m::CaptureReserve::kStallFrames; ++t)
        reserve.pull(src, f);
    EXPECT_FALSE(reserve.primed());
    EXPECT_EQ(reserve.counters().restarts, 1u);
    EXPECT_EQ(reserve.counters().underruns, m::CaptureReserve::kStallFrames);
    src.arrive(1);
    reserve.pull(src, f); // one frame is not yet the start depth
    EXPECT_EQ(src.ready.size(), 1u);
    EXPECT_EQ(reserve.counters().underruns, m::CaptureReserve::kStallFrames);
}

// A device that completes one frame per tick, just before the tick, never needs the second
// frame the reserve starts with: after a minute of that evidence it is dropped in silence, and
// capture runs 20 ms earlier for the rest of the call, with nothing concealed.
TEST(CaptureReserve, TrimsACushionFrameAQuietMinuteNeverNeeded)
{
    BurstySource src;
    src.level = 100;
    m::CaptureReserve reserve;
    int16_t f[kN];
    src.arrive(1);
    for (uint32_t t = 0; t + 1 < m::CaptureReserve::kTrimWindow; ++t) {
        src.arrive(1);
        reserve.pull(src, f);
        ASSERT_EQ(src.ready.size(), 1u) << t; // the cushion frame waits
    }
    EXPECT_EQ(reserve.counters().trimmed, 0u); // not before a whole minute
    src.arrive(1);
    reserve.pull(src, f);
    EXPECT_EQ(reserve.counters().trimmed, 1u);
    EXPECT_EQ(src.ready.size(), 0u);
    // Hand to mouth from here: never below it, never concealing, never trimming again.
    for (uint32_t t = 0; t < 3 * m::CaptureReserve::kTrimWindow; ++t) {
        src.arrive(1);
        reserve.pull(src, f);
        ASSERT_EQ(src.ready.size(), 0u) << t;
    }
    EXPECT_EQ(reserve.counters().trimmed, 1u);
    EXPECT_EQ(reserve.counters().underruns, 0u);
}

TEST(CaptureReserve, TrimsOnlyInSilence)
{
    BurstySource src; // a steady tone: no frame may be dropped from it
    m::CaptureReserve reserve;
    int16_t f[kN];
    src.arrive(1);
    for (uint32_t t = 0; t < 2 * m::CaptureReserve::kTrimWindow; ++t) {
        src.arrive(1);
        reserve.pull(src, f);
    }
    EXPECT_EQ(reserve.counters().trimmed, 0u);
    EXPECT_EQ(src.ready.size(), 1u);
    src.level = 100; // the talker pauses: the first quiet frame at the head goes
    src.arrive(1);
    reserve.pull(src, f); // the head is still the tone's last frame
    EXPECT_EQ(reserve.counters().trimmed, 0u);
    src.arrive(1);
    reserve.pull(src, f);
    EXPECT_EQ(reserve.counters().trimmed, 1u);
    EXPECT_EQ(src.ready.size(), 0u);
}

TEST(CaptureReserve, ANeedAfterTheMinuteCancelsItsEvidence)
{
    BurstySource src; // a minute of steady tone: evidence for a trim, but nothing quiet to drop
    m::CaptureReserve reserve;
    int16_t f[kN];
    src.arrive(1);
    for (uint32_t t = 0; t < m::CaptureReserve::kTrimWindow; ++t) {
        src.arrive(1);
        reserve.pull(src, f);
    }
    src.arrive(0); // then a completion a tick late: that read found only the cushion frame
    reserve.pull(src, f);
    src.arrive(2);
    src.level = 100; // and the talker pauses
    for (int t = 0; t < 50; ++t) {
        reserve.pull(src, f);
        src.arrive(1);
    }
    EXPECT_EQ(reserve.counters().trimmed, 0u);
    EXPECT_EQ(reserve.counters().underruns, 0u);
}

TEST(CaptureReserve, AMinuteThatOnceNeededTheCushionKeepsIt)
{
    BurstySource src;
    src.level = 100;
    m::CaptureReserve reserve;
    int16_t f[kN];
    src.arrive(1);
    for (uint32_t t = 0; t < m::CaptureReserve::kTrimWindow; ++t) {
        // Once in the minute a completion comes a tick late: that pull had only one frame.
        src.arrive(t == 1000 ? 0 : t == 1001 ? 2 : 1);
        reserve.pull(src, f);
    }
    EXPECT_EQ(reserve.counters().trimmed, 0u);
    EXPECT_EQ(reserve.counters().underruns, 0u);
    EXPECT_EQ(src.ready.size(), 1u);
    // A clean minute after it is evidence again.
    for (uint32_t t = 0; t < m::CaptureReserve::kTrimWindow; ++t) {
        src.arrive(1);
        reserve.pull(src, f);
    }
    EXPECT_EQ(reserve.counters().trimmed, 1u);
    EXPECT_EQ(src.ready.size(), 0u);
}

} // namespace
