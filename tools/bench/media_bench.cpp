// Media benchmark: G.711 encode/decode throughput against spandsp, jitter buffer and PLC cost.
//
// Build and run (host, optimised, no sanitizers):
//   g++ -std=c++20 -O2 -I. tools/bench/media_bench.cpp sip/media/*.cpp -lspandsp -o build/media_bench
//   ./build/media_bench
#include <spandsp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "lib/random.h"
#include "sip/media/dtmf_detector.h"
#include "sip/media/g711.h"
#include "sip/media/jitter_buffer.h"
#include "sip/media/plc.h"

namespace m = oh::media;
using Clock = std::chrono::steady_clock;

namespace {

volatile uint32_t g_sink; // keeps results alive

template<typename F>
double seconds(F&& f)
{
    auto t0 = Clock::now();
    f();
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::vector<int16_t> speechish(size_t n)
{
    std::vector<int16_t> x(n);
    oh::Xoshiro128 rng(5);
    for (size_t i = 0; i < n; ++i)
        x[i] = int16_t(12000 * std::sin(i * 0.07) * std::sin(i * 0.0011) + int32_t(rng.next_u32() % 2001) - 1000);
    return x;
}

void bench_g711()
{
    constexpr size_t kN = 1 << 20;
    constexpr int kRounds = 40;
    auto pcm = speechish(kN);
    std::vector<uint8_t> code(kN);
    std::vector<int16_t> back(kN);
    const double total = double(kN) * kRounds;
    struct Row {
        const char* name;
        double ours, ref;
    } rows[4];
    for (int law = 0; law < 2; ++law) {
        bool ulaw = law == 0;
        double t_ours = seconds([&] {
            for (int r = 0; r < kRounds; ++r) {
                m::g711_encode(ulaw ? m::G711Law::Ulaw : m::G711Law::Alaw, pcm, code);
                g_sink = g_sink + code[size_t(r) % kN];
            }
        });
        double t_ref = seconds([&] {
            for (int r = 0; r < kRounds; ++r) {
                for (size_t i = 0; i < kN; ++i)
                    code[i] = ulaw ? ::linear_to_ulaw(pcm[i]) : ::linear_to_alaw(pcm[i]);
                g_sink = g_sink + code[size_t(r) % kN];
            }
        });
        rows[law * 2] = { ulaw ? "ulaw encode" : "alaw encode", total / t_ours, total / t_ref };
        double d_ours = seconds([&] {
            for (int r = 0; r < kRounds; ++r) {
                m::g711_decode(ulaw ? m::G711Law::Ulaw : m::G711Law::Alaw, code, back);
                g_sink = g_sink + uint16_t(back[size_t(r) % kN]);
            }
        });
        double d_ref = seconds([&] {
            for (int r = 0; r < kRounds; ++r) {
                for (size_t i = 0; i < kN; ++i)
                    back[i] = ulaw ? ::ulaw_to_linear(code[i]) : ::alaw_to_linear(code[i]);
                g_sink = g_sink + uint16_t(back[size_t(r) % kN]);
            }
        });
        rows[law * 2 + 1] = { ulaw ? "ulaw decode" : "alaw decode", total / d_ours, total / d_ref };
    }
    printf("G.711 (%zu samples x %d rounds)\n", kN, kRounds);
    printf("  %-12s %16s %16s %8s\n", "", "ours Msamples/s", "spandsp Ms/s", "ratio");
    for (const auto& r : rows)
        printf("  %-12s %16.1f %16.1f %8.2f\n", r.name, r.ours / 1e6, r.ref / 1e6, r.ours / r.ref);
}

void bench_jitter_buffer()
{
    constexpr uint32_t kPackets = 200000;
    m::JitterBuffer jb;
    oh::Xoshiro128 rng(9);
    uint8_t payload[160];
    for (auto& b : payload)
        b = 0x55;
    uint8_t out[160];
    auto frame = std::span<uint8_t, 160>(out, 160);
    // 20 ms packets with up to 60 ms jitter (so reordering) and 2 % loss, delivered in arrival
    // order between 20 ms playout ticks. Only the buffer's own work is timed.
    struct Arrival {
        oh::Nanoseconds at;
        uint32_t index;
    };
    std::vector<Arrival> arrivals;
    for (uint32_t i = 0; i < kPackets; ++i) {
        if (rng.next_u32() % 50 != 0)
            arrivals.push_back({ oh::Nanoseconds(i) * 20 * oh::kNsPerMs + 30 * oh::kNsPerMs + (rng.next_u32() % 60) * oh::kNsPerMs, i });
    }
    std::sort(arrivals.begin(), arrivals.end(), [](const Arrival& a, const Arrival& b) { return a.at < b.at; });
    size_t next = 0;
    double t = seconds([&] {
        for (uint32_t tick = 0; tick < kPackets; ++tick) {
            oh::Nanoseconds now = oh::Nanoseconds(tick) * 20 * oh::kNsPerMs + 5 * oh::kNsPerMs;
            for (; next < arrivals.size() && arrivals[next].at <= now; ++next)
                jb.put(0x1234, arrivals[next].index * 160, payload, arrivals[next].at);
            jb.get(frame, now);
            g_sink = g_sink + out[0];
        }
    });
    const auto& s = jb.stats();
    printf("Jitter buffer: %.0f ns per packet (put + get), sizeof %zu B\n", t / kPackets * 1e9, sizeof(m::JitterBuffer));
    printf("  2 %% loss, 0-60 ms jitter: played %u lost %u late %u inserted %u dropped %u, target %u ms\n",
        s.frames_played, s.frames_lost, s.late, s.frames_inserted, s.frames_dropped, s.target_ms);
}

void bench_plc(double loss)
{
    // The same voiced test signal as tests/unit/media/plc_test.cpp, random frame loss.
    size_t n = 8000 * 20;
    std::vector<int16_t> ref(n);
    double phase = 0;
    for (size_t i = 0; i < n; ++i) {
        double tt = i / 8000.0, f0 = 130 + 30 * std::sin(2 * M_PI * 0.3 * tt);
        phase += 2 * M_PI * f0 / 8000.0;
        double v = 0;
        for (int k = 1; k * f0 < 3400; ++k) {
            double f = k * f0;
            v += (1.0 / (1 + std::pow((f - 700) / 150, 2)) + 0.6 / (1 + std::pow((f - 1200) / 200, 2)) + 0.05)
                * std::sin(k * phase) / k;
        }
        ref[i] = int16_t(std::lround(9000 * (0.55 + 0.45 * std::sin(2 * M_PI * 4 * tt)) * v));
    }
    oh::Xoshiro128 rng(7);
    m::Plc plc;
    plc_state_t* sd = plc_init(nullptr);
    std::vector<int16_t> ours(ref), theirs(ref);
    double s = 0, e_ours = 0, e_theirs = 0, t_conceal = 0;
    int concealed = 0;
    for (size_t f = 0; f + 160 <= n; f += 160) {
        bool lost = f > 0 && (rng.next_u32() >> 8) < uint32_t(loss * (1 << 24));
        std::span<int16_t> a(ours.data() + f, 160);
        if (lost) {
            t_conceal += seconds([&] { plc.conceal(a); });
            plc_fillin(sd, theirs.data() + f, 160);
            concealed++;
            for (size_t i = 0; i < 160; ++i) {
                double r = ref[f + i];
                s += r * r;
                e_ours += (r - a[i]) * (r - a[i]);
                e_theirs += (r - theirs[f + i]) * (r - theirs[f + i]);
            }
        } else {
            plc.good_frame(a);
            plc_rx(sd, theirs.data() + f, 160);
        }
    }
    plc_free(sd);
    printf("PLC, %.0f %% loss on a voiced signal: concealed-frame SNR ours %.1f dB, spandsp %.1f dB; "
           "%.1f us per concealed 20 ms frame\n",
        loss * 100, 10 * std::log10(s / e_ours), 10 * std::log10(s / e_theirs), t_conceal / concealed * 1e6);
}

void bench_dtmf_detector()
{
    auto pcm = speechish(8000 * 60);
    m::DtmfDetector d;
    double t = seconds([&] {
        for (size_t i = 0; i + 160 <= pcm.size(); i += 160)
            g_sink = g_sink + uint8_t(d.process({ pcm.data() + i, 160 }));
    });
    printf("DTMF detector: %.2f us per 20 ms frame (%.3f %% of real time)\n", t / (pcm.size() / 160) * 1e6,
        t / 60.0 * 100);
}

} // namespace

int main()
{
    bench_g711();
    bench_jitter_buffer();
    bench_plc(0.05);
    bench_plc(0.10);
    bench_dtmf_detector();
    return 0;
}
