// Wait queue blocking/waking, mutex and semaphore.
#include "kernel/sync/wait_queue.h"

#include "kernel/arch/x86_64/percpu.h"
#include "kernel/sched/thread.h"
#include "kernel/time/time.h"

namespace oh::kernel {

bool WaitQueue::block_current(uint64_t deadline_ns)
{
    if (deadline_ns != UINT64_MAX && monotonic_ns() >= deadline_ns)
        return false;
    Waiter w { current_thread(), {} };
    m_waiters.push_back(w);
    thread_prepare_block(deadline_ns);
    m_lock.unlock();
    schedule();
    // Woken (or timed out): leave the queue and the timer list if still on them.
    m_lock.lock();
    if (w.node.is_linked())
        m_waiters.remove(w);
    m_lock.unlock();
    thread_cancel_timer(w.thread);
    return true;
}

void WaitQueue::wake_locked(size_t count)
{
    while (count-- && !m_waiters.is_empty()) {
        Waiter* w = m_waiters.pop_front();
        thread_wake(w->thread);
    }
}

void Mutex::lock()
{
    Thread* self = current_thread();
    m_wq.wait([&] {
        if (m_owner)
            return false;
        m_owner = self;
        return true;
    });
}

bool Mutex::try_lock()
{
    Thread* self = current_thread();
    bool got = false;
    m_wq.wait([&] {
        if (!m_owner) {
            m_owner = self;
            got = true;
        }
        return true;
    });
    return got;
}

void Mutex::unlock()
{
    m_wq.update_and_wake_one([&] { m_owner = nullptr; });
}

bool Mutex::is_held_by_current() const { return m_owner == current_thread(); }

void Semaphore::down()
{
    m_wq.wait([&] {
        if (m_count <= 0)
            return false;
        m_count--;
        return true;
    });
}

bool Semaphore::down_timeout(uint64_t deadline_ns)
{
    return m_wq.wait(
        [&] {
            if (m_count <= 0)
                return false;
            m_count--;
            return true;
        },
        deadline_ns);
}

bool Semaphore::try_down()
{
    bool got = false;
    m_wq.wait([&] {
        if (m_count > 0) {
            m_count--;
            got = true;
        }
        return true;
    });
    return got;
}

void Semaphore::up()
{
    m_wq.update_and_wake_one([&] { m_count++; });
}

} // namespace oh::kernel
