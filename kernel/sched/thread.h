// The Thread structure (private to the scheduler and the sync primitives).
#pragma once

#include <stdint.h>

#include "kernel/mm/memory.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/wait_queue.h"

namespace oh::kernel {

enum class ThreadState : uint8_t { Runnable, Running, Blocked, Dead };

struct Thread {
    SchedEntity se;
    uint64_t rsp { 0 };
    KernelStack stack {};
    alignas(16) uint8_t fpu[512];   // FXSAVE area: portable code may use SSE in threads
    uint32_t id { 0 };
    char name[24] {};
    ThreadState state { ThreadState::Runnable };
    int cpu { 0 };                  // run queue this thread belongs to (guarded by its lock)
    ThreadEntry entry { nullptr };
    void* arg { nullptr };
    bool joinable { false };
    bool exited { false };
    bool migrate_pending { false };
    int exit_code { 0 };
    uint64_t cpus_used { 0 };
    uint64_t cpu_time_ns { 0 };
    uint64_t run_start_ns { 0 };
    // Sleeping: on a CPU's timer list until wake_at_ns.
    ListNode timer_node;
    uint64_t wake_at_ns { 0 };
    int timer_cpu { -1 };
    uint64_t timer_armed_ns { 0 }; // the timer interrupt that last woke it: when it was due
    uint64_t timer_fired_ns { 0 }; // ... and when it came
    uint64_t timer_fired_switches { 0 }; // ... and its CPU's context switches by then
    WaitQueue exit_wq;
    uint64_t user_cr3 { 0 };  // a process's thread: its top-level page table (0: kernel_cr3)
    void* process { nullptr }; // ... and its Process (kernel/proc)
};

// Make a Blocked thread runnable (no-op for any other state). Safe from IRQ context.
void thread_wake(Thread* t);
// Mark the current thread blocked (optionally with a wake-up deadline); the caller then
// calls schedule(). Interrupts must be off.
void thread_prepare_block(uint64_t deadline_ns);
void thread_cancel_timer(Thread* t);
void schedule();

} // namespace oh::kernel
