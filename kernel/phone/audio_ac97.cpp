// The AC97 codec as the phone's audio device: the driver core (drivers/ac97) bound to port
// I/O, DMA frames and its PCI interrupt. Playback completions pace the media thread; when
// they stop coming (no audio backend) a 40 ms timeout keeps the 20 ms rhythm. Capture goes
// through a reserve (sip/media/capture_reserve.h): PCM-in completions arrive in bursts.
#include "drivers/ac97/ac97.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/console/console.h"
#include "kernel/console/shell.h"
#include "kernel/dev/platform.h"
#include "kernel/phone/audio.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/wait_queue.h"
#include "kernel/time/time.h"
#include "lib/bytes.h"
#include "sip/media/capture_reserve.h"
#include "sip/media/output_cushion.h"

namespace oh::kernel {

namespace {

constexpr uint64_t kPeriodNs = 20'000'000;
static_assert(kAudioFrame == media::kReserveFrame);
// The playback ring's depth is steered by sip/media/output_cushion.h: 100 ms (5 frames) from
// boot, then what the media thread's lateness over the last minute needs (a fixed 40 ms let the
// ring run dry once in a 65 s call under TCG, a click tests/e2e/test_playout.py caught).
// Capture is live while a PCM-in buffer completed within the last 200 ms. Judged per period,
// a 20 ms period that a burst skipped counted as "not live" and the media path sent silence
// with captured audio waiting (tests/e2e/test_capture.py: 0.5 % of frames, 7 % with QEMU's
// default ALSA buffers).
constexpr uint32_t kCaptureQuietPeriods = 10;

// Where sound begins after silence (a burst's first frame): when the media thread wrote it,
// and when the codec's DMA began to fetch it (the completion of the frame before it). The
// latency benchmark (tools/bench/latency.py) times the phone's own receive path with these,
// without modelling how far the emulated codec reads ahead of its speaker.
struct Onset {
    uint64_t written_ns { 0 };
    uint64_t fetched_ns { 0 };
    uint32_t frame { 0 };    // frame number since the device started
    uint16_t sample { 0 };   // the first loud sample in the frame
};
// The same for capture, where the burst reaches the phone: when the codec's DMA completed the
// frame holding it and when the media thread took that frame (tools/bench/latency_send.py).
struct CaptureOnset {
    uint64_t completed_ns { 0 };
    uint64_t taken_ns { 0 };
    uint32_t frame { 0 };   // capture frame number since the device started
    uint16_t sample { 0 };
};
constexpr size_t kOnsets = 64;
constexpr int16_t kOnsetLevel = 1638; // 0.05 of full scale, the benchmark's burst threshold

class Ac97Audio final : public AudioDevice, public media::CaptureSource {
public:
    const char* name() const override { return "AC97"; }
    bool playback_live() const override { return true; }
    bool capture_live() const override { return m_capture_live; }

