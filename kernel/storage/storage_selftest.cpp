// Boot-key self-tests checked by tests/e2e/test_storage.py from the host side:
// `storage.selftest=write|verify` (files of known content across a reboot) and
// `storage.fakecall=HZ:SECONDS` (a tone through the recorder hooks, paced like the media thread).
#include "kernel/console/console.h"
#include "kernel/phone/recorder.h"
#include "kernel/sched/sched.h"
#include "kernel/storage/storage.h"
#include "kernel/time/time.h"
#include "sip/media/tones.h"

namespace oh::kernel {

namespace {

constexpr uint32_t kBigBytes = 100000; // many clusters whatever the cluster size
constexpr char kSmall[] = "hello from offhook storage\n";
constexpr char kLine1[] = "line 1 written at first boot\n";
constexpr char kLine2[] = "line 2 appended after a reboot\n";
constexpr size_t kChunk = 4096;

// The host recomputes this pattern (tests/e2e/test_storage.py: big_pattern()).
uint8_t big_byte(uint32_t i) { return uint8_t((i * 31u + (i >> 9)) & 0xff); }

std::span<const uint8_t> text(const char* s, size_t n) { return { reinterpret_cast<const uint8_t*>(s), n }; }

Result<void> write_big()
{
    static uint8_t buf[kChunk];
    for (uint32_t off = 0; off < kBigBytes; off += kChunk) {
        uint32_t n = kBigBytes - off < kChunk ? kBigBytes - off : uint32_t(kChunk);
        for (uint32_t i = 0; i < n; i++)
            buf[i] = big_byte(off + i);
        TRY(fs_write_file("/SELFTEST/BIG.BIN", std::span<const uint8_t>(buf, n), off != 0));
    }
    return {};
}

Result<void> check_file(const char* path, std::span<const uint8_t> want)
{
    static uint8_t buf[256];
    size_t n = TRY(fs_read_file(path, buf));
    if (n != want.size())
        return Error::Malformed;
    for (size_t i = 0; i < n; i++)
        if (buf[i] != want[i])
            return Error::Malformed;
    return {};
}

Result<void> check_big()
{
    static uint8_t buf[kChunk];
    uint32_t off = 0;
    for (;;) {
        size_t n = TRY(fs_read_file("/SELFTEST/BIG.BIN", buf, off));
        for (size_t i = 0; i < n; i++)
            if (buf[i] != big_byte(off + uint32_t(i)))
                return Error::Malformed;
        off += uint32_t(n);
        if (n < kChunk)
            break;
    }
    return off == kBigBytes ? Result<void> {} : Result<void>(Error::Malformed);
}

void report(const char* what, const Result<void>& r)
{
    printk("selftest: %s %s%s\n", what, r.is_error() ? "FAILED: " : "ok", r.is_error() ? r.error_info().text() : "");
}

} // namespace

// write: make the files and sync. verify: read them back, then append a line and sync.
void storage_selftest(std::string_view mode)
{
    if (mode == "write") {
        {
            MutexGuard guard(fs_mutex());
            report("mkdir", fs_mkdirs_locked("/SELFTEST"));
        }
        report("small", fs_write_file("/SELFTEST/SMALL.TXT", text(kSmall, sizeof kSmall - 1), false));
        report("big", write_big());
        report("append1", fs_write_file("/SELFTEST/Append log.txt", text(kLine1, sizeof kLine1 - 1), true));
        storage_run_commands("sync"); // reports the write-back time of what is still dirty
    } else if (mode == "verify") {
        report("verify-small", check_file("/SELFTEST/SMALL.TXT", text(kSmall, sizeof kSmall - 1)));
        report("verify-big", check_big());
        report("verify-append", check_file("/SELFTEST/Append log.txt", text(kLine1, sizeof kLine1 - 1)));
        report("append2", fs_write_file("/SELFTEST/Append log.txt", text(kLine2, sizeof kLine2 - 1), true));
        storage_run_commands("sync");
    } else {
        printk("selftest: unknown mode (write|verify)\n");
    }
}

// A call as the media thread makes one: start, a frame every 20 ms, end. `heard` is the
// tone at -10 dBm0, `sent` 440 Hz at -19 dBm0 (so the mono mix holds both, distinguishable).
void storage_fake_call(std::string_view spec)
{
    size_t colon = spec.find(':');
    uint32_t hz = uint32_t(parse_u64(spec.substr(0, colon)).value_or(1000));
    uint32_t secs = colon == std::string_view::npos ? 3 : uint32_t(parse_u64(spec.substr(colon + 1)).value_or(3));
    constexpr size_t kFrame = 160;
    media::Oscillator osc, osc_sent;
    osc.set(hz, media::kLevelMinus10dBm0);
    osc_sent.set(440, media::kLevelMinus19dBm0);
    int16_t heard[kFrame];
    int16_t sent[kFrame];
    printk("fakecall: %u Hz for %u s\n", hz, secs);
    CallRecorder& rec = storage_recorder();
    rec.call_started("fakecall");
    uint64_t next = monotonic_ns();
    for (uint32_t f = 0; f < secs * 50; f++) {
        for (size_t i = 0; i < kFrame; i++) {
            heard[i] = osc.next();
            sent[i] = osc_sent.next();
        }
        rec.frame(heard, sent, kFrame);
        next += 20'000'000;
        thread_sleep_until(next);
    }
    rec.call_ended();
    recorder_drain();
    printk("fakecall: done\n");
}

} // namespace oh::kernel
