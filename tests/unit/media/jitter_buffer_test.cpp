// Jitter buffer under simulated network traces: delay added, loss, lateness, drift, resync.
#include "sip/media/jitter_buffer.h"

#include <gtest/gtest.h>

#include "tests/unit/media/netsim.h"

namespace {

namespace m = oh::media;
using media_test::NetProfile;
using media_test::NetSim;
using JB = m::JitterBuffer;

constexpr uint32_t kSsrc = 0x1234;
constexpr uint32_t kTs0 = 4000000000u; // close to the wrap, on purpose

// Each payload carries its frame number so the test can tell what was played when.
void make_payload(uint32_t index, uint8_t* p)
{
    for (int i = 0; i < 160; ++i)
        p[i] = uint8_t(0x40 + (index & 0x3f)); // loud µ-law codes, never "quiet"
    p[0] = uint8_t(index);
    p[1] = uint8_t(index >> 8);
    p[2] = uint8_t(index >> 16);
}

uint32_t frame_index(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16); }

struct Result {
    JB jb;
    uint32_t played { 0 };
    double max_delay_ms { 0 };     // mouth-to-ear: play time - send time
    double sum_delay_ms { 0 };
    double max_buffer_ms { 0 };    // play time - arrival time, the delay the buffer adds
    uint32_t out_of_order { 0 };
};

// Run a trace; the receiver ticks every 20 ms of its own clock, offset by 7 ms.
void run(const NetProfile& p, uint32_t frames, uint64_t seed, Result& r, uint32_t warmup_frames = 100)
{
    NetSim sim(p, seed);
    auto arrivals = sim.schedule(frames);
    std::vector<oh::Nanoseconds> arrived_at(frames, 0);
    size_t next = 0;
    uint8_t payload[160];
    uint8_t out[160];
    uint32_t last_index = 0;
    bool have_last = false;
    oh::Nanoseconds end = oh::Nanoseconds((frames * 20 * (1.0 - p.drift_ppm * 1e-6) + p.base_delay_ms + p.jitter_ms + 90) * 1e6);
    for (oh::Nanoseconds tick = 7 * oh::kNsPerMs; tick < end; tick += 20 * oh::kNsPerMs) {
        while (next < arrivals.size() && arrivals[next].at <= tick) {
            const auto& a = arrivals[next++];
            make_payload(a.index, payload);
            if (!arrived_at[a.index])
                arrived_at[a.index] = a.at;
            r.jb.put(kSsrc, kTs0 + a.index * 160, payload, a.at);
        }
        auto kind = r.jb.get(std::span<uint8_t, 160>(out, 160), tick);
        if (kind != JB::FrameKind::Audio)
            continue;
        uint32_t idx = frame_index(out);
        if (idx >= frames) {
            ADD_FAILURE() << "garbage frame " << idx;
            return;
        }
        if (getenv("JB_TRACE"))
            printf("tick %.0f idx %u target %u depth %u\n", tick / 1e6, idx, r.jb.stats().target_ms, r.jb.stats().depth_ms);
        if (have_last && idx <= last_index)
            r.out_of_order++;
        last_index = idx;
        have_last = true;
        r.played++;
        if (idx < warmup_frames)
            continue;
        double delay = (tick - oh::Nanoseconds(idx * 20.0 * (1.0 - p.drift_ppm * 1e-6) * 1e6)) / 1e6;
        r.max_delay_ms = std::max(r.max_delay_ms, delay);
        r.sum_delay_ms += delay;
        r.max_buffer_ms = std::max(r.max_buffer_ms, (tick - arrived_at[idx]) / 1e6);
    }
    const auto& s = r.jb.stats();
    printf("  [trace] played %u lost %u late %u dup %u ins %u drop %u target %u ms, "
           "max buffer %.1f ms, max mouth-to-ear %.1f ms\n",
        r.played, s.frames_lost, s.late, s.duplicates, s.frames_inserted, s.frames_dropped, s.target_ms,
        r.max_buffer_ms, r.max_delay_ms);
}

TEST(JitterBuffer, CleanPathAddsAboutOneFrame)
{
    Result r;
    run({ .base_delay_ms = 30 }, 500, 1, r);
    const auto& s = r.jb.stats();
    EXPECT_EQ(s.frames_lost, s.underruns); // only at the end, when the sender stops
    EXPECT_LE(s.frames_lost, 4u);
    EXPECT_EQ(s.late, 0u);
    EXPECT_EQ(r.played + s.frames_dropped, 500u);
    EXPECT_EQ(s.frames_dropped, 1u); // from the 40 ms start-up delay to the 20 ms target
    EXPECT_EQ(r.out_of_order, 0u);
    EXPECT_EQ(s.target_ms, 20);
    EXPECT_LE(r.max_buffer_ms, 40.0); // 20 ms target + tick phase
    EXPECT_LE(r.max_delay_ms, 70.0);
}

