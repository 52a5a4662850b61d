// DTMF: RFC 4733 events round trip (with loss and end retransmissions) and the Goertzel
// detector on generated tones, cross-checked against spandsp, with talk-off negatives.
#include "sip/media/dtmf_detector.h"
#include "sip/media/telephone_event.h"
#include "sip/media/tones.h"

#include <gtest/gtest.h>
#include <spandsp.h>

#include <cmath>
#include <string>
#include <vector>

#include "lib/random.h"

namespace {

namespace m = oh::media;

TEST(TelephoneEvent, WireFormat)
{
    uint8_t buf[4];
    m::build_telephone_event({ 11, true, 10, 800 }, std::span<uint8_t, 4>(buf, 4));
    EXPECT_EQ(buf[0], 11);
    EXPECT_EQ(buf[1], 0x80 | 10);
    EXPECT_EQ(buf[2], 0x03);
    EXPECT_EQ(buf[3], 0x20);
    auto e = m::parse_telephone_event(buf);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->event, 11);
    EXPECT_TRUE(e->end);
    EXPECT_EQ(e->duration, 800);
    EXPECT_EQ(m::parse_telephone_event({ buf, 3 }).error(), oh::Error::NeedMore);
    EXPECT_EQ(m::dtmf_event_code('#'), 11);
    EXPECT_EQ(m::dtmf_event_code('d'), 15);
    EXPECT_EQ(m::dtmf_event_code('x'), -1);
    EXPECT_EQ(m::dtmf_event_key(10), '*');
    EXPECT_EQ(m::dtmf_event_key(16), 0); // flash is not a key
}

TEST(TelephoneEvent, SenderSequence)
{
    m::TelephoneEventSender tx;
    ASSERT_TRUE(tx.start('5', 100).has_value());
    EXPECT_EQ(tx.start('6', 100).error(), oh::Error::Busy);
    std::vector<m::TelephoneEventSender::Packet> pkts;
    while (tx.active())
        pkts.push_back(tx.next());
    // 100 ms = 800 units: 5 updates (the 5th already final) then 2 more end copies.
    ASSERT_EQ(pkts.size(), 7u);
    EXPECT_TRUE(pkts[0].marker);
    EXPECT_TRUE(pkts[0].first_of_event);
    EXPECT_FALSE(pkts[1].marker);
    EXPECT_EQ(pkts[0].event.duration, 160);
    EXPECT_EQ(pkts[3].event.duration, 640);
    EXPECT_FALSE(pkts[3].event.end);
    for (size_t i = 4; i < 7; ++i) {
        EXPECT_TRUE(pkts[i].event.end);
        EXPECT_EQ(pkts[i].event.duration, 800);
        EXPECT_EQ(pkts[i].event.event, 5);
    }
    EXPECT_FALSE(tx.start('x', 100).has_value());
}

TEST(TelephoneEvent, RoundTripWithLossReportsEachKeyOnce)
{
    const std::string keys = "0123456789*#ABCD55";
    oh::Xoshiro128 rng(3);
    m::TelephoneEventSender tx;
    m::TelephoneEventReceiver rx;
    std::string got;
    uint32_t ts = 1000;
    for (char k : keys) {
        ASSERT_TRUE(tx.start(k, 120).has_value());
        uint32_t event_ts = ts;
        bool first = true;
        while (tx.active()) {
            auto p = tx.next();
            ts += 160;
            bool lost = !first && (rng.next_u32() % 4 == 0); // 25 % loss, never the whole event
            first = false;
            if (lost)
                continue;
            if (auto key = rx.on_packet(event_ts, p.event))
                got += *key;
        }
        ts += 800; // a gap of audio between digits
    }
    EXPECT_EQ(got, keys);
    EXPECT_EQ(rx.events(), keys.size());
    // A reordered packet of an old event does not press the key again.
    EXPECT_FALSE(rx.on_packet(1000, { 0, true, 10, 960 }).has_value());
}

TEST(TelephoneEvent, FirstPacketsLostStillReported)
{
    m::TelephoneEventReceiver rx;
    EXPECT_EQ(rx.on_packet(5000, { 9, true, 10, 800 }).value_or(0), '9'); // only an end copy arrived
    EXPECT_FALSE(rx.on_packet(5000, { 9, true, 10, 800 }).has_value());
    EXPECT_EQ(rx.last_duration(), 800);
}

// --- in-band ---

std::vector<int16_t> dial(const std::string& keys, uint16_t on_ms, uint16_t off_ms, int offset_centi_permille = 0)
{
    std::vector<int16_t> out;
    for (char k : keys) {
        m::ToneSpec spec;
        EXPECT_TRUE(m::dtmf_tone(k, on_ms, spec));
        m::Oscillator a, b;
        // Off-nominal frequencies: offset in 1/100 of a percent.
        a.set_centihertz(uint32_t(spec.f1 * (10000 + offset_centi_permille)) / 100, spec.amplitude);
        b.set_centihertz(uint32_t(spec.f2 * (10000 + offset_centi_permille)) / 100, spec.amplitude);
        for (uint32_t i = 0; i < on_ms * 8u; ++i)
            out.push_back(int16_t(a.next() + b.next()));
        out.insert(out.end(), off_ms * 8u, 0);
    }
    return out;
}

