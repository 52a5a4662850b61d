// The PC's CMOS real-time clock read as a FAT timestamp, so files and recordings carry the
// date they were written (QEMU's RTC follows the host clock by default).
#include "kernel/storage/storage.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/sync/spinlock.h"

namespace oh::kernel {

namespace {

// MC146818 registers [MC146818A datasheet, "Address Map"].
constexpr uint8_t kSeconds = 0x00, kMinutes = 0x02, kHours = 0x04, kDay = 0x07, kMonth = 0x08, kYear = 0x09,
                  kStatusA = 0x0a, kStatusB = 0x0b;
constexpr uint8_t kUpdateInProgress = 0x80; // status A
constexpr uint8_t kBinary = 0x04, k24Hour = 0x02; // status B

constinit SpinLock s_lock;

uint8_t cmos(uint8_t reg)
{
    x86::outb(0x70, reg); // bit 7 clear: NMIs stay enabled
    return x86::inb(0x71);
}

struct RtcTime {
    uint8_t sec, min, hour, day, month, year;
    bool operator==(const RtcTime&) const = default;
};

RtcTime read_raw()
{
    for (int i = 0; i < 1000 && (cmos(kStatusA) & kUpdateInProgress); i++)
        x86::pause();
    return { cmos(kSeconds), cmos(kMinutes), cmos(kHours), cmos(kDay), cmos(kMonth), cmos(kYear) };
}

uint8_t from_bcd(uint8_t v) { return uint8_t((v >> 4) * 10 + (v & 0x0f)); }

} // namespace

fs::DosTimestamp rtc_dos_timestamp()
{
    RtcTime t {};
    uint8_t b = 0;
    {
        SpinLockIrqGuard guard(s_lock);
        // Read until two reads agree: an update may land between the registers.
        RtcTime prev = read_raw();
        for (int i = 0; i < 4; i++) {
            t = read_raw();
            if (t == prev)
                break;
            prev = t;
        }
        b = cmos(kStatusB);
    }
    bool pm = !(b & k24Hour) && (t.hour & 0x80);
    t.hour &= 0x7f;
    if (!(b & kBinary)) {
        t.sec = from_bcd(t.sec);
        t.min = from_bcd(t.min);
        t.hour = from_bcd(t.hour);
        t.day = from_bcd(t.day);
        t.month = from_bcd(t.month);
        t.year = from_bcd(t.year);
    }
    if (!(b & k24Hour))
        t.hour = uint8_t(t.hour % 12 + (pm ? 12 : 0));
    fs::DosTimestamp ts; // the volume's default date when the RTC makes no sense
    if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour > 23 || t.min > 59 || t.sec > 59 ||
        t.year > 99)
        return ts;
    // [FAT §"Date and Time Formats"]: years from 1980; the RTC keeps two digits (20xx).
    ts.date = uint16_t(((t.year + 20) << 9) | (t.month << 5) | t.day);
    ts.time = uint16_t((t.hour << 11) | (t.min << 5) | (t.sec / 2));
    return ts;
}

} // namespace oh::kernel
