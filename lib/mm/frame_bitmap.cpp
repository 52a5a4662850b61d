// Physical frame allocator policy (pure: tested on the host).
#include "lib/mm/frame_bitmap.h"

#include "lib/bytes.h"

namespace oh {

void FrameBitmap::init(uint64_t* bits, size_t frame_count)
{
    m_bits = bits;
    m_frames = frame_count;
    m_free = 0;
    m_hint = frame_count;
    for (size_t i = 0; i < (frame_count + 63) / 64; i++)
        m_bits[i] = ~0ull;
}

namespace {

// The bits of word `w` that frames [first, end) cover.
uint64_t word_mask(size_t w, size_t first, size_t end)
{
    size_t lo = w * 64 > first ? 0 : first - w * 64;
    size_t hi = (w + 1) * 64 < end ? 64 : end - w * 64;
    uint64_t upto_hi = hi == 64 ? ~0ull : (1ull << hi) - 1;
    return upto_hi & ~((1ull << lo) - 1);
}

}

// A word at a time: a boot frees every RAM range, 65,536 frames for 256 MiB.
void FrameBitmap::mark_free(size_t first, size_t count)
{
    size_t end = first + count < m_frames ? first + count : m_frames;
    for (size_t w = first / 64; first < end && w <= (end - 1) / 64; w++) {
        uint64_t m = m_bits[w] & word_mask(w, first, end);
        m_free += size_t(count_bits(m));
        m_bits[w] &= ~m;
    }
    if (first < m_hint)
        m_hint = first;
}

void FrameBitmap::mark_used(size_t first, size_t count)
{
    size_t end = first + count < m_frames ? first + count : m_frames;
    for (size_t w = first / 64; first < end && w <= (end - 1) / 64; w++) {
        uint64_t m = ~m_bits[w] & word_mask(w, first, end);
        m_free -= size_t(count_bits(m));
        m_bits[w] |= m;
    }
}

bool FrameBitmap::is_free(size_t frame) const { return frame < m_frames && !test(frame); }

Result<size_t> FrameBitmap::allocate(size_t count, size_t limit)
{
    if (count == 0)
        return Error::InvalidArgument;
    if (limit > m_frames)
        limit = m_frames;
    size_t run = 0;
    for (size_t f = m_hint; f < limit; f++) {
        // Skip whole used words quickly.
        if (run == 0 && f % 64 == 0 && m_bits[f / 64] == ~0ull) {
            f += 63;
            continue;
        }
        // And take whole free words at once while the run needs all of them.
        if (f % 64 == 0 && f + 64 <= limit && m_bits[f / 64] == 0 && run + 64 < count) {
            run += 64;
            f += 63;
            continue;
        }
        if (test(f)) {
            run = 0;
            continue;
        }
        if (++run == count) {
            size_t first = f + 1 - count;
            mark_used(first, count);
            if (first == m_hint)
                m_hint = f + 1;
            return first;
        }
    }
    return Error::NoMemory;
}

Result<void> FrameBitmap::free(size_t first, size_t count)
{
    if (first >= m_frames || count > m_frames - first)
        return Error::InvalidArgument;
    for (size_t f = first; f < first + count; f++)
        if (!test(f))
            return { Error::InvalidArgument, "double free of a frame" };
    mark_free(first, count);
    return {};
}

} // namespace oh