// 30 ms packets (ptime 30, as sipp's g711a.pcap sends) split every other 20 ms frame across
// two packets: the second half of such a frame arrives one packet time (30 ms) after the first
// packet, so the buffer must keep more than the margin. Every frame played is whole.
TEST(JitterBuffer, PacketsThatSplitFramesAreWaitedFor)
{
    JB jb;
    uint8_t payload[240];
    for (auto& b : payload)
        b = 0x40; // loud, never the silence code
    uint8_t out[160];
    const uint8_t silence = m::g711_silence(m::G711Law::Ulaw);
    uint32_t whole = 0, holed = 0, lost = 0;
    uint32_t next_packet = 0;
    // Packet n holds samples [240 n, 240 n + 240) and arrives 30 ms after its last sample was
    // taken (a steady 30 ms path, no jitter); the receiver ticks every 20 ms, offset by 7 ms.
    for (oh::Nanoseconds tick = 7 * oh::kNsPerMs; tick < 6000 * oh::kNsPerMs; tick += 20 * oh::kNsPerMs) {
        for (;;) {
            oh::Nanoseconds at = oh::Nanoseconds(next_packet + 1) * 30 * oh::kNsPerMs + 30 * oh::kNsPerMs;
            if (at > tick)
                break;
            jb.put(kSsrc, kTs0 + next_packet * 240, payload, at);
            next_packet++;
        }
        auto kind = jb.get(std::span<uint8_t, 160>(out, 160), tick);
        if (tick < 1000 * oh::kNsPerMs)
            continue; // start-up: the buffer settles on its delay
        if (kind == JB::FrameKind::Lost)
            lost++;
        if (kind != JB::FrameKind::Audio)
            continue;
        bool hole = false;
        for (uint8_t b : out)
            hole |= b == silence;
        (hole ? holed : whole)++;
    }
    EXPECT_EQ(holed, 0u) << "frames played before their second half arrived";
    EXPECT_EQ(lost, 0u);
    EXPECT_GT(whole, 240u);
    EXPECT_GE(jb.stats().target_ms, 10); // the wait for the frame's second packet, 10 ms
}

TEST(JitterBuffer, UniformJitterIsAbsorbed)
{
    Result r;
    run({ .base_delay_ms = 20, .jitter_ms = 60 }, 3000, 2, r);
    const auto& s = r.jb.stats();
    EXPECT_LT(s.late, 3000u / 100); // under 1 % late
    EXPECT_LT(s.frames_lost, 3000u / 50);
    EXPECT_GE(s.target_ms, 55);
    EXPECT_LE(s.target_ms, 90);
    EXPECT_LE(r.max_buffer_ms, 110.0);
    EXPECT_EQ(r.out_of_order, 0u); // jitter over 20 ms reorders packets; output is in order
}

TEST(JitterBuffer, RandomLossIsReportedNotHidden)
{
    Result r;
    run({ .base_delay_ms = 30, .jitter_ms = 10, .loss = 0.05 }, 4000, 3, r);
    const auto& s = r.jb.stats();
    EXPECT_NEAR(double(s.frames_lost), 200.0, 50.0);
    EXPECT_LT(s.late, 10u);
    EXPECT_LE(r.max_buffer_ms, 60.0);
}

TEST(JitterBuffer, BurstLossAndDuplicates)
{
    Result r;
    run({ .base_delay_ms = 30, .jitter_ms = 5, .burst_start = 0.01, .burst_len = 5, .duplicate = 0.05 }, 3000, 4, r);
    const auto& s = r.jb.stats();
    EXPECT_GT(s.duplicates, 100u);
    EXPECT_GT(s.frames_lost, 50u);
    EXPECT_EQ(r.out_of_order, 0u);
    EXPECT_EQ(s.resyncs, 0u);
}

TEST(JitterBuffer, RecurringDelaySpikesAreLearned)
{
    Result r;
    // A 150 ms stall every 2 s (inside the 2-4 s memory): only the first one makes packets late.
    run({ .base_delay_ms = 20, .jitter_ms = 5, .spike_every_s = 2, .spike_ms = 150 }, 2000, 5, r);
    const auto& s = r.jb.stats();
    EXPECT_GT(s.frames_inserted, 4u);
    EXPECT_GT(s.late, 0u);
    EXPECT_LE(s.late, 10u);
    EXPECT_GE(s.target_ms, 150);
    EXPECT_LE(r.max_buffer_ms, 230.0);
    EXPECT_EQ(r.out_of_order, 0u);
}

