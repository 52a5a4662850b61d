// Adaptive jitter buffer: sample-indexed ring of G.711 bytes steered by windowed transit times.
#include "sip/media/jitter_buffer.h"

#include <algorithm>

#include "lib/bytes.h"

namespace oh::media {

namespace {

constexpr uint32_t to_samples(Nanoseconds t) { return uint32_t(t / 125000); } // 8 kHz ticks

} // namespace

// A new call: everything goes, statistics included (a resync keeps them, see restart()).
void JitterBuffer::reset(G711Law law) { *this = JitterBuffer(law); }

void JitterBuffer::restart(uint32_t ssrc, uint32_t timestamp, Nanoseconds arrival)
{
    JitterBufferStats keep = m_stats;
    G711Law law = m_law;
    *this = JitterBuffer(law);
    m_stats = keep;
    m_started = true;
    m_ssrc = ssrc;
    m_first_ts = timestamp;
    m_highest_end = timestamp;
    m_transit_ref = to_samples(arrival) - timestamp;
}

// Delay needed to play every packet of the window on time: the spread between the fastest and
// the slowest transit, plus a margin, clamped to 20..200 ms. The transit is arrival -
// timestamp, so this needs arrival times taken when packets reach the host, not when the
// media loop gets to them (the wait for a tick would count as jitter).
uint32_t JitterBuffer::target_delay() const
{
    if (!m_started)
        return kInitialDelay;
    int32_t lo = m_cur_min, hi = m_cur_max;
    if (m_have_prev) {
        lo = std::min(lo, m_prev_min);
        hi = std::max(hi, m_prev_max);
    }
    uint32_t spread = uint32_t(hi - lo) + kMargin;
    if (!m_have_prev && m_bucket_count < 10)
        spread = std::max(spread, kInitialDelay);
    return std::clamp(spread, kMinDelay, kMaxDelay);
}

void JitterBuffer::note_transit(int32_t t)
{
    if (m_bucket_count == 0) {
        m_cur_min = m_cur_max = t;
    } else {
        m_cur_min = std::min(m_cur_min, t);
        m_cur_max = std::max(m_cur_max, t);
    }
    if (++m_bucket_count >= kWindowPackets) {
        m_prev_min = m_cur_min;
        m_prev_max = m_cur_max;
        m_have_prev = true;
        m_bucket_count = 0;
    }
}

JitterBuffer::PutResult JitterBuffer::put(uint32_t ssrc, uint32_t ts, std::span<const uint8_t> payload, Nanoseconds arrival)
{
    uint32_t len = uint32_t(payload.size());
    if (len == 0 || len > kCapacity / 2) {
        m_stats.discarded++;
        return PutResult::Discarded;
    }
    PutResult result = PutResult::Stored;
    if (!m_started || ssrc != m_ssrc) {
        if (m_started) {
            m_stats.resyncs++;
            result = PutResult::Resynced;
        }
        restart(ssrc, ts, arrival);
    } else {
        int32_t off = int32_t(ts - (m_aligned ? m_playout_ts : m_first_ts));
        if (off < -int32_t(kJump) || off > int32_t(kJump)) {
            m_stats.resyncs++; // the sender restarted its timestamps
            restart(ssrc, ts, arrival);
            result = PutResult::Resynced;
        } else if (m_aligned && off + int32_t(len) <= 0) {
            m_stats.late++;
            note_transit(int32_t(to_samples(arrival) - ts - m_transit_ref));
            return PutResult::Late;
        }
    }
    uint32_t arrival_s = to_samples(arrival);
    if (m_aligned) {
        int32_t off = int32_t(ts - m_playout_ts);
        if (off + int32_t(len) > int32_t(kCapacity)) {
            // A burst far ahead of the playout point: drop the oldest audio to make room.
            uint32_t excess = uint32_t(off) + len - kCapacity;
            uint32_t frames = (excess + kFrame - 1) / kFrame;
            clear(m_playout_ts, frames * kFrame);
            m_playout_ts += frames * kFrame;
            m_stats.frames_dropped += frames;
        }
    }
    if (count_present(ts, len) == len) {
        m_stats.duplicates++;
        return PutResult::Duplicate;
    }
    note_transit(int32_t(arrival_s - ts - m_transit_ref));
    store(ts, payload);
    m_last_arrival = arrival_s;
    m_stats.packets++;
    update_depth();
    return result;
}

void JitterBuffer::store(uint32_t ts, std::span<const uint8_t> payload)
{
    uint32_t skip = 0;
    if (m_aligned) {
        int32_t off = int32_t(ts - m_playout_ts);
        if (off < 0)
            skip = uint32_t(-off); // the head of a packet that straddles the playout point
    }
    for (uint32_t i = skip; i < payload.size(); ++i) {
        uint32_t t = ts + i;
        m_samples[t & (kCapacity - 1)] = payload[i];
        m_present[(t & (kCapacity - 1)) >> 5] |= 1u << (t & 31);
    }
    uint32_t end = ts + uint32_t(payload.size());
    if (int32_t(end - m_highest_end) > 0)
        m_highest_end = end;
}

uint32_t JitterBuffer::count_present(uint32_t ts, uint32_t n) const
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < n; ++i)
        c += present(ts + i) ? 1 : 0;
    return c;
}

