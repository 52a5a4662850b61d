// Timer-paced audio device: no sound hardware, but the media path keeps its 20 ms clock.
#include "kernel/phone/audio.h"

#include "kernel/console/console.h"
#include "kernel/sched/sched.h"
#include "kernel/time/time.h"
#include "lib/bytes.h"

namespace oh::kernel {

namespace {
constexpr uint64_t kPeriodNs = 20'000'000;

class TimerAudio final : public AudioDevice {
public:
    const char* name() const override { return "timer (no sound card)"; }
    bool playback_live() const override { return false; }
    bool capture_live() const override { return false; }
    int wait_frame() override
    {
        uint64_t now = monotonic_ns();
        if (!m_next)
            m_next = now;
        m_next += kPeriodNs;
        if (m_next + kPeriodNs < now) { // fell more than a period behind: resynchronise
            m_counters.late_wakeups++;
            m_next = now;
        }
        thread_sleep_until(m_next);
        m_counters.frames++;
        return 1;
    }
    bool read_frame(std::span<int16_t, kAudioFrame> out) override
    {
        fill_bytes(out.data(), 0, out.size_bytes());
        return false;
    }
    void write_frame(std::span<const int16_t, kAudioFrame>) override { }
    AudioCounters counters() const override { return m_counters; }

private:
    uint64_t m_next { 0 };
    AudioCounters m_counters;
};

constinit TimerAudio s_timer_audio;
} // namespace

AudioDevice* audio_open_timer() { return &s_timer_audio; }

} // namespace oh::kernel
