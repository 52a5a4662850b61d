// Physical frame allocator policy (pure: tested on the host).
#include "lib/mm/frame_bitmap.h"

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

void FrameBitmap::mark_free(size_t first, size_t count)
{
    for (size_t f = first; f < first + count && f < m_frames; f++) {
        if (test(f)) {
            clear(f);
            m_free++;
        }
    }
    if (first < m_hint)
        m_hint = first;
}

void FrameBitmap::mark_used(size_t first, size_t count)
{
    for (size_t f = first; f < first + count && f < m_frames; f++) {
        if (!test(f)) {
            set(f);
            m_free--;
        }
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
