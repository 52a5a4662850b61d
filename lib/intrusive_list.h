// Intrusive doubly linked list: nodes live inside the objects, so linking never allocates.
#pragma once

#include <stddef.h>

namespace oh {

struct ListNode {
    ListNode* prev { nullptr };
    ListNode* next { nullptr };
    bool is_linked() const { return next != nullptr; }
};

// A circular list with a sentinel. T must have a ListNode member named by NodePtr.
template<typename T, ListNode T::*NodePtr>
class IntrusiveList {
public:
    constexpr IntrusiveList() { m_head.prev = m_head.next = &m_head; }
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;

    bool is_empty() const { return m_head.next == &m_head; }
    size_t size() const { return m_size; }

    void push_back(T& item) { insert_before(&m_head, node(item)); }
    void push_front(T& item) { insert_before(m_head.next, node(item)); }
    // Insert before `pos` (which must be in this list).
    void insert_before(T& pos, T& item) { insert_before(node(pos), node(item)); }

    T* front() const { return is_empty() ? nullptr : owner(m_head.next); }
    T* back() const { return is_empty() ? nullptr : owner(m_head.prev); }
    T* next(T& item) const
    {
        ListNode* n = node(item)->next;
        return n == &m_head ? nullptr : owner(n);
    }

    T* pop_front()
    {
        T* t = front();
        if (t)
            remove(*t);
        return t;
    }

    void remove(T& item)
    {
        ListNode* n = node(item);
        n->prev->next = n->next;
        n->next->prev = n->prev;
        n->prev = n->next = nullptr;
        m_size--;
    }

    template<typename F>
    void for_each(F f) const
    {
        for (ListNode* n = m_head.next; n != &m_head;) {
            ListNode* nx = n->next;
            f(*owner(n));
            n = nx;
        }
    }

private:
    static ListNode* node(T& item) { return &(item.*NodePtr); }
    static T* owner(ListNode* n)
    {
        // offsetof on a member pointer: the node's offset inside T.
        auto offset = reinterpret_cast<size_t>(&(static_cast<T*>(nullptr)->*NodePtr));
        return reinterpret_cast<T*>(reinterpret_cast<char*>(n) - offset);
    }
    void insert_before(ListNode* pos, ListNode* n)
    {
        n->next = pos;
        n->prev = pos->prev;
        pos->prev->next = n;
        pos->prev = n;
        m_size++;
    }

    ListNode m_head;
    size_t m_size { 0 };
};

} // namespace oh
