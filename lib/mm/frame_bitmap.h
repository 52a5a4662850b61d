// Physical frame allocator policy: one bit per 4 KiB frame over caller-provided storage.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/result.h"

namespace oh {

class FrameBitmap {
public:
    // `bits` holds at least (frame_count + 63) / 64 words. Every frame starts used; the boot
    // code frees the usable ranges of the firmware's memory map.
    void init(uint64_t* bits, size_t frame_count);

    void mark_free(size_t first, size_t count);
    void mark_used(size_t first, size_t count);
    bool is_free(size_t frame) const;

    // `count` contiguous frames, all below frame `limit` (for DMA or the AP trampoline).
    Result<size_t> allocate(size_t count = 1, size_t limit = SIZE_MAX);
    // Returns InvalidArgument for a range that is out of bounds or already free.
    Result<void> free(size_t first, size_t count = 1);

    size_t free_count() const { return m_free; }
    size_t frame_count() const { return m_frames; }

private:
    bool test(size_t f) const { return m_bits[f / 64] & (1ull << (f % 64)); }
    void set(size_t f) { m_bits[f / 64] |= 1ull << (f % 64); }
    void clear(size_t f) { m_bits[f / 64] &= ~(1ull << (f % 64)); }

    uint64_t* m_bits { nullptr };
    size_t m_frames { 0 };
    size_t m_free { 0 };
    size_t m_hint { 0 }; // lowest frame that might be free
};

} // namespace oh