    int wait_frame() override
    {
        uint64_t now = monotonic_ns();
        if (!m_next) {
            // The media thread's first call: how late it came after the device started is
            // its start-up, not a service's lateness. Forget the completions of that time and
            // top the ring up, so that the cushion measures from here.
            m_next = now;
            while (m_tick.try_down()) {
            }
            prime(m_cushion.frames() - 1);
        }
        m_next += kPeriodNs;
        // The codec's clock paces the media path: a completed playback buffer is the tick.
        // The deadline only catches a device that stopped interrupting.
        bool ticked = m_tick.down_timeout(m_next + kPeriodNs);
        if (!ticked) {
            m_counters.late_wakeups++;
            m_next = monotonic_ns();
        }
        SpinLockIrqGuard g(m_lock);
        uint32_t captured = m_dev->stats().capture_buffers;
        if (captured != m_last_captured)
            m_capture_quiet = 0;
        else if (m_capture_quiet < kCaptureQuietPeriods)
            m_capture_quiet++;
        bool live = captured != 0 && m_capture_quiet < kCaptureQuietPeriods;
        if (m_capture_live && !live)
            m_reserve.reset(); // capture stopped: prime again when it resumes
        m_capture_live = live;
        m_last_captured = captured;
        const media::CaptureReserveCounters& rc = m_reserve.counters();
        m_counters.capture_underruns = rc.underruns;
        m_counters.capture_discarded = rc.discarded + rc.trimmed;
        m_counters.capture_depth = rc.depth;
        m_counters.capture_max_depth = rc.max_depth;
        m_counters.underruns = m_dev->stats().underruns;
        m_counters.overruns = m_dev->stats().overruns;
        // Completions can arrive two at a time (one interrupt, one tick): refill to the
        // target depth rather than trusting one tick per buffer.
        uint32_t queued = uint32_t(m_dev->playback_queued());
        uint64_t irq_at = __atomic_load_n(&m_irq_at, __ATOMIC_RELAXED);
        uint64_t now_ns = monotonic_ns();
        uint32_t due = m_cushion.on_service(queued, ticked && now_ns > irq_at ? now_ns - irq_at : 0);
        media::OutputCushionCounters cc = m_cushion.counters();
        m_counters.cushion_frames = cc.frames;
        m_counters.cushion_changes = uint16_t(cc.grown + cc.shrunk);
        m_counters.cushion_worst_deficit_us = cc.worst_deficit_us;
        m_counters.queued_frames = queued;
        m_counters.played_frames = m_dev->stats().playback_buffers;
        // Without a completion (the device stopped interrupting) keep the 20 ms rhythm anyway.
        int frames = due ? int(due) : ticked ? 0 : 1;
        m_counters.frames += uint64_t(frames); // frames owed, not wake-ups (some owe none)
        return frames;
    }

    // Never a frame of zeros for want of a buffer: the reserve conceals instead (and counts).
    // Its concealment runs outside the lock; only the ring accesses below take it.
    bool read_frame(std::span<int16_t, kAudioFrame> out) override
    {
        return m_reserve.pull(*this, out) == media::CaptureFill::Captured;
    }

    size_t frames_ready() override
    {
        SpinLockIrqGuard g(m_lock);
        size_t n = m_dev->capture_available();
        stamp_captures();
        m_ready_hist[n < 3 ? n : 3]++;
        return n;
    }

    bool take_frame(std::span<int16_t, media::kReserveFrame> out) override
    {
        uint64_t completed;
        uint32_t frame;
        {
            SpinLockIrqGuard g(m_lock);
            if (m_dev->read_frame(out).is_error())
                return false;
            stamp_captures();
            frame = m_cap_taken++;
            completed = m_cap_done_ns[frame % ac97::kBuffers];
        }
        size_t first = first_loud(out);
        bool loud = first < out.size();
        if (loud && !m_cap_was_loud) {
            CaptureOnset o { completed, monotonic_ns(), frame, uint16_t(first) };
            SpinLockIrqGuard g(m_lock);
            m_cap_onsets[m_cap_onset_count++ % kOnsets] = o;
        }
        m_cap_was_loud = loud;
        return true;
    }

    static size_t first_loud(std::span<const int16_t> pcm)
    {
        for (size_t i = 0; i < pcm.size(); i++) {
            if (pcm[i] >= kOnsetLevel || pcm[i] <= -kOnsetLevel)
                return i;
        }
        return pcm.size();
    }

    void write_frame(std::span<const int16_t, kAudioFrame> in) override
    {
        media::OutputCushion::Write w = m_cushion.on_write(media::frame_is_quiet(in.data(), in.size()));
        size_t first = first_loud(in); // scanned before the interrupts are masked
        SpinLockIrqGuard g(m_lock);
        note_onset(first, w);
        for (int n = w == media::OutputCushion::Write::Twice ? 2 : w == media::OutputCushion::Write::Skip ? 0 : 1; n > 0; n--) {
            // A full ring means the device plays slower than our clock: drop this frame (a
            // 20 ms skip) rather than block the media path.
            if (m_dev->playback_queued() >= ac97::kBuffers || m_dev->write_frame(in).is_error())
                m_counters.overruns++;
        }
    }

    // m_lock held; `first` is the frame's first loud sample (kAudioFrame: none).
    void note_onset(size_t first, media::OutputCushion::Write w)
    {
        bool loud = first < kAudioFrame;
        if (loud && !m_was_loud && w != media::OutputCushion::Write::Skip) {
            Onset& o = m_onsets[m_onset_count % kOnsets];
            o = {};
            o.written_ns = monotonic_ns();
            // Frames before it: those completed, and those queued (the one playing included).
            o.frame = m_dev->stats().playback_buffers + uint32_t(m_dev->playback_queued());
            o.sample = uint16_t(first);
            m_onset_count++;
        }
        m_was_loud = loud;
    }

