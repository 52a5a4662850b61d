// Threads on the Cortex-M7: PendSV context switch driven by the x86 kernel's run-queue
// policy (lib/sched/policy.h): strict-priority real-time above fair normal threads.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>

#include "lib/sched/policy.h"
#include "lib/clock.h"

namespace oh::arm {

constexpr size_t kMaxThreads = 8;
constexpr Nanoseconds kForever = ~Nanoseconds(0);

enum class ThreadState : uint8_t { Ready, Running, Sleeping, Blocked, Exited };

struct Thread {
    uint32_t* sp { nullptr };       // saved process stack pointer while switched out
    SchedEntity entity;
    ThreadState state { ThreadState::Ready };
    Nanoseconds wake_at { kForever };
    const char* name { "" };
    std::span<uint32_t> stack;
    uint32_t switches { 0 };
    // Set by the tick that woke the thread from a sleep: when it ran, and how long since the
    // tick before it (more than a tick period: the guest took no tick meanwhile, i.e. the
    // emulator was not running it). What the latency report splits lateness with.
    Nanoseconds woken_at { 0 };
    Nanoseconds woken_tick_gap { 0 };
};

using ThreadEntry = void (*)(void* arg);

struct ThreadParams {
    const char* name;
    ThreadEntry entry;
    void* arg;
    std::span<uint32_t> stack;     // 8-byte aligned; the lowest word is a canary
    SchedClass cls;
    uint8_t rt_priority;           // Realtime class only: 0..31, higher first
};

// The boot context (already on the process stack) becomes the idle thread.
void scheduler_init();
// Makes a thread runnable; it runs when the policy says so (possibly at once).
void thread_start(Thread& thread, const ThreadParams& params);

Thread& current_thread();
void thread_yield();
void sleep_until(Nanoseconds deadline);
void sleep_for(Nanoseconds duration);

// Called by SysTick: wakes expired sleepers, charges CPU time, requests preemption.
void scheduler_tick(Nanoseconds now);
// Lowest word of each stack still holds its canary (checked by the idle loop).
bool stacks_intact();
// Stack words never written since start (high-water mark), for the memory report.
size_t stack_unused_words(const Thread& thread);

// High-water marks in bytes, from the paint laid at start (what sizes the stacks).
struct StackUse {
    size_t used;
    size_t size;
};
StackUse thread_stack_use(const Thread& thread);
// The handler (main) stack and the boot thread's process stack, which becomes the idle
// thread's (painted by the reset code; linker-script regions).
StackUse handler_stack_use();
StackUse boot_stack_use();
bool boot_stacks_intact();

// One waiter, many signallers (ISRs included): a binary semaphore with a timeout.
class Event {
public:
    // True when signalled, false on timeout.
    bool wait_until(Nanoseconds deadline);
    void signal();

private:
    Thread* m_waiter { nullptr };
    volatile bool m_signalled { false };
};

} // namespace oh::arm
