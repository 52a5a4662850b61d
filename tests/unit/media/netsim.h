// Test helper: a simulated network path for 20 ms RTP frames (delay, jitter, loss, bursts,
// reordering, duplicates, sender clock drift), deterministic for a given seed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "lib/clock.h"
#include "lib/random.h"

namespace media_test {

struct NetProfile {
    double base_delay_ms { 30 };
    double jitter_ms { 0 };           // uniform extra delay 0..jitter
    double loss { 0 };                // independent loss probability
    double burst_start { 0 };         // probability a loss burst starts at a packet
    int burst_len { 0 };              // packets lost in a burst
    double duplicate { 0 };
    double spike_every_s { 0 };       // a delay spike (e.g. Wi-Fi scan) every N seconds
    double spike_ms { 0 };
    double first_spike_s { -1 };      // default: half a period in
    double drift_ppm { 0 };           // sender clock rate error
};

struct Arrival {
    oh::Nanoseconds at;
    uint32_t index; // frame number at the sender
    oh::Nanoseconds sent;
};

class NetSim {
public:
    NetSim(NetProfile p, uint64_t seed) : m_p(p), m_rng(seed) { }

    double uniform() { return (m_rng.next_u32() >> 8) / double(1 << 24); }

    // Schedule frames 0..n-1; sender sends frame i at i * 20 ms of its own clock.
    std::vector<Arrival> schedule(uint32_t frames)
    {
        std::vector<Arrival> out;
        int burst_left = 0;
        for (uint32_t i = 0; i < frames; ++i) {
            double send_ms = i * 20.0 * (1.0 - m_p.drift_ppm * 1e-6);
            if (burst_left > 0) {
                --burst_left;
                continue;
            }
            if (m_p.burst_start > 0 && uniform() < m_p.burst_start) {
                burst_left = m_p.burst_len - 1;
                continue;
            }
            if (uniform() < m_p.loss)
                continue;
            double d = m_p.base_delay_ms + uniform() * m_p.jitter_ms;
            if (m_p.spike_every_s > 0) {
                // A spike holds packets back, then they arrive together.
                double period = m_p.spike_every_s * 1000;
                double first = m_p.first_spike_s >= 0 ? m_p.first_spike_s * 1000 : period / 2;
                double shifted = send_ms + period - first;
                double phase = shifted - period * int(shifted / period);
                if (phase < m_p.spike_ms)
                    d += m_p.spike_ms - phase;
            }
            auto ns = [](double ms) { return oh::Nanoseconds(ms * 1e6); };
            out.push_back({ ns(send_ms + d), i, ns(send_ms) });
            if (uniform() < m_p.duplicate)
                out.push_back({ ns(send_ms + d + 1), i, ns(send_ms) });
        }
        std::stable_sort(out.begin(), out.end(), [](const Arrival& a, const Arrival& b) { return a.at < b.at; });
        return out;
    }

private:
    NetProfile m_p;
    oh::Xoshiro128 m_rng;
};

} // namespace media_test
