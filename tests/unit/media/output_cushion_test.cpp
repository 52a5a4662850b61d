// The playback cushion against a modelled sound device: a codec that takes one 20 ms frame
// from its ring every 20 ms, a completion interrupt per frame, and a media thread that gets to
// each completion some time later (its lateness, stalls included). What is judged is what a
// listener hears: the ring never runs dry, and the delay it adds.
#include "sip/media/output_cushion.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

namespace {

namespace m = oh::media;
using Cushion = m::OutputCushion;
constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kFrame = 20 * kMs;

struct Outcome {
    uint32_t underruns { 0 };      // a completion found nothing queued behind it
    uint32_t skipped_loud { 0 };   // a loud frame dropped
    uint32_t doubled_loud { 0 };   // a loud frame written twice
    std::vector<uint32_t> depth;   // ring depth after each service
};

// `late(k)`: how long after completion k the media thread serves it; `quiet(k)`: whether the
// frame written at service k is silence. The thread serves completions in order, never two at
// once (a semaphore), and cannot run before the completion that woke it.
// `interrupts(k)` false: completion k raised no interrupt of its own (it shared the next one).
// `seen_early(k)`: the service before completion k ran late enough to see k complete (and
// refilled it); k's interrupt still wakes the thread, which then finds nothing owed.
Outcome simulate(Cushion& c, uint32_t completions, const std::function<uint64_t(uint32_t)>& late,
             const std::function<bool(uint32_t)>& quiet,
             const std::function<bool(uint32_t)>& interrupts = [](uint32_t) { return true; },
             const std::function<bool(uint32_t)>& seen_early = [](uint32_t) { return false; })
{
    Outcome r;
    uint32_t queued = Cushion::kStartFrames; // primed with silence, as the devices are
    uint64_t thread_free = 0;
    uint32_t next_completion = 1; // completion k at k * 20 ms
    for (uint32_t k = 1; k <= completions; ++k) {
        if (!interrupts(k))
            continue;
        uint64_t serve = std::max(k * kFrame + late(k), thread_free);
        if (seen_early(k + 1))
            serve = std::max(serve, (k + 1) * kFrame + 100'000);
        // Every completion up to the service: the codec finished a frame and starts the next.
        for (; uint64_t(next_completion) * kFrame <= serve && next_completion <= completions; ++next_completion) {
            if (queued == 0)
                r.underruns++; // nothing was playing: a gap the listener hears
            else
                queued--;
            if (queued == 0)
                r.underruns++; // and nothing to play next
        }
        uint32_t due = c.on_service(queued, serve - k * kFrame);
        for (uint32_t i = 0; i < due; ++i) {
            bool q = quiet(k);
            switch (c.on_write(q)) {
            case Cushion::Write::Once:
                queued++;
                break;
            case Cushion::Write::Twice:
                queued += 2;
                r.doubled_loud += q ? 0 : 1;
                break;
            case Cushion::Write::Skip:
                r.skipped_loud += q ? 0 : 1;
                break;
            }
        }
        r.depth.push_back(queued);
        thread_free = serve + 100'000; // the service itself takes 0.1 ms
    }
    return r;
}

auto always(bool v) { return [v](uint32_t) { return v; }; }

// Speech-like: 1 s of sound, 0.4 s of silence.
bool talk(uint32_t k) { return k % 70 >= 50; }

TEST(OutputCushion, ShrinksToTwoFramesWhenServicesAreOnTimeAndOnlyAfterAMinute)
{
    Cushion c;
    Outcome r = simulate(c, 3000 * 2, [](uint32_t) { return 2 * kMs; }, talk); // 2 minutes
    EXPECT_EQ(r.underruns, 0u);
    // Nothing changes in the first minute: a stall once a minute must be remembered.
    for (size_t i = 0; i < 2900; ++i)
        ASSERT_GE(r.depth[i], uint32_t(Cushion::kStartFrames)) << "service " << i;
    // Two frames (the one playing and the next, 20 ms) cover a 2 ms lateness with room.
    EXPECT_EQ(r.depth.back(), 2u);
    EXPECT_EQ(c.frames(), 2u);
    EXPECT_EQ(r.skipped_loud, 0u);
    EXPECT_GE(c.counters().shrunk, 3u);
}

TEST(OutputCushion, NeverShrinksInTheMiddleOfSound)
{
    Cushion c;
    Outcome r = simulate(c, 3000 * 2, [](uint32_t) { return 2 * kMs; }, always(false));
    EXPECT_EQ(r.underruns, 0u);
    EXPECT_EQ(r.skipped_loud, 0u);
    EXPECT_EQ(c.frames(), uint32_t(Cushion::kStartFrames));
}

TEST(OutputCushion, RecurringStallsKeepTheRingDeepEnough)
{
    // A 30 ms stall every 10 s (a busy emulator's host): inside the minute of memory, so the
    // ring keeps what a 30 ms stall needs (more than 30 ms ahead of a completion: three
    // frames) and never runs dry.
    Cushion c;
    auto late = [](uint32_t k) { return k % 500 == 250 ? 30 * kMs : 2 * kMs; };
    Outcome r = simulate(c, 3000 * 3, late, talk);
    EXPECT_EQ(r.underruns, 0u);
    EXPECT_GE(c.frames(), 3u);
    EXPECT_LE(c.frames(), 4u); // at most one frame above the need
    EXPECT_EQ(r.skipped_loud, 0u);
}

TEST(OutputCushion, GrowsOnAQuietFrameAfterAStallThatFitInTheCushion)
{
    // Settled at two frames, then a 15 ms stall: it fits in the 20 ms ahead, but leaves less
    // than the guard, so the ring grows, on the next quiet frame rather than in sound.
    Cushion c;
    auto late = [](uint32_t k) { return k == 4000 ? 15 * kMs : 2 * kMs; };
    Outcome r = simulate(c, 5000, late, talk);
    EXPECT_EQ(r.underruns, 0u);
    EXPECT_EQ(r.depth[3990], 2u);
    EXPECT_EQ(c.frames(), 3u);
    EXPECT_EQ(r.doubled_loud, 0u);
    EXPECT_EQ(c.counters().forced, 0u);
}

TEST(OutputCushion, GrowsAtOnceWhenTheRingIsNearlyDry)
{
    // Settled at two frames in continuous sound... (only silence lets it shrink: settle first
    // in silence, then sound), then a stall of 19 ms: under half the guard left, so the ring
    // grows in sound rather than risk the next stall.
    Cushion c;
    auto late = [](uint32_t k) { return k == 4000 ? 19 * kMs : 2 * kMs; };
    auto quiet = [](uint32_t k) { return k < 3950; };
    Outcome r = simulate(c, 4100, late, quiet);
    EXPECT_EQ(r.depth[3990], 2u);
    EXPECT_EQ(r.underruns, 0u);
    EXPECT_EQ(c.frames(), 3u);
    EXPECT_EQ(c.counters().forced, 1u);
}

TEST(OutputCushion, AStallLongerThanTheRingIsCountedAndTheRingRecovers)
{
    // 50 ms with two frames queued: the ring runs dry (nothing can prevent that), the
    // simulation counts it, and afterwards the cushion covers such a stall.
    Cushion c;
    auto late = [](uint32_t k) { return k == 4000 ? 50 * kMs : 2 * kMs; };
    auto quiet = [](uint32_t k) { return k < 3950 || k > 4010; };
    Outcome r = simulate(c, 4200, late, quiet);
    EXPECT_GT(r.underruns, 0u);
    EXPECT_GE(c.frames(), 4u); // more than 50 ms ahead of a completion
    Outcome after = simulate(c, 1000, [](uint32_t k) { return k == 500 ? 50 * kMs : 2 * kMs; }, talk);
    EXPECT_EQ(after.underruns, 0u);
    EXPECT_GT(c.counters().worst_deficit_us, 50'000u);
}

TEST(OutputCushion, CompletionsThatShareAnInterruptAreAllRefilled)
{
    // From 10 s on, every other completion comes without an interrupt of its own (the
    // device completed two buffers before the interrupt was taken): each service must
    // refill both, or the ring drains by a frame every 40 ms.
    Cushion c;
    auto late = [](uint32_t) { return 2 * kMs; };
    Outcome r = simulate(c, 3000, late, talk, [](uint32_t k) { return k < 500 || k % 2 == 0; });
    EXPECT_EQ(r.underruns, 0u);
    EXPECT_GE(r.depth.back(), 3u);
}

TEST(OutputCushion, AWakeupForACompletionAlreadyRefilledWritesNothing)
{
    // Every 7th service runs just past the next completion and refills it too; that
    // completion's interrupt then wakes the thread for nothing. Writing a frame anyway would
    // leave the ring a frame deeper each time (20 ms more delay, for good).
    Cushion c;
    auto late = [](uint32_t) { return 1 * kMs; };
    Outcome r = simulate(c, 6000, late, talk, [](uint32_t) { return true; }, [](uint32_t k) { return k % 7 == 0; });
    EXPECT_EQ(r.underruns, 0u);
    uint32_t deepest = 0;
    for (uint32_t d : r.depth)
        deepest = std::max(deepest, d);
    EXPECT_LE(deepest, Cushion::kMaxFrames) << "the ring grew past any cushion";
    EXPECT_LE(r.depth.back(), c.frames());
}

TEST(OutputCushion, QuietMeansAPeakOfAtMostKQuietPeak)
{
    int16_t frame[160] = {};
    EXPECT_TRUE(m::frame_is_quiet(frame, 160));
    frame[80] = 512;
    EXPECT_TRUE(m::frame_is_quiet(frame, 160));
    frame[80] = -600;
    EXPECT_FALSE(m::frame_is_quiet(frame, 160));
}

} // namespace
