// AC'97 streaming: start/stop, last-valid-index bookkeeping, interrupts, frame conversion.
#include "drivers/ac97/ac97.h"

#include "lib/bytes.h"

namespace oh::ac97 {

namespace {
constexpr uint8_t kIndexMask = bd::kEntries - 1;
constexpr uint8_t distance(uint8_t from, uint8_t to) { return uint8_t((to - from) & kIndexMask); }
} // namespace

// Playback starts with kPlaybackPrefill silent buffers queued; capture gets every buffer.
Result<void> Ac97::start()
{
    if (m_running)
        return {};
    m_out.head = m_out.read = 0;
    m_out.tail = kPlaybackPrefill;
    m_in.head = m_in.read = 0;
    m_in.tail = kBuffers;
    fill_bytes(m_out.data, 0, kBuffers * kMaxBufferBytes);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    m_io.out8(box_port(m_out, BoxReg::Lvi), uint8_t(m_out.tail - 1));
    m_io.out8(box_port(m_in, BoxReg::Lvi), uint8_t(m_in.tail - 1));
    uint8_t control = cr::kRun | cr::kCompletionIrq | cr::kLastBufferIrq | cr::kFifoErrorIrq;
    m_io.out8(box_port(m_out, BoxReg::Cr), control);
    m_io.out8(box_port(m_in, BoxReg::Cr), control);
    m_running = true;
    return {};
}

Result<void> Ac97::stop()
{
    if (!m_running)
        return {};
    uint8_t control = cr::kCompletionIrq | cr::kLastBufferIrq | cr::kFifoErrorIrq;
    m_io.out8(box_port(m_out, BoxReg::Cr), control);
    m_io.out8(box_port(m_in, BoxReg::Cr), control);
    // Rewind the engines so that the next start() begins at entry 0 again (§11.2.7 RR).
    m_running = false;
    TRY(reset_box(m_out));
    TRY(reset_box(m_in));
    setup_bdl(m_out, true);
    setup_bdl(m_in, false);
    return {};
}

// The entry the engine is working on is CIV; when it halted on the last valid entry with
// that one finished (DCH and CELV), everything up to and including CIV is done. Whoever sees
// the head move counts the completions (the interrupt, or a thread asking how much is queued
// just before it), so no completion goes uncounted.
void Ac97::update_head(Channel& c)
{
    uint8_t civ = uint8_t(m_io.in8(box_port(c, BoxReg::Civ)) & kIndexMask);
    uint16_t sr = m_io.in16(box_port(c, BoxReg::Sr));
    uint8_t next = civ;
    if ((sr & sr::kDmaHalted) && (sr & sr::kCurrentIsLast) && m_io.in16(box_port(c, BoxReg::Picb)) == 0)
        next = uint8_t((civ + 1) & kIndexMask);
    uint8_t advance = distance(c.head, next);
    if (advance > distance(c.head, c.tail)) {
        m_stats.bad_index++; // never trust the hardware past what we queued
        return;
    }
    c.head = next;
    (c.box == Box::PcmOut ? m_stats.playback_buffers : m_stats.capture_buffers) += advance;
}

void Ac97::service(Channel& c, bool playback, hw::IrqEvents& r)
{
    uint16_t sr = m_io.in16(box_port(c, BoxReg::Sr));
    if (sr == 0xffff) // device gone: reads float high
        return;
    uint16_t pending = sr & sr::kWriteClear;
    if (!pending)
        return;
    m_io.out16(box_port(c, BoxReg::Sr), pending); // write-one-to-clear (ICH §11.2.4)
    r |= hw::IrqEvent::Ours;
    uint8_t before = c.head;
    update_head(c);
    // A completion is reported even when a thread's update_head() saw the head move first:
    // the engine's BCIS says a buffer finished (ICH §11.2.4).
    bool done = distance(before, c.head) > 0 || (pending & sr::kBufferDone);
    if (playback) {
        if (done)
            r |= hw::IrqEvent::PlaybackSpace;
        if (pending & sr::kLastBufferDone)
            m_stats.underruns++;
    } else {
        if (done)
            r |= hw::IrqEvent::CaptureReady;
        if (pending & sr::kLastBufferDone)
            m_stats.overruns++;
    }
    if (pending & sr::kFifoError)
        m_stats.fifo_errors++;
}

hw::IrqEvents Ac97::handle_irq()
{
    hw::IrqEvents r;
    uint32_t gsta = m_io.in32(uint16_t(m_nabm + uint16_t(Nabm::GlobalStatus)));
    if (gsta == 0xffffffffu || !(gsta & (glob_sta::kPcmOutIrq | glob_sta::kPcmInIrq | glob_sta::kMicInIrq))) {
        m_stats.foreign_irqs++;
        return r;
    }
    m_stats.irqs++;
    service(m_out, true, r);
    service(m_in, false, r);
    return r;
}

size_t Ac97::playback_queued()
{
    update_head(m_out);
    return distance(m_out.head, m_out.tail);
}

size_t Ac97::capture_available()
{
    update_head(m_in);
    return distance(m_in.read, m_in.head);
}

Result<void> Ac97::write_frame(std::span<const int16_t, kFrameSamples> pcm)
{
    if (!m_running)
        return Error::InvalidArgument;
    if (playback_queued() >= kBuffers) {
        m_stats.write_full++;
        return Error::WouldBlock;
    }
    fill_playback(slot(m_out, m_out.tail), pcm);
    __atomic_thread_fence(__ATOMIC_RELEASE); // samples land before the LVI makes them valid
    // Writing LVI also restarts an engine that halted on the old last entry (underrun).
    m_io.out8(box_port(m_out, BoxReg::Lvi), m_out.tail);
    m_out.tail = uint8_t((m_out.tail + 1) & kIndexMask);
    return {};
}

Result<void> Ac97::read_frame(std::span<int16_t, kFrameSamples> pcm)
{
    if (!m_running)
        return Error::InvalidArgument;
    if (capture_available() == 0) {
        m_stats.read_empty++;
        return Error::WouldBlock;
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    drain_capture(slot(m_in, m_in.read), pcm);
    // Hand the buffer back: entry tail uses the same slot (tail == read + kBuffers).
    m_io.out8(box_port(m_in, BoxReg::Lvi), m_in.tail);
    m_in.tail = uint8_t((m_in.tail + 1) & kIndexMask);
    m_in.read = uint8_t((m_in.read + 1) & kIndexMask);
    return {};
}

// Mono 8 kHz to the codec's stereo frames, through the resampler at 48 kHz.
void Ac97::fill_playback(uint8_t* dst, std::span<const int16_t, kFrameSamples> pcm)
{
    if (m_mode == RateMode::Native8k) {
        for (size_t i = 0; i < kFrameSamples; ++i) {
            store_le16(dst + i * 4, uint16_t(pcm[i]));
            store_le16(dst + i * 4 + 2, uint16_t(pcm[i]));
        }
        return;
    }
    constexpr size_t kChunk = 16;
    int16_t up[kChunk * kRatio];
    for (size_t i = 0; i < kFrameSamples; i += kChunk) {
        m_up.process(pcm.subspan(i, kChunk), up);
        for (size_t j = 0; j < kChunk * kRatio; ++j) {
            uint8_t* p = dst + ((i * kRatio) + j) * 4;
            store_le16(p, uint16_t(up[j]));
            store_le16(p + 2, uint16_t(up[j]));
        }
    }
}

// Stereo from the codec to mono 8 kHz: the average of both channels (QEMU and most boards
// feed the microphone to both).
void Ac97::drain_capture(const uint8_t* src, std::span<int16_t, kFrameSamples> pcm)
{
    auto mono = [&](size_t frame) {
        int32_t l = int16_t(load_le16(src + frame * 4)), r = int16_t(load_le16(src + frame * 4 + 2));
        return int16_t((l + r) >> 1);
    };
    if (m_mode == RateMode::Native8k) {
        for (size_t i = 0; i < kFrameSamples; ++i)
            pcm[i] = mono(i);
        return;
    }
    constexpr size_t kChunk = 16;
    int16_t wide[kChunk * kRatio];
    for (size_t i = 0; i < kFrameSamples; i += kChunk) {
        for (size_t j = 0; j < kChunk * kRatio; ++j)
            wide[j] = mono(i * kRatio + j);
        m_down.process(wide, pcm.subspan(i, kChunk));
    }
}

} // namespace oh::ac97