    // m_lock held: every capture frame completed since the last look, stamped now (the
    // interrupt, or a read that saw the completion first).
    void stamp_captures()
    {
        for (uint32_t done = m_dev->stats().capture_buffers; m_cap_completed != done; m_cap_completed++)
            m_cap_done_ns[m_cap_completed % ac97::kBuffers] = monotonic_ns();
    }

    // Interrupt, m_lock held: an onset's DMA begins once every frame before it has completed.
    void note_fetches()
    {
        uint32_t done = m_dev->stats().playback_buffers;
        for (uint32_t i = m_onset_fetched; i < m_onset_count; i++) {
            Onset& o = m_onsets[i % kOnsets];
            if (i + kOnsets < m_onset_count) // overwritten before it was fetched
                continue;
            if (int32_t(done - o.frame) < 0)
                break;
            o.fetched_ns = monotonic_ns();
            m_onset_fetched = i + 1;
        }
    }

public:
    void print_onsets()
    {
        Onset copy[kOnsets];
        uint32_t count;
        {
            SpinLockIrqGuard g(m_lock);
            count = m_onset_count;
            for (size_t i = 0; i < kOnsets; i++)
                copy[i] = m_onsets[i];
        }
        uint32_t from = count > kOnsets ? count - uint32_t(kOnsets) : 0;
        for (uint32_t i = from; i < count; i++) {
            const Onset& o = copy[i % kOnsets];
            if (o.fetched_ns)
                printk("onset: frame %u sample %u written %lu us fetched %lu us\n", o.frame, o.sample,
                       o.written_ns / 1000, o.fetched_ns / 1000);
        }
        CaptureOnset cap[kOnsets];
        uint32_t cap_count, reads[4];
        {
            SpinLockIrqGuard g(m_lock);
            cap_count = m_cap_onset_count;
            for (size_t i = 0; i < 4; i++)
                reads[i] = m_ready_hist[i];
            for (size_t i = 0; i < kOnsets; i++)
                cap[i] = m_cap_onsets[i];
        }
        for (uint32_t i = cap_count > kOnsets ? cap_count - uint32_t(kOnsets) : 0; i < cap_count; i++) {
            const CaptureOnset& o = cap[i % kOnsets];
            printk("capture onset: frame %u sample %u completed %lu us taken %lu us\n", o.frame, o.sample,
                   o.completed_ns / 1000, o.taken_ns / 1000);
        }
        // Why the capture reserve keeps (or trims) its cushion frame: how many frames each read found.
        printk("capture reads found 0/1/2/more frames: %u %u %u %u\n", reads[0], reads[1], reads[2], reads[3]);
        printk("onsets: %u capture %u\n", count, cap_count);
    }

    // The ring topped up with silence to `frames`.
    void prime(uint32_t frames)
    {
        int16_t silence[kAudioFrame] = {};
        SpinLockIrqGuard g(m_lock);
        while (m_dev->playback_queued() < frames && m_dev->write_frame(silence).has_value()) {
        }
    }

    AudioCounters counters() const override { return m_counters; }

    void irq()
    {
        hw::IrqEvents r;
        {
            SpinLockIrqGuard g(m_lock);
            r = m_dev->handle_irq();
            if (r.has(hw::IrqEvent::PlaybackSpace))
                note_fetches();
            stamp_captures();
        }
        if (r.has(hw::IrqEvent::PlaybackSpace)) {
            __atomic_store_n(&m_irq_at, monotonic_ns(), __ATOMIC_RELAXED);
            m_tick.up();
        }
    }

