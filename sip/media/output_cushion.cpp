// The playback ring's depth, steered by the lateness of the media thread's services.
#include "sip/media/output_cushion.h"

#include <algorithm>

namespace oh::media {

uint32_t OutputCushion::on_service(uint32_t queued, uint64_t late_ns)
{
    // Woken for a completion an earlier service already refilled (it saw the completion
    // before its interrupt came): nothing to write, and no service to judge.
    if (queued >= m_frames)
        return 0;
    // Of the cushion, a service on time finds all but the frame that just completed: the one
    // now playing and m_frames - 2 behind it. Every frame fewer, and the time since the
    // completion, is cushion used up while the thread was not there.
    int64_t expected = int64_t(m_frames) - 1;
    int64_t deficit_ns = (expected - int64_t(queued)) * int64_t(kFrameNs) + int64_t(late_ns);
    uint32_t deficit_us = deficit_ns > 0 ? uint32_t(std::min<int64_t>(deficit_ns / 1000, 0xffffffff)) : 0;
    m_current_max_us = std::max(m_current_max_us, deficit_us);
    m_counters.worst_deficit_us = std::max(m_counters.worst_deficit_us, deficit_us);
    if (++m_ticks >= kBucketTicks) {
        m_bucket_max_us[m_next_bucket] = m_current_max_us;
        m_next_bucket = (m_next_bucket + 1) % kBuckets;
        m_filled = std::min(m_filled + 1, kBuckets);
        m_current_max_us = 0;
        m_ticks = 0;
    }
    uint32_t need_us = m_current_max_us;
    for (uint32_t i = 0; i < m_filled; ++i)
        need_us = std::max(need_us, m_bucket_max_us[i]);
    // Frames so that the worst service seen leaves kGuardNs: (frames - 1) * 20 ms ahead of the
    // completion must cover need + guard.
    uint64_t cover_ns = uint64_t(need_us) * 1000 + kGuardNs;
    uint32_t frames = uint32_t(1 + (cover_ns + kFrameNs - 1) / kFrameNs);
    frames = std::clamp(frames, kMinFrames, kMaxFrames);
    if (frames > m_frames) {
        m_wanted = frames;
        // Less than half the guard left: the ring may run dry before the next quiet frame.
        m_urgent = deficit_ns > int64_t(expected * kFrameNs) - int64_t(kGuardNs / 2);
    } else if (frames < m_frames && m_filled == kBuckets) {
        m_wanted = frames; // a minute without lateness that needed the deeper ring
    } else {
        m_wanted = m_frames;
    }
    return m_frames - queued;
}

OutputCushion::Write OutputCushion::on_write(bool quiet)
{
    if (m_wanted > m_frames && (quiet || m_urgent)) {
        m_frames++;
        m_counters.grown++;
        if (!quiet)
            m_counters.forced++;
        m_urgent = false;
        return Write::Twice;
    }
    if (m_wanted < m_frames && quiet) {
        m_frames--;
        m_counters.shrunk++;
        return Write::Skip;
    }
    return Write::Once;
}

OutputCushionCounters OutputCushion::counters() const
{
    OutputCushionCounters c = m_counters;
    c.frames = uint16_t(m_frames);
    return c;
}

} // namespace oh::media