void JitterBuffer::clear(uint32_t ts, uint32_t n)
{
    for (uint32_t i = 0; i < n; ++i) {
        uint32_t t = ts + i;
        m_present[(t & (kCapacity - 1)) >> 5] &= ~(1u << (t & 31));
    }
}

// Silence is the cheapest place to drop a frame (kQuietPeak).
bool JitterBuffer::frame_is_quiet(uint32_t ts) const
{
    for (uint32_t i = 0; i < kFrame; ++i) {
        if (!present(ts + i))
            continue;
        uint8_t b = m_samples[(ts + i) & (kCapacity - 1)];
        int16_t v = m_law == G711Law::Ulaw ? ulaw_to_linear(b) : alaw_to_linear(b);
        if (v > kQuietPeak || v < -kQuietPeak)
            return false;
    }
    return true;
}

// First frame: play the first packet kInitialDelay after it arrived (in its own frame grid,
// so that 20 ms packets map onto whole frames).
void JitterBuffer::align_playout(uint32_t now_s)
{
    int32_t transit0 = int32_t(m_transit_ref);
    int32_t ahead = int32_t(kInitialDelay) - int32_t(now_s - m_first_ts - uint32_t(transit0));
    uint32_t frames = ahead > 0 ? (uint32_t(ahead) + kFrame - 1) / kFrame : 0;
    m_playout_ts = m_first_ts - frames * kFrame;
    m_aligned = true;
}

void JitterBuffer::update_depth()
{
    int32_t depth = m_aligned ? int32_t(m_highest_end - m_playout_ts) : int32_t(m_highest_end - m_first_ts);
    m_stats.depth_ms = uint16_t(std::clamp<int32_t>(depth, 0, int32_t(kCapacity)) / 8);
}

JitterBuffer::FrameKind JitterBuffer::get(std::span<uint8_t, kFrame> out, Nanoseconds now)
{
    uint8_t silence = g711_silence(m_law);
    fill_bytes(out.data(), silence, kFrame);
    uint32_t now_s = to_samples(now);
    m_stats.target_ms = uint16_t(target_delay() / 8);
    if (!m_started) {
        m_stats.frames_idle++;
        return FrameKind::Idle;
    }
    if (!m_aligned)
        align_playout(now_s);
    bool active = int32_t(now_s - m_last_arrival) < int32_t(kIdleAfter); // a packet stamped after now counts as recent
    bool data_ahead = int32_t(m_highest_end - m_playout_ts) > 0;
    // Playout offset versus the transit of the slowest packets we want to catch.
    int32_t lo = m_have_prev ? std::min(m_cur_min, m_prev_min) : m_cur_min;
    int32_t desired = lo + int32_t(m_transit_ref) + int32_t(target_delay());
    int32_t offset = int32_t(now_s - m_playout_ts);
    int32_t err = offset - desired;
    if (active && data_ahead && err < 0 && m_stats.frames_played > 0) {
        // Grow: play a concealed frame without consuming any audio.
        m_stats.frames_inserted++;
        update_depth();
        return FrameKind::Lost;
    }
    // Shrink: prefer a quiet frame; if the excess has lasted kShrinkPatience ticks (speech
    // without pauses, or a fast sender clock) take any frame.
    if (err > int32_t(kFrame + kMargin) && data_ahead) {
        if (m_over_ticks < 0xffff)
            m_over_ticks++;
        if (frame_is_quiet(m_playout_ts) || m_over_ticks >= kShrinkPatience || err > int32_t(kMaxDelay)) {
            clear(m_playout_ts, kFrame);
            m_playout_ts += kFrame;
            m_stats.frames_dropped++;
            m_over_ticks = 0;
        }
    } else {
        m_over_ticks = 0;
    }
    uint32_t have = count_present(m_playout_ts, kFrame);
    FrameKind kind;
    if (have > 0) {
        for (uint32_t i = 0; i < kFrame; ++i) {
            if (present(m_playout_ts + i))
                out[i] = m_samples[(m_playout_ts + i) & (kCapacity - 1)];
        }
        m_stats.frames_played++;
        kind = FrameKind::Audio;
    } else if (active && int32_t(m_playout_ts - m_first_ts) >= 0) {
        m_stats.frames_lost++;
        if (int32_t(m_highest_end - (m_playout_ts + kFrame)) <= 0)
            m_stats.underruns++;
        kind = FrameKind::Lost;
    } else {
        m_stats.frames_idle++;
        kind = FrameKind::Idle;
    }
    clear(m_playout_ts, kFrame);
    m_playout_ts += kFrame;
    update_depth();
    return kind;
}

} // namespace oh::media
