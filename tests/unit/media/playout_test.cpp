// Jitter buffer + G.711 + PLC together under a lossy, jittery network trace: what reaches the
// speaker is compared with what was spoken (SNR of concealed frames, overall, and delay).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "sip/media/g711.h"
#include "sip/media/jitter_buffer.h"
#include "sip/media/plc.h"
#include "tests/unit/media/netsim.h"

namespace {

namespace m = oh::media;

// A voiced stand-in for speech (same recipe as plc_test.cpp), µ-law encoded in 20 ms frames.
std::vector<std::vector<uint8_t>> speech_frames(size_t frames)
{
    std::vector<std::vector<uint8_t>> out(frames, std::vector<uint8_t>(160));
    double phase = 0;
    for (size_t i = 0; i < frames * 160; ++i) {
        double t = i / 8000.0, f0 = 130 + 30 * std::sin(2 * M_PI * 0.3 * t);
        phase += 2 * M_PI * f0 / 8000.0;
        double v = 0;
        for (int k = 1; k * f0 < 3400; ++k) {
            double f = k * f0;
            v += (1.0 / (1 + std::pow((f - 700) / 150, 2)) + 0.6 / (1 + std::pow((f - 1200) / 200, 2)) + 0.05)
                * std::sin(k * phase) / k;
        }
        // The slow 0.07 Hz term keeps frames from repeating (they identify themselves below).
        double env = (0.55 + 0.45 * std::sin(2 * M_PI * 4 * t)) * (0.8 + 0.2 * std::sin(2 * M_PI * 0.07 * t));
        out[i / 160][i % 160] = m::linear_to_ulaw(int16_t(std::lround(9000 * env * v)));
    }
    return out;
}

TEST(Playout, FivePercentLossWithJitterStaysIntelligible)
{
    constexpr uint32_t kFrames = 1500; // 30 s
    auto frames = speech_frames(kFrames);
    std::map<std::string, uint32_t> index_of;
    for (uint32_t i = 0; i < kFrames; ++i)
        index_of[std::string(frames[i].begin(), frames[i].end())] = i;

    media_test::NetSim sim({ .base_delay_ms = 30, .jitter_ms = 40, .loss = 0.05 }, 21);
    auto arrivals = sim.schedule(kFrames);
    m::JitterBuffer jb;
    m::Plc plc;
    size_t next = 0;
    int64_t last = -1;
    double sig_all = 0, err_all = 0, sig_lost = 0, err_lost = 0;
    uint32_t concealed = 0, inserted = 0, played = 0;
    uint8_t coded[160];
    int16_t pcm[160];
    for (oh::Nanoseconds tick = 7 * oh::kNsPerMs; tick < (kFrames * 20 + 200) * oh::kNsPerMs; tick += 20 * oh::kNsPerMs) {
        for (; next < arrivals.size() && arrivals[next].at <= tick; ++next) {
            const auto& a = arrivals[next];
            jb.put(1, 160 * a.index, frames[a.index], a.at);
        }
        uint32_t inserted_before = jb.stats().frames_inserted;
        auto kind = jb.get(std::span<uint8_t, 160>(coded, 160), tick);
        if (kind == m::JitterBuffer::FrameKind::Idle)
            continue;
        int64_t idx;
        if (kind == m::JitterBuffer::FrameKind::Audio) {
            auto it = index_of.find(std::string(coded, coded + 160));
            ASSERT_NE(it, index_of.end());
            idx = it->second;
            ASSERT_GT(idx, last); // in order, never repeated
            m::g711_decode(m::G711Law::Ulaw, coded, pcm);
            plc.good_frame(pcm);
            played++;
        } else {
            plc.conceal(pcm);
            if (jb.stats().frames_inserted != inserted_before) {
                inserted++; // stretched time: no reference frame to compare with
                continue;
            }
            idx = last + 1;
            concealed++;
        }
        last = idx;
        if (idx >= int64_t(kFrames))
            break;
        double s = 0, e = 0;
        for (int i = 0; i < 160; ++i) {
            double r = m::ulaw_to_linear(frames[size_t(idx)][size_t(i)]);
            s += r * r;
            e += (r - pcm[i]) * (r - pcm[i]);
        }
        sig_all += s;
        err_all += e;
        if (kind == m::JitterBuffer::FrameKind::Lost) {
            sig_lost += s;
            err_lost += e;
        }
    }
    double snr_all = 10 * std::log10(sig_all / err_all), snr_lost = 10 * std::log10(sig_lost / err_lost);
    const auto& st = jb.stats();
    printf("  [playout] played %u concealed %u inserted %u late %u, target %u ms; SNR overall %.1f dB, "
           "concealed %.1f dB\n",
        played, concealed, inserted, st.late, st.target_ms, snr_all, snr_lost);
    EXPECT_NEAR(double(concealed), 75.0, 30.0); // about 5 % of 1500
    EXPECT_LT(st.late, 15u);
    EXPECT_LE(st.target_ms, 60);
    EXPECT_GT(snr_lost, 3.0);
    EXPECT_GT(snr_all, 15.0);
}

} // namespace