    ac97::Ac97* m_dev { nullptr };
    SpinLock m_lock;
    Semaphore m_tick { 0 };
    uint64_t m_next { 0 };
    uint64_t m_irq_at { 0 };              // the last playback completion's interrupt
    media::OutputCushion m_cushion;       // media thread only
    Onset m_onsets[kOnsets];              // m_lock
    uint32_t m_onset_count { 0 }, m_onset_fetched { 0 };
    bool m_was_loud { false };
    uint64_t m_cap_done_ns[ac97::kBuffers] {}; // m_lock: completion time of capture frame n % kBuffers
    uint32_t m_cap_completed { 0 };            // m_lock: frames stamped
    uint32_t m_cap_taken { 0 };                // m_lock: frames read
    CaptureOnset m_cap_onsets[kOnsets];        // m_lock
    uint32_t m_cap_onset_count { 0 };          // m_lock
    bool m_cap_was_loud { false };             // media thread only
    uint32_t m_ready_hist[4] {};               // m_lock: capture reads by the frames they found
    uint32_t m_last_captured { 0 };
    uint32_t m_capture_quiet { kCaptureQuietPeriods };
    bool m_capture_live { false };
    media::CaptureReserve m_reserve; // media thread only
    AudioCounters m_counters;
};

constinit Ac97Audio s_audio;
constinit bool s_tried = false;
constinit AudioDevice* s_result = nullptr;

void irq_handler(void*) { s_audio.irq(); }

void cmd_onsets(int, const char* const*) { s_audio.print_onsets(); }

AudioDevice* open()
{
    const pci::Device* dev = nullptr;
    ac97::PciFunction f;
    for (size_t i = 0; i < pci_device_count() && !dev; i++) {
        const pci::Device& d = pci_devices()[i];
        f = { d.vendor, d.device, {}, d.interrupt_line };
        for (int b = 0; b < 6; b++) // probe() wants the raw BAR values
            f.bar[b] = pci_config().read32(d.address, uint8_t(0x10 + 4 * b));
        if (ac97::Ac97::probe(f))
            dev = &d;
    }
    if (!dev)
        return nullptr;
    pci::enable(pci_config(), *dev, true);
    auto created = ac97::Ac97::create(f, kernel_port_io(), kernel_dma(), kernel_delay());
    if (created.is_error()) {
        printk("ac97: codec bring-up failed: %s\n", created.error_info().text());
        return nullptr;
    }
    s_audio.m_dev = new ac97::Ac97(created.release_value());
    if (!s_audio.m_dev) {
        printk("ac97: no memory for the driver\n");
        return nullptr;
    }
    s_audio.m_dev->set_output_volume(0, ac97::Mute::Off);
    // FIXME: record gain 8 is +12 dB on a real codec (AC'97 2.3 §5.7.10: 1.5 dB steps, 0 = 0 dB),
    // enough to clip a line-level source. QEMU's hw/audio/ac97.c scales capture linearly by
    // g/15 instead (15 = unity, 8 = -5.5 dB, 0 = silence), so the spec's unity (0) would mute
    // the emulated capture. Unity on both wants a codec quirk (QEMU's PCI subsystem 1af4:1100).
    s_audio.m_dev->set_input_gain(8, ac97::Mute::Off, false);
    if (!pci_attach_irq(*dev, irq_handler, nullptr))
        printk("ac97: no interrupt line; timer pacing only\n");
    // The driver starts with its own silent buffers queued; prime() tops them up to the
    // cushion's starting depth (write_frame() takes frames only once the device runs).
    uint64_t started = monotonic_ns();
    if (auto r = s_audio.m_dev->start(); r.is_error()) {
        printk("ac97: start failed: %s\n", r.error_info().text());
        return nullptr;
    }
    s_audio.prime(media::OutputCushion::kStartFrames);
    shell_register("onsets", "sound after silence: played (written, fetched by the DMA) and captured (completed, taken)", cmd_onsets);
    // The start time places every later sample on the codec's clock (sample k plays at
    // start + k / rate): benchmarks use it to time what reaches the speaker.
    printk("ac97: codec up at %s, irq %u, playback started at %lu us\n",
           s_audio.m_dev->rate_mode() == ac97::RateMode::Native8k ? "8000 Hz (VRA)" : "48000 Hz (resampled)",
           dev->interrupt_line, started / 1000);
    return &s_audio;
}

} // namespace

AudioDevice* audio_open_ac97()
{
    if (!s_tried) {
        s_tried = true;
        s_result = open();
    }
    return s_result;
}

} // namespace oh::kernel
