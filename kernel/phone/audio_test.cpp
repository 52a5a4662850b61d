// Audio self-test (`audio.test=HZ:SECONDS` on the command line, or the `tone` command):
// plays a sine through the phone's audio device and measures what the capture side hears.
#include "kernel/console/console.h"
#include "kernel/console/shell.h"
#include "kernel/phone/audio.h"
#include "kernel/time/time.h"
#include "sip/media/tones.h"

namespace oh::kernel {

namespace {

struct CaptureMeter {
    uint64_t samples { 0 };
    uint64_t crossings { 0 };
    uint64_t energy { 0 };
    int16_t last { 0 };
    uint64_t live_frames { 0 };

    void add(std::span<const int16_t> pcm)
    {
        for (int16_t s : pcm) {
            // Zero crossings with a little hysteresis, so noise near zero is not a tone.
            if ((last < -64 && s >= 64) || (last > 64 && s <= -64)) {
                crossings++;
                last = s;
            } else if (s >= 64 || s <= -64) {
                last = s;
            }
            energy += uint64_t(int64_t(s) * s);
            samples++;
        }
    }
};

} // namespace

void audio_self_test(uint32_t hz, uint32_t seconds)
{
    AudioDevice& dev = audio_open();
    printk("audio: test %u Hz for %u s on %s\n", hz, seconds, dev.name());
    media::ToneGenerator tone;
    tone.start_test_tone(hz, 12000);
    CaptureMeter meter;
    int16_t out[kAudioFrame];
    int16_t in[kAudioFrame];
    uint64_t frames = uint64_t(seconds) * 50;
    uint64_t start = monotonic_ns();
    for (uint64_t i = 0; i < frames;) {
        for (int due = dev.wait_frame(); due > 0 && i < frames; due--, i++) {
            tone.generate(out);
            dev.write_frame(out);
            // The meter judges the microphone path, so only frames the device captured count
            // (a concealed one, while the capture reserve refills under load, is the PLC's).
            if (dev.capture_live() && dev.read_frame(in)) {
                meter.add(in);
                meter.live_frames++;
            }
        }
    }
    // Let the queued buffers drain before anyone stops the device.
    int16_t silence[kAudioFrame] = {};
    for (int i = 0; i < 4; i++) {
        dev.wait_frame();
        dev.write_frame(silence);
    }
    uint64_t ms = (monotonic_ns() - start) / 1000000;
    AudioCounters c = dev.counters();
    printk("audio: played %lu frames in %lu ms, underruns %lu, late %lu\n", frames, ms, c.underruns, c.late_wakeups);
    if (meter.samples) {
        uint64_t freq = meter.crossings * 8000 / 2 / meter.samples;
        uint64_t rms = 0;
        for (uint64_t mean = meter.energy / meter.samples; (rms + 1) * (rms + 1) <= mean;)
            rms++;
        printk("audio: capture live for %lu frames, dominant %lu Hz, rms %lu\n", meter.live_frames, freq, rms);
    } else {
        printk("audio: capture not live (this audio backend records nothing)\n");
    }
}

namespace {
void cmd_tone(int argc, const char* const* argv)
{
    auto num = [](const char* s, uint32_t fallback) {
        uint32_t v = 0;
        bool any = false;
        for (; *s >= '0' && *s <= '9'; s++, any = true)
            v = v * 10 + uint32_t(*s - '0');
        return any ? v : fallback;
    };
    audio_self_test(argc > 1 ? num(argv[1], 1000) : 1000, argc > 2 ? num(argv[2], 3) : 3);
}
} // namespace

void audio_register_commands() { shell_register("tone", "tone [HZ [SECONDS]]: audio self-test", cmd_tone); }

} // namespace oh::kernel
