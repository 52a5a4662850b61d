// The RTP send grid against simulated media loops: a pacer on the grid sends one packet per
// tick (two when more than two wait), and a packet not there at its deadline on arrival.
// What must hold (send_grid.h): packets end up waiting about the margin, not a frame; a late
// media loop moves the grid later at once; a drifting codec clock is followed without
// skipped ticks; sporadic jitter does not make the grid swing back and forth.
#include "sip/media/send_grid.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <random>
#include <vector>

namespace {

using oh::media::SendGrid;
constexpr int64_t kMs = 1'000'000;
constexpr uint64_t kStart = 1'000 * kMs; // any monotonic time

// Per tick of the pacer: how long the packet it sent had waited (negative: it came after
// the deadline and went out on arrival), or no packet.
struct Tick {
    bool sent { false };
    int64_t lead { 0 };
    int64_t wire_ns { 0 }; // when the first packet of the tick went out
};

// Runs `ticks` pacer ticks against a media loop whose k-th packet is queued at arrival(k).
template <class Arrival> std::vector<Tick> run(SendGrid& grid, int ticks, Arrival arrival)
{
    std::vector<Tick> out;
    std::deque<int64_t> queue;
    int k = 0;
    int64_t now = int64_t(kStart);
    for (int t = 0; t < ticks; t++) {
        uint64_t deadline = grid.advance(uint64_t(now));
        now = std::max(now, int64_t(deadline));
        auto fill = [&](int64_t until) {
            while (arrival(k) <= until)
                queue.push_back(arrival(k++));
        };
        fill(now);
        // As the pacer: wait for a late packet until 2 ms before the next deadline.
        int64_t give_up = int64_t(deadline + SendGrid::kTickNs) - 2 * kMs;
        if (queue.empty() && arrival(k) <= give_up) {
            now = arrival(k);
            fill(now);
        }
        Tick tick;
        size_t n = queue.size() > 2 ? 2 : queue.size();
        if (n) {
            tick.sent = true;
            tick.lead = int64_t(deadline) - queue.front();
            tick.wire_ns = now;
        }
        uint64_t first_queued = n ? uint64_t(queue.front()) : 0;
        for (; n; n--)
            queue.pop_front();
        grid.sent(tick.sent, first_queued);
        out.push_back(tick);
    }
    return out;
}

std::vector<int64_t> leads(const std::vector<Tick>& ticks, size_t from)
{
    std::vector<int64_t> v;
    for (size_t i = from; i < ticks.size(); i++)
        if (ticks[i].sent)
            v.push_back(ticks[i].lead);
    std::sort(v.begin(), v.end());
    return v;
}

int late(const std::vector<Tick>& ticks, size_t from)
{
    int n = 0;
    for (size_t i = from; i < ticks.size(); i++)
        n += ticks[i].sent && ticks[i].lead < 0;
    return n;
}

// Deviation of the wire's gaps from 20 ms, worst case, over ticks [from, end).
int64_t worst_gap_deviation(const std::vector<Tick>& ticks, size_t from)
{
    int64_t worst = 0;
    for (size_t i = from + 1; i < ticks.size(); i++) {
        if (!ticks[i].sent || !ticks[i - 1].sent)
            return INT64_MAX; // a skipped tick: a 40 ms gap
        worst = std::max(worst, std::abs(ticks[i].wire_ns - ticks[i - 1].wire_ns - int64_t(SendGrid::kTickNs)));
    }
    return worst;
}

TEST(SendGrid, EarlyPacketsEndUpWaitingAboutTheMargin)
{
    // The media loop's packets are ready 15 ms before the grid's deadlines: without a move,
    // each would wait 15 ms of added mouth-to-ear delay.
    SendGrid grid(kStart);
    auto arrival = [](int k) { return int64_t(kStart) + (k + 1) * int64_t(SendGrid::kTickNs) - 15 * kMs; };
    auto ticks = run(grid, 3 * SendGrid::kWindow, arrival);
    auto v = leads(ticks, SendGrid::kWindow + 1);
    ASSERT_FALSE(v.empty());
    EXPECT_GE(v.front(), 0);
    EXPECT_LE(v.back(), SendGrid::kMarginNs + kMs);
    EXPECT_EQ(grid.moved_earlier(), 1u);
    EXPECT_EQ(grid.moved_later(), 0u);
    EXPECT_EQ(late(ticks, 0), 0);
    // The move costs one shorter gap on the wire, never a skipped tick.
    EXPECT_LE(worst_gap_deviation(ticks, 0), 15 * kMs - SendGrid::kMarginNs);
}

TEST(SendGrid, LateMediaLoopMovesTheGridLaterAtOnce)
{
    // Packets 7 ms after each deadline (a call's first frames): sent on arrival, and the
    // grid moves so that after a few ticks none is late.
    SendGrid grid(kStart);
    auto arrival = [](int k) { return int64_t(kStart) + (k + 1) * int64_t(SendGrid::kTickNs) + 7 * kMs; };
    auto ticks = run(grid, 2 * SendGrid::kWindow, arrival);
    EXPECT_LE(late(ticks, 0), SendGrid::kLateRun);
    EXPECT_EQ(late(ticks, SendGrid::kLateRun), 0);
    EXPECT_EQ(grid.moved_later(), 1u);
    auto v = leads(ticks, SendGrid::kLateRun + 1);
    ASSERT_FALSE(v.empty());
    EXPECT_GE(v.front(), 0);
    EXPECT_LE(v.back(), SendGrid::kMarginNs + kMs);
    // Every tick sent something: late packets went out on arrival, 7 ms late at worst.
    EXPECT_LE(worst_gap_deviation(ticks, 0), 7 * kMs + SendGrid::kMarginNs);
}

// A codec clock off by `ppm` from the CPU's, with uniform jitter of up to `jitter` on each
// packet (QEMU's audio timer runs every 10 ms), for ten minutes.
void drift(double ppm, int64_t jitter)
{
    SendGrid grid(kStart);
    std::mt19937 rng(7);
    std::vector<int64_t> noise(40'000);
    for (auto& n : noise)
        n = std::uniform_int_distribution<int64_t>(0, jitter)(rng);
    double period = double(SendGrid::kTickNs) * (1.0 + ppm * 1e-6);
    auto arrival = [&](int k) { return int64_t(kStart) + int64_t((k + 1) * period) + noise[size_t(k) % noise.size()]; };
    int ticks_n = 10 * 60 * 50;
    auto ticks = run(grid, ticks_n, arrival);
    size_t settle = 2 * SendGrid::kWindow;
    // The grid follows the codec in steps: a packet waits no longer than the margin plus the
    // jitter; as the codec falls behind, a few come slightly late (sent on arrival) until the
    // grid moves; no tick is skipped and no gap is off by more than a move.
    auto v = leads(ticks, settle);
    ASSERT_FALSE(v.empty());
    EXPECT_LE(v[v.size() * 99 / 100], SendGrid::kMarginNs + jitter + 2 * kMs) << "ppm " << ppm;
    EXPECT_GE(v.front(), -2 * kMs) << "ppm " << ppm;
    EXPECT_LE(late(ticks, settle), ticks_n / 50) << "ppm " << ppm;
    EXPECT_LE(worst_gap_deviation(ticks, settle), SendGrid::kMarginNs + 2 * kMs) << "ppm " << ppm;
    // In steps, not in a swing back and forth every window: 100 ppm is 2 ms per window's
    // 2 s, so at most one 6 ms margin's move per three windows.
    uint32_t moves = grid.moved_earlier() + grid.moved_later();
    EXPECT_LE(moves, uint32_t(ticks_n / SendGrid::kWindow / 3)) << "ppm " << ppm;
    std::printf("drift %+.0f ppm: lead p50 %.2f ms, p99 %.2f, min %.2f; late %d of %d; moved earlier %u, later %u\n",
        ppm, v[v.size() / 2] / 1e6, v[v.size() * 99 / 100] / 1e6, v.front() / 1e6, late(ticks, settle), ticks_n,
        grid.moved_earlier(), grid.moved_later());
}

TEST(SendGrid, FollowsACodecClockThatDrifts)
{
    drift(+100, 10 * kMs); // slower than the CPU's clock: 100 ppm, a cheap crystal's worst
    drift(-100, 10 * kMs);
    drift(0, 10 * kMs);
}

TEST(SendGrid, SporadicLatenessDoesNotSwingTheGrid)
{
    // 12 % of the packets come 3 ms after their deadline, the rest 5 ms before: the grid
    // moves later once and stays.
    SendGrid grid(kStart);
    auto arrival = [](int k) {
        int64_t base = int64_t(kStart) + (k + 1) * int64_t(SendGrid::kTickNs);
        return k % 25 < 3 ? base + 3 * kMs : base - 5 * kMs;
    };
    auto ticks = run(grid, 10 * SendGrid::kWindow, arrival);
    EXPECT_EQ(grid.moved_later(), 1u);
    EXPECT_EQ(grid.moved_earlier(), 0u);
    EXPECT_EQ(late(ticks, 2 * SendGrid::kWindow), 0);
}

TEST(SendGrid, RareStallsAreSentOnArrivalWithoutMovingTheGrid)
{
    // Every 200th packet is 15 ms late (the CPU was taken away), the rest 4 ms early.
    SendGrid grid(kStart);
    auto arrival = [](int k) {
        int64_t base = int64_t(kStart) + (k + 1) * int64_t(SendGrid::kTickNs);
        return k % 200 == 150 ? base + 15 * kMs : base - 4 * kMs;
    };
    auto ticks = run(grid, 20 * SendGrid::kWindow, arrival);
    EXPECT_EQ(grid.moved_later() + grid.moved_earlier(), 0u);
    EXPECT_EQ(late(ticks, 0), 10);
    EXPECT_LE(worst_gap_deviation(ticks, 0), 15 * kMs); // never a skipped tick
}

TEST(SendGrid, NoBurstAfterAStop)
{
    SendGrid grid(kStart);
    uint64_t d = grid.advance(kStart);
    EXPECT_EQ(d, kStart + SendGrid::kTickNs);
    uint64_t later = kStart + 500 * kMs; // the thread did not run for half a second
    d = grid.advance(later);
    EXPECT_EQ(d, later);
    EXPECT_EQ(grid.advance(later), later + SendGrid::kTickNs);
}

} // namespace
