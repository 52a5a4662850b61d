// Call recording: the media thread's hooks copy frames and call boundaries into a lock-free
// single-producer ring; a normal-priority thread writes /REC/CALLnnnn.WAV through FAT32.
// Default: mixed mono (heard + sent, saturated); `phone.record=stereo`: heard left, sent right.
#include "kernel/phone/recorder.h"

#include <optional>

#include "kernel/console/console.h"
#include "lib/fs/wav_writer.h"
#include "kernel/sched/sched.h"
#include "kernel/storage/storage.h"
#include "lib/bytes.h"
#include "lib/format.h"

namespace oh::kernel {

namespace {

constexpr size_t kMaxFrameSamples = 320;  // 40 ms at 8 kHz; the media thread sends 160
constexpr size_t kRingFrames = 128;       // 2.5 s of 20 ms frames: rides out a slow sync
constexpr uint32_t kRate = 8000;
constexpr uint32_t kFlushEveryFrames = 50; // patch the WAV header about once a second
constexpr char kDir[] = "/REC";

enum class Kind : uint8_t { Start, Audio, End };

struct Slot {
    Kind kind;
    uint16_t samples;
    int16_t heard[kMaxFrameSamples];
    int16_t sent[kMaxFrameSamples];
};

// Single producer (the media thread), single consumer (the recorder thread).
Slot s_ring[kRingFrames];
uint32_t s_head = 0; // written by the producer
uint32_t s_tail = 0; // written by the consumer
uint64_t s_dropped = 0;
constinit WaitQueue s_wq;      // the recorder thread sleeps here
constinit WaitQueue s_idle_wq; // recorder_drain() sleeps here
RecordMode s_mode = RecordMode::Off;
bool s_started = false;

// Consumer state.
fs::FatFile s_file;
constinit std::optional<fs::FatRandomAccessFile> s_raf; // bound at the first recording
fs::WavWriter s_wav;
RecordMode s_active = RecordMode::Off;
uint32_t s_frames = 0;
uint32_t s_errors = 0;
uint32_t s_next_number = 0; // 0: scan /REC first
char s_path[32];
int16_t s_mix[2 * kMaxFrameSamples];

bool push(Kind kind, const int16_t* heard, const int16_t* sent, size_t samples)
{
    uint32_t head = s_head;
    uint32_t tail = __atomic_load_n(&s_tail, __ATOMIC_ACQUIRE);
    if (head - tail >= kRingFrames) {
        __atomic_add_fetch(&s_dropped, 1, __ATOMIC_RELAXED);
        return false;
    }
    Slot& s = s_ring[head % kRingFrames];
    s.kind = kind;
    size_t n = samples < kMaxFrameSamples ? samples : kMaxFrameSamples;
    s.samples = uint16_t(n);
    if (heard)
        copy_bytes(s.heard, heard, n * sizeof(int16_t));
    else
        fill_bytes(s.heard, 0, n * sizeof(int16_t));
    if (sent)
        copy_bytes(s.sent, sent, n * sizeof(int16_t));
    else
        fill_bytes(s.sent, 0, n * sizeof(int16_t));
    __atomic_store_n(&s_head, head + 1, __ATOMIC_RELEASE);
    s_wq.wake_one(); // a short spinlock section; never sleeps
    return true;
}

uint32_t highest_recording_number()
{
    uint32_t best = 0;
    auto dir = fs_volume().open(kDir);
    if (dir.is_error())
        return 0;
    fs::DirCursor cur;
    fs::DirEntryInfo e;
    while (true) {
        auto more = fs_volume().read_dir(*dir, cur, e);
        if (more.is_error() || !*more)
            break;
        std::string_view n(e.name, e.name_length);
        if (n.size() != 12 || !fs::names_equal(n.substr(0, 4), "CALL") || !fs::names_equal(n.substr(8), ".WAV"))
            continue;
        uint32_t v = 0;
        bool ok = true;
        for (char c : n.substr(4, 4)) {
            ok = ok && c >= '0' && c <= '9';
            v = v * 10 + uint32_t(c - '0');
        }
        if (ok && v > best)
            best = v;
    }
    return best;
}

void open_recording(RecordMode mode)
{
    if (mode == RecordMode::Off || !fs_mounted())
        return;
    MutexGuard guard(fs_mutex());
    if (auto r = fs_mkdirs_locked(kDir); r.is_error()) {
        printk("recorder: cannot create %s: %s\n", kDir, r.error_info().text());
        return;
    }
    fs_stamp_locked(); // the recording's creation time
    if (s_next_number == 0)
        s_next_number = highest_recording_number() + 1;
    for (int tries = 0; tries < 16; tries++) {
        format(s_path, sizeof s_path, "%s/CALL%04u.WAV", kDir, s_next_number++ % 10000);
        auto f = fs_volume().create(s_path);
        if (f.is_error() && f.error() == Error::Exists)
            continue;
        if (f.is_error()) {
            printk("recorder: cannot create %s: %s\n", s_path, f.error_info().text());
            return;
        }
        s_file = *f;
        if (!s_raf)
            s_raf.emplace(fs_volume(), s_file);
        s_errors = 0;
        if (auto r = s_wav.open(*s_raf, kRate, mode == RecordMode::Stereo ? 2 : 1); r.is_error()) {
            printk("recorder: %s: %s\n", s_path, r.error_info().text());
            return;
        }
        s_active = mode;
        s_frames = 0;
        printk("recorder: recording to %s (%s)\n", s_path, mode == RecordMode::Stereo ? "stereo" : "mono");
        return;
    }
    printk("recorder: no free recording name\n");
}

int16_t saturate(int32_t v) { return int16_t(v > 32767 ? 32767 : v < -32768 ? -32768 : v); }

void write_audio(const Slot& s)
{
    if (s_active == RecordMode::Off)
        return;
    size_t n = s.samples;
    size_t count = n;
    if (s_active == RecordMode::Stereo) {
        for (size_t i = 0; i < n; i++) {
            s_mix[2 * i] = s.heard[i];
            s_mix[2 * i + 1] = s.sent[i];
        }
        count = 2 * n;
    } else {
        for (size_t i = 0; i < n; i++)
            s_mix[i] = saturate(int32_t(s.heard[i]) + s.sent[i]);
    }
    MutexGuard guard(fs_mutex());
    auto r = s_wav.write(std::span<const int16_t>(s_mix, count));
    if (r.is_error()) {
        if (s_errors++ == 0)
            printk("recorder: %s: write failed: %s\n", s_path, r.error_info().text());
        return;
    }
    if (++s_frames % kFlushEveryFrames == 0)
        (void)s_wav.flush();
}

void close_recording()
{
    if (s_active == RecordMode::Off)
        return;
    MutexGuard guard(fs_mutex());
    auto r = s_wav.close();
    auto synced = fs_volume().sync();
    uint32_t bytes = s_wav.data_bytes();
    uint32_t per_sec = kRate * 2 * (s_active == RecordMode::Stereo ? 2 : 1);
    uint64_t dropped = __atomic_exchange_n(&s_dropped, 0, __ATOMIC_RELAXED);
    printk("recorder: closed %s, %u.%02u s, %u data bytes, %llu frames dropped%s%s\n", s_path, bytes / per_sec,
        (bytes % per_sec) * 100 / per_sec, bytes, (unsigned long long)dropped,
        r.is_error() || synced.is_error() ? ", ERROR: " : "",
        r.is_error() ? r.error_info().text() : synced.is_error() ? synced.error_info().text() : "");
    s_active = RecordMode::Off;
}

void recorder_main(void*)
{
    for (;;) {
        s_wq.wait([] { return __atomic_load_n(&s_head, __ATOMIC_ACQUIRE) != s_tail; });
        uint32_t tail = s_tail;
        Slot& s = s_ring[tail % kRingFrames];
        switch (s.kind) {
        case Kind::Start:
            close_recording(); // a missed End: never leave a file open across calls
            open_recording(s_mode);
            break;
        case Kind::Audio: write_audio(s); break;
        case Kind::End: close_recording(); break;
        }
        s_idle_wq.update_and_wake_all([&] { __atomic_store_n(&s_tail, tail + 1, __ATOMIC_RELEASE); });
    }
}

} // namespace

RecordMode parse_record_mode(std::string_view v)
{
    if (v == "stereo")
        return RecordMode::Stereo;
    if (v == "1" || v == "on" || v == "mono" || v == "yes" || v == "true")
        return RecordMode::Mono;
    return RecordMode::Off;
}

void recorder_init(RecordMode mode)
{
    s_mode = mode;
    if (s_started)
        return;
    s_started = true;
    thread_create("recorder", recorder_main, nullptr);
    printk("recorder: %s\n", mode == RecordMode::Off ? "off" : mode == RecordMode::Stereo ? "stereo" : "mono");
}

void recorder_set_mode(RecordMode mode) { __atomic_store_n(&s_mode, mode, __ATOMIC_RELAXED); }
RecordMode recorder_mode() { return __atomic_load_n(&s_mode, __ATOMIC_RELAXED); }

void recorder_drain()
{
    if (!s_started)
        return;
    uint32_t head = __atomic_load_n(&s_head, __ATOMIC_ACQUIRE);
    s_idle_wq.wait([&] { return __atomic_load_n(&s_tail, __ATOMIC_ACQUIRE) == head; });
}

namespace {
// The hooks: called from the real-time media thread; they only copy and wake.
class DiskRecorder final : public CallRecorder {
public:
    void frame(const int16_t* heard, const int16_t* sent, size_t samples) override
    {
        if (s_started && samples)
            push(Kind::Audio, heard, sent, samples);
    }
    void call_started(const char*) override
    {
        if (s_started)
            push(Kind::Start, nullptr, nullptr, 0);
    }
    void call_ended() override
    {
        if (s_started)
            push(Kind::End, nullptr, nullptr, 0);
    }
};
constinit DiskRecorder s_disk_recorder;
} // namespace

CallRecorder& storage_recorder() { return s_disk_recorder; }

} // namespace oh::kernel
