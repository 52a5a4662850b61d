// Fixed-size object pool: N slots reserved at build time, O(1) allocate/free, no heap.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <new>
#include <utility>

namespace oh {

template<typename T, size_t N>
class Pool {
    static_assert(N > 0 && N < 65535);

public:
    Pool()
    {
        for (size_t i = 0; i < N; i++)
            m_next[i] = uint16_t(i + 1);
    }
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // nullptr when exhausted: callers drop and count, never block the hot path.
    template<typename... Args>
    T* create(Args&&... args)
    {
        if (m_free_head == N)
            return nullptr;
        size_t i = m_free_head;
        m_free_head = m_next[i];
        m_used[i] = true;
        m_in_use++;
        if (m_in_use > m_high_water)
            m_high_water = m_in_use;
        return new (&m_slots[i]) T(std::forward<Args>(args)...);
    }

    // Returns false for a pointer that is not a live object of this pool (double free).
    bool destroy(T* p)
    {
        auto* raw = reinterpret_cast<Slot*>(p);
        if (raw < m_slots || raw >= m_slots + N)
            return false;
        size_t i = size_t(raw - m_slots);
        if (!m_used[i])
            return false;
        p->~T();
        m_used[i] = false;
        m_next[i] = uint16_t(m_free_head);
        m_free_head = i;
        m_in_use--;
        return true;
    }

    size_t in_use() const { return m_in_use; }
    size_t high_water() const { return m_high_water; }
    static constexpr size_t capacity() { return N; }

private:
    struct alignas(T) Slot {
        unsigned char bytes[sizeof(T)];
    };
    Slot m_slots[N];
    uint16_t m_next[N];
    bool m_used[N] {};
    size_t m_free_head { 0 };
    size_t m_in_use { 0 };
    size_t m_high_water { 0 };
};

} // namespace oh
