// Spinlocks: a test-and-test-and-set lock, and guards that also disable interrupts.
#pragma once

#include <stdint.h>

#include "kernel/arch/x86_64/cpu.h"

namespace oh::kernel {

class SpinLock {
public:
    constexpr SpinLock() = default;

    void lock()
    {
        for (;;) {
            if (!__atomic_exchange_n(&m_locked, 1, __ATOMIC_ACQUIRE))
                return;
            while (__atomic_load_n(&m_locked, __ATOMIC_RELAXED))
                x86::pause();
        }
    }
    bool try_lock() { return !__atomic_exchange_n(&m_locked, 1, __ATOMIC_ACQUIRE); }
    void unlock() { __atomic_store_n(&m_locked, 0, __ATOMIC_RELEASE); }
    bool is_locked() const { return __atomic_load_n(&m_locked, __ATOMIC_RELAXED); }

private:
    uint32_t m_locked { 0 };
};

// Taken from thread and interrupt context alike: interrupts stay off while it is held, so an
// IRQ on this CPU can never spin on a lock its own interrupted thread holds.
class SpinLockIrqGuard {
public:
    explicit SpinLockIrqGuard(SpinLock& l) : m_lock(l), m_irq(x86::irq_save()) { m_lock.lock(); }
    ~SpinLockIrqGuard()
    {
        m_lock.unlock();
        x86::irq_restore(m_irq);
    }
    SpinLockIrqGuard(const SpinLockIrqGuard&) = delete;
    SpinLockIrqGuard& operator=(const SpinLockIrqGuard&) = delete;

private:
    SpinLock& m_lock;
    bool m_irq;
};

} // namespace oh::kernel