std::string detect(const std::vector<int16_t>& pcm)
{
    m::DtmfDetector d;
    std::string got;
    for (size_t i = 0; i < pcm.size(); i += 160) {
        size_t n = std::min<size_t>(160, pcm.size() - i);
        if (char k = d.process({ pcm.data() + i, n }))
            got += k;
    }
    return got;
}

TEST(DtmfDetector, AllKeysFromOurGenerator)
{
    EXPECT_EQ(detect(dial("0123456789*#ABCD", 60, 50)), "0123456789*#ABCD");
}

TEST(DtmfDetector, OffNominalWithinOnePointFivePercent)
{
    EXPECT_EQ(detect(dial("159#", 60, 50, 150)), "159#");
    EXPECT_EQ(detect(dial("159#", 60, 50, -150)), "159#");
}

TEST(DtmfDetector, RepeatedKeyNeedsAGap)
{
    EXPECT_EQ(detect(dial("77", 80, 40)), "77");
    EXPECT_EQ(detect(dial("7", 400, 0)), "7"); // one long press is one key
}

TEST(DtmfDetector, DetectsSpandspTones)
{
    dtmf_tx_state_t* tx = dtmf_tx_init(nullptr);
    ASSERT_NE(tx, nullptr);
    dtmf_tx_put(tx, "2580*#AD", -1);
    std::vector<int16_t> pcm(8000 * 2);
    int n = dtmf_tx(tx, pcm.data(), int(pcm.size()));
    pcm.resize(size_t(n));
    dtmf_tx_free(tx);
    EXPECT_EQ(detect(pcm), "2580*#AD");
}

void collect(void* user, const char* digits, int len) { static_cast<std::string*>(user)->append(digits, size_t(len)); }

TEST(DtmfDetector, SpandspDetectsOurTones)
{
    std::string got;
    dtmf_rx_state_t* rx = dtmf_rx_init(nullptr, collect, &got);
    ASSERT_NE(rx, nullptr);
    auto pcm = dial("147*369#", 80, 60);
    dtmf_rx(rx, pcm.data(), int(pcm.size()));
    dtmf_rx_free(rx);
    EXPECT_EQ(got, "147*369#");
}

TEST(DtmfDetector, NoTalkOffOnSpeechLikeSignals)
{
    // Voiced vowels at many pitches, whose harmonics wander across the DTMF bands: a glottal
    // source (harmonics falling 6 dB per octave) through three formant resonances that glide.
    std::vector<int16_t> pcm;
    double phase = 0;
    auto resonance = [](double f, double centre, double bandwidth) {
        double x = (f - centre) / (bandwidth / 2);
        return 1.0 / std::sqrt(1 + x * x);
    };
    for (int i = 0; i < 8000 * 30; ++i) {
        double t = i / 8000.0;
        double f0 = 90 + 160 * (0.5 + 0.5 * std::sin(2 * M_PI * 0.11 * t));
        phase += 2 * M_PI * f0 / 8000;
        double v = 0;
        double f1 = 500 + 300 * std::sin(2 * M_PI * 0.7 * t), f2 = 1500 + 600 * std::sin(2 * M_PI * 0.37 * t);
        for (int k = 1; k * f0 < 3500; ++k) {
            double f = k * f0;
            double gain = resonance(f, f1, 80) + 0.7 * resonance(f, f2, 100) + 0.3 * resonance(f, 2500, 150);
            v += gain / k * std::sin(k * phase);
        }
        pcm.push_back(int16_t(std::lround(8000 * v)));
    }
    EXPECT_EQ(detect(pcm), "");
    // White noise at several levels.
    oh::Xoshiro128 rng(11);
    std::vector<int16_t> noise(8000 * 10);
    for (auto& s : noise)
        s = int16_t(int32_t(rng.next_u32() % 16001) - 8000);
    EXPECT_EQ(detect(noise), "");
    // A single DTMF frequency, a 1 kHz test tone, dial tone, and a pair too weak to count.
    m::ToneGenerator g;
    std::vector<int16_t> tone(8000);
    for (auto spec : { m::ToneSpec { 697, 0, 8000, 1000, 0 }, m::ToneSpec { 1000, 0, 8000, 1000, 0 },
             m::call_tone(m::ToneRegion::NorthAmerica, m::CallTone::Dial),
             m::ToneSpec { 770, 1336, 200, 1000, 0 } }) {
        g.start(spec);
        g.generate(tone);
        EXPECT_EQ(detect(tone), "") << spec.f1 << "+" << spec.f2;
    }
}

TEST(DtmfDetector, TwistLimits)
{
    // Column 10 dB weaker than row: beyond the 8 dB normal twist, rejected.
    m::Oscillator a, b;
    a.set(852, 10000);
    b.set(1477, 3162);
    std::vector<int16_t> pcm(1600);
    for (auto& s : pcm)
        s = int16_t(a.next() + b.next());
    EXPECT_EQ(detect(pcm), "");
    b.set(1477, 5000); // 6 dB: accepted
    for (auto& s : pcm)
        s = int16_t(a.next() + b.next());
    EXPECT_EQ(detect(pcm), "9");
}

} // namespace
