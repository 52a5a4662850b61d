// Fixed-capacity FIFO ring buffer (single owner; callers add their own locking).
#pragma once

#include <stddef.h>

#include <utility>

namespace oh {

template<typename T, size_t N>
class RingBuffer {
    static_assert(N > 0);

public:
    bool is_empty() const { return m_count == 0; }
    bool is_full() const { return m_count == N; }
    size_t size() const { return m_count; }
    static constexpr size_t capacity() { return N; }

    // Returns false (and drops nothing already queued) when full.
    bool push(const T& v)
    {
        if (is_full())
            return false;
        m_items[(m_head + m_count) % N] = v;
        m_count++;
        return true;
    }

    bool pop(T& out)
    {
        if (is_empty())
            return false;
        out = std::move(m_items[m_head]);
        m_head = (m_head + 1) % N;
        m_count--;
        return true;
    }

    // Fills the next free slot in place (no copy of a T); call only when !is_full().
    template<typename Fill>
    void push_slot(Fill fill)
    {
        fill(m_items[(m_head + m_count) % N]);
        m_count++;
    }
    // Frees the front slot after it was read in place.
    void drop_front()
    {
        if (m_count) {
            m_head = (m_head + 1) % N;
            m_count--;
        }
    }

    T& front() { return m_items[m_head]; }
    T& at(size_t i) { return m_items[(m_head + i) % N]; }
    void clear() { m_head = m_count = 0; }

private:
    T m_items[N] {};
    size_t m_head { 0 };
    size_t m_count { 0 };
};

} // namespace oh
