// Threads and the scheduler: per-CPU run queues, real-time and normal classes, sleep, wake,
// affinity and load balancing. A process's thread carries its page tables (user_cr3).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/sched/policy.h"

namespace oh::kernel {

struct Thread;
using ThreadEntry = void (*)(void* arg);

struct ThreadOptions {
    SchedClass cls { SchedClass::Normal };
    uint8_t rt_priority { 0 };
    uint32_t weight { 1024 };
    uint64_t affinity { ~0ull };
    bool joinable { false }; // joinable threads stay around after exit until thread_join
    uint64_t user_cr3 { 0 };  // a process's thread: the page tables it runs on
    void* process { nullptr };
};

Thread* thread_create(const char* name, ThreadEntry entry, void* arg, const ThreadOptions& opts = {});
[[noreturn]] void thread_exit(int code);
[[noreturn]] void thread_exit_on_fault(int vector);
// Wait for a joinable thread to end; returns its exit code (-1000 - vector if it faulted).
int thread_join(Thread* t);
// Whether a joinable thread has ended (thread_join would not wait).
bool thread_has_exited(Thread* t);
void thread_yield();
void thread_sleep_until(uint64_t deadline_ns);
void thread_sleep_ns(uint64_t ns);
void thread_set_affinity(Thread* t, uint64_t mask); // takes effect at the next switch

// Keep a CPU for real-time threads (the phone's media CPU): normal threads are placed on
// other CPUs (even one pinned there), move off it at their next switch, and it neither
// steals work nor wakes to look for it, so its real-time threads find it idle and their
// timer is the only one it runs. Refused for CPU 0 and when no other CPU would be left.
bool sched_reserve_cpu(int cpu);
uint64_t sched_reserved_cpus();
Thread* thread_current();

uint32_t thread_id(const Thread* t);
void* thread_process(const Thread* t); // the Process a user thread belongs to, or nullptr
const char* thread_name(const Thread* t);
void thread_stack_bounds(const Thread* t, uint64_t& low, uint64_t& high);
uint64_t thread_cpus_used(const Thread* t); // bit per CPU it has run on
uint64_t thread_cpu_time_ns(const Thread* t);
// The timer interrupt that last ended a sleep of `t`: when this CPU's timer had been set to
// fire, and when the interrupt came (monotonic ns); for timing real-time threads.
struct TimerWake {
    uint64_t armed;
    uint64_t fired;
    uint64_t switches; // the CPU's context switches when it came: one more by the time `t`
                       // runs means nothing else ran on that CPU first
};
TimerWake thread_last_timer_wake(const Thread* t);
uint64_t cpu_context_switches(); // this CPU's, so far (call with the thread pinned)
int thread_cpu(const Thread* t);

// Bring-up: scheduler_init on the BSP (turns the boot flow into a thread), then each CPU
// calls scheduler_start_cpu() with interrupts off; it never returns (becomes idle).
void scheduler_init();
void scheduler_cpu_init(int cpu_index); // per CPU, before it takes timer interrupts
[[noreturn]] void scheduler_idle_loop();
bool scheduler_running();
bool panic_in_progress();
void set_panic_in_progress();

// Interrupt hooks.
void scheduler_irq_exit(); // switch if a higher-priority thread became runnable

// Wait queues: the primitive under mutexes, semaphores and driver waits.
class WaitQueue;
void wait_queue_block(WaitQueue& wq, uint64_t deadline_ns); // internal
struct SchedStats {
    uint64_t context_switches;
    uint64_t migrations;
    uint64_t steals;
};
SchedStats scheduler_stats();

} // namespace oh::kernel
