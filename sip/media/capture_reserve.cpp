// Capture reserve: priming, concealment of a dry reserve, latency cap.
#include "sip/media/capture_reserve.h"

#include "lib/bytes.h"

namespace oh::media {

void CaptureReserve::reset()
{
    m_plc.reset();
    m_primed = false;
    m_dry_run = 0;
}

void CaptureReserve::conceal(std::span<int16_t, kReserveFrame> out)
{
    if (!m_primed) {
        fill_bytes(out.data(), 0, out.size_bytes()); // nothing captured yet: nothing to conceal
        return;
    }
    m_counters.underruns++;
    if (++m_dry_run >= kStallFrames) {
        m_primed = false;
        m_counters.restarts++;
    }
    m_plc.conceal(out); // pitch repetition fading to silence over 60 ms (plc.h)
}

CaptureFill CaptureReserve::pull(CaptureSource& source, std::span<int16_t, kReserveFrame> out)
{
    size_t ready = source.frames_ready();
    m_counters.depth = uint32_t(ready);
    if (ready > m_counters.max_depth)
        m_counters.max_depth = uint32_t(ready);
    if (!m_primed && ready >= kStartFrames) {
        m_primed = true;
        m_dry_run = 0;
    }
    if (!m_primed || ready == 0) {
        conceal(out);
        return CaptureFill::Concealed;
    }
    // Too deep: skip the oldest audio back to the starting depth (one splice, counted)
    // rather than carry the extra delay for the rest of the call.
    if (ready > kMaxFrames) {
        for (; ready > kStartFrames; ready--) {
            if (!source.take_frame(out))
                break;
            m_counters.discarded++;
        }
    }
    if (!source.take_frame(out)) {
        conceal(out);
        return CaptureFill::Concealed;
    }
    m_dry_run = 0;
    m_counters.delivered++;
    m_plc.good_frame(out); // after a concealment, splices the real audio in smoothly
    return CaptureFill::Captured;
}

} // namespace oh::media