TEST(JitterBuffer, DelayShrinksAfterASingleSpike)
{
    Result r;
    // One stall at 5 s into a 40 s call: afterwards the target returns to the minimum.
    run({ .base_delay_ms = 20, .jitter_ms = 5, .spike_every_s = 100, .spike_ms = 150, .first_spike_s = 5 }, 2000, 5, r);
    const auto& s = r.jb.stats();
    EXPECT_GT(s.late, 0u);
    EXPECT_LE(s.late, 10u);
    EXPECT_GT(s.frames_inserted, 0u);
    EXPECT_GT(s.frames_dropped, 4u);
    EXPECT_LE(s.target_ms, 30);
    EXPECT_LE(r.max_buffer_ms, 200.0);
}

TEST(JitterBuffer, SenderClockDriftBothWays)
{
    for (double ppm : { 10000.0, -10000.0 }) { // ±1 %: 30 frames over 60 s
        Result r;
        run({ .base_delay_ms = 30, .jitter_ms = 10, .drift_ppm = ppm }, 3000, 6, r);
        const auto& s = r.jb.stats();
        SCOPED_TRACE(ppm);
        EXPECT_LE(r.max_buffer_ms, 90.0);
        EXPECT_LT(s.frames_lost + s.late, 40u);
        if (ppm > 0) // sender fast: we must drop frames
            EXPECT_NEAR(double(s.frames_dropped), 30.0, 8.0);
        else
            EXPECT_NEAR(double(s.frames_inserted + s.frames_lost), 30.0, 10.0);
    }
}

TEST(JitterBuffer, SsrcChangeAndTimestampJumpResync)
{
    JB jb;
    uint8_t p[160];
    uint8_t out[160];
    oh::Nanoseconds t = 0;
    auto span = std::span<uint8_t, 160>(out, 160);
    for (uint32_t i = 0; i < 10; ++i, t += 20 * oh::kNsPerMs) {
        make_payload(i, p);
        EXPECT_EQ(jb.put(1, i * 160, p, t), JB::PutResult::Stored);
        jb.get(span, t + oh::kNsPerMs);
    }
    make_payload(77, p);
    uint8_t q[160];
    make_payload(78, q);
    EXPECT_EQ(jb.put(2, 5000, p, t), JB::PutResult::Resynced);
    EXPECT_EQ(jb.stats().resyncs, 1u);
    jb.get(span, t);
    EXPECT_EQ(jb.put(2, 5000 + 100000, q, t), JB::PutResult::Resynced); // 12.5 s jump
    EXPECT_EQ(jb.stats().resyncs, 2u);
    // After the resync the new stream plays.
    bool heard = false;
    for (int i = 0; i < 5; ++i, t += 20 * oh::kNsPerMs)
        heard |= jb.get(span, t) == JB::FrameKind::Audio && frame_index(out) == 78;
    EXPECT_TRUE(heard);
}

TEST(JitterBuffer, SilenceSuppressionGapIsIdleNotLoss)
{
    JB jb;
    uint8_t p[160];
    uint8_t out[160];
    auto span = std::span<uint8_t, 160>(out, 160);
    uint32_t played = 0, lost = 0, idle = 0;
    for (uint32_t tick = 0; tick < 200; ++tick) {
        oh::Nanoseconds t = tick * 20 * oh::kNsPerMs;
        // Talk 1 s, silence 2 s (nothing sent, timestamps keep running), talk 1 s.
        if (tick < 50 || (tick >= 150 && tick < 200)) {
            make_payload(tick, p);
            jb.put(9, tick * 160, p, t + 30 * oh::kNsPerMs - 20 * oh::kNsPerMs);
        }
        auto k = jb.get(span, t + 5 * oh::kNsPerMs);
        played += k == JB::FrameKind::Audio;
        lost += k == JB::FrameKind::Lost;
        idle += k == JB::FrameKind::Idle;
    }
    EXPECT_EQ(jb.stats().resyncs, 0u);
    EXPECT_GE(played, 95u);
    EXPECT_LE(lost, 12u); // the pause is only recognised after 200 ms
    EXPECT_GE(idle, 85u);
}

TEST(JitterBuffer, BadInputIsCounted)
{
    JB jb;
    uint8_t big[1500] {};
    EXPECT_EQ(jb.put(1, 0, {}, 0), JB::PutResult::Discarded);
    EXPECT_EQ(jb.put(1, 0, big, 0), JB::PutResult::Discarded);
    EXPECT_EQ(jb.stats().discarded, 2u);
}

TEST(JitterBuffer, FitsInAMicrocontroller)
{
    EXPECT_LE(sizeof(JB), 2600u);
}

} // namespace
