// The RTP send grid (see send_grid.h).
#include "sip/media/send_grid.h"

namespace oh::media {

uint64_t SendGrid::advance(uint64_t now_ns)
{
    m_deadline += kTickNs;
    if (m_deadline + kTickNs < now_ns)
        m_deadline = now_ns;
    return m_deadline;
}

void SendGrid::new_window()
{
    m_window_min = INT64_MAX;
    m_window_n = 0;
    m_window_late = 0;
    m_late_run = 0;
    m_late_run_max = 0;
}

void SendGrid::sent(bool has_packet, uint64_t queued_ns)
{
    // A tick without a packet counts as no lead at all: the window does not move earlier.
    int64_t lead = has_packet ? int64_t(m_deadline) - int64_t(queued_ns) : INT64_MIN;
    if (has_packet && lead < 0) {
        m_window_late++;
        m_late_run++;
        if (-lead > m_late_run_max)
            m_late_run_max = -lead;
        if (m_late_run == kLateRun && m_late_run_max < int64_t(kTickNs)) {
            m_deadline += uint64_t(m_late_run_max + kMarginNs);
            m_moved_later++;
            new_window();
            return;
        }
    } else {
        m_late_run = 0;
        m_late_run_max = 0;
    }
    if (lead < m_window_min)
        m_window_min = lead;
    if (++m_window_n < kWindow)
        return;
    if (m_window_min > kMarginNs + 1'000'000 && m_window_min < int64_t(kTickNs)) {
        m_deadline -= uint64_t(m_window_min - kMarginNs);
        m_moved_earlier++;
    } else if (m_window_late >= kLateTicks) {
        m_deadline += uint64_t(kMarginNs);
        m_moved_later++;
    }
    new_window();
}

} // namespace oh::media
