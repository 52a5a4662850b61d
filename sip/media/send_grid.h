// The RTP send grid: the 20 ms deadlines a pacer sends on, and how they follow the media
// loop that produces the packets. The media loop runs on the codec's clock, which reaches
// the CPU in bursts (an emulated sound card: QEMU's audio timer) and drifts against the
// CPU's clock (two crystals); the grid keeps the wire's rhythm steady while its phase
// follows the packets, so they wait about kMargin before going out:
// - earlier: over a window of kWindow ticks, when even the latest packet led its deadline
//   by more than kMargin plus a millisecond, the grid moves earlier by the excess, once;
// - later, at once: when kLateRun ticks in a row had their packet late, by the largest of
//   those delays plus kMargin (the start of a call, a drifting clock);
// - later, sporadic: when kLateTicks of a window's ticks were late, by kMargin; those
//   packets then lead by less than the margin, so the next window does not move it back.
// A late packet itself is the pacer's to send on arrival (see kernel/phone/pacer.cpp).
// Pure arithmetic on monotonic nanoseconds: the kernel's pacer and the host tests share it.
#pragma once

#include <stdint.h>

namespace oh::media {

class SendGrid {
public:
    static constexpr uint64_t kTickNs = 20'000'000;
    static constexpr int kWindow = 100;              // 2 s of ticks
    static constexpr int64_t kMarginNs = 6'000'000; // the lead kept for the media loop's jitter
    static constexpr int kLateTicks = kWindow / 10;
    static constexpr int kLateRun = 3;

    explicit SendGrid(uint64_t now_ns) : m_deadline(now_ns) { }

    // The next tick's deadline. After a stop longer than a tick (the CPU was taken away) the
    // grid restarts from `now` instead of bursting to catch up.
    uint64_t advance(uint64_t now_ns);
    uint64_t deadline() const { return m_deadline; }

    // What the tick at deadline() sent: `queued_ns` is when its (first) packet had been
    // queued; has_packet false when it sent nothing. Moves the grid as described above.
    void sent(bool has_packet, uint64_t queued_ns);

    // How often the grid moved, for the `pacer` command.
    uint32_t moved_earlier() const { return m_moved_earlier; }
    uint32_t moved_later() const { return m_moved_later; }

private:
    void new_window();

    uint64_t m_deadline;
    int64_t m_window_min { INT64_MAX };
    int m_window_n { 0 };
    int m_window_late { 0 };
    int m_late_run { 0 };
    int64_t m_late_run_max { 0 };
    uint32_t m_moved_earlier { 0 };
    uint32_t m_moved_later { 0 };
};

} // namespace oh::media
