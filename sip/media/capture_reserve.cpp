// Capture reserve: priming, concealment of a dry reserve, latency cap.
#include "sip/media/capture_reserve.h"

#include "lib/bytes.h"
#include "sip/media/g711.h"

namespace oh::media {

void CaptureReserve::reset()
{
    m_plc.reset();
    m_primed = false;
    m_dry_run = 0;
    m_window_pulls = 0;
    m_window_min_spare = SIZE_MAX;
    m_surplus = false;
}

// One primed pull that found `ready` frames: what it leaves queued after taking one (none
// when it found none) is the window's evidence.
void CaptureReserve::observe(size_t ready)
{
    size_t spare = ready > 0 ? ready - 1 : 0;
    if (spare == 0)
        m_surplus = false; // the cushion frame was needed now: no trim on older evidence
    if (spare < m_window_min_spare)
        m_window_min_spare = spare;
    if (++m_window_pulls >= kTrimWindow) {
        m_surplus = m_window_min_spare >= 1;
        m_window_pulls = 0;
        m_window_min_spare = SIZE_MAX;
    }
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
        // Capture began before the first read (the device started at boot, or resumed): what
        // queued up beyond the start depth is delay from the first frame on, and nothing of it
        // has been sent. Start from the newest frames.
        for (; ready > kStartFrames; ready--) {
            if (!source.take_frame(out))
                break;
            m_counters.discarded++;
        }
    }
    if (m_primed)
        observe(ready);
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
    // A minute never needed the cushion frame: drop it where it is silence (the splice is
    // between two quiet frames, or from one into the start of a sound), then start a new minute.
    if (m_surplus && ready >= 2 && frame_is_quiet(out.data(), out.size())) {
        if (source.take_frame(out)) {
            m_counters.trimmed++;
            m_surplus = false;
            m_window_pulls = 0;
            m_window_min_spare = SIZE_MAX;
        }
    }
    m_dry_run = 0;
    m_counters.delivered++;
    m_plc.good_frame(out); // after a concealment, splices the real audio in smoothly
    return CaptureFill::Captured;
}

} // namespace oh::media
