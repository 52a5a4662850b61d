// Wait queues, and the mutex and semaphore built on them.
#pragma once

#include <stdint.h>

#include "kernel/sync/spinlock.h"
#include "lib/intrusive_list.h"

namespace oh::kernel {

struct Thread;

class WaitQueue {
public:
    // Sleep until cond() holds (cond runs under the queue's lock, interrupts off) or until
    // monotonic time reaches deadline_ns. Returns whether cond() held.
    template<typename F>
    bool wait(F cond, uint64_t deadline_ns = UINT64_MAX)
    {
        bool irq = x86::irq_save();
        for (;;) {
            m_lock.lock();
            if (cond()) {
                m_lock.unlock();
                x86::irq_restore(irq);
                return true;
            }
            if (!block_current(deadline_ns)) { // deadline already passed
                m_lock.unlock();
                x86::irq_restore(irq);
                return false;
            }
        }
    }

    // Run `change` under the queue's lock (so waiters see it atomically), then wake.
    template<typename F>
    void update_and_wake_one(F change)
    {
        SpinLockIrqGuard guard(m_lock);
        change();
        wake_locked(1);
    }
    template<typename F>
    void update_and_wake_all(F change)
    {
        SpinLockIrqGuard guard(m_lock);
        change();
        wake_locked(SIZE_MAX);
    }
    void wake_one() { update_and_wake_one([] {}); }
    void wake_all() { update_and_wake_all([] {}); }
    size_t waiter_count() const { return m_waiters.size(); }

private:
    friend struct Thread;
    // Called with m_lock held and interrupts off; returns with m_lock released after the
    // thread has been woken (true), or with m_lock still held if the deadline passed (false).
    bool block_current(uint64_t deadline_ns);
    void wake_locked(size_t count);

    struct Waiter {
        Thread* thread;
        ListNode node;
    };
    SpinLock m_lock;
    IntrusiveList<Waiter, &Waiter::node> m_waiters;
};

class Mutex {
public:
    void lock();
    bool try_lock();
    void unlock();
    bool is_held_by_current() const;

private:
    WaitQueue m_wq;
    Thread* m_owner { nullptr };
};

class MutexGuard {
public:
    explicit MutexGuard(Mutex& m) : m_mutex(m) { m_mutex.lock(); }
    ~MutexGuard() { m_mutex.unlock(); }
    MutexGuard(const MutexGuard&) = delete;
    MutexGuard& operator=(const MutexGuard&) = delete;

private:
    Mutex& m_mutex;
};

class Semaphore {
public:
    constexpr explicit Semaphore(int64_t initial = 0) : m_count(initial) { }
    void down();
    bool down_timeout(uint64_t deadline_ns);
    bool try_down();
    void up();
    int64_t count() const { return m_count; }

private:
    WaitQueue m_wq;
    int64_t m_count;
};

} // namespace oh::kernel
