// Per-CPU data, reached through GS: this CPU's index, APIC id, current thread, tables.
#pragma once

#include <stdint.h>

#include "kernel/arch/x86_64/gdt.h"

namespace oh::kernel {

struct Thread;
constexpr int kMaxCpus = 16;

struct Cpu {
    Cpu* self;               // gs:0, so this_cpu() is one load
    Thread* current;         // gs:8
    uint64_t kernel_rsp;     // gs:16: the running thread's kernel stack top (SYSCALL entry)
    uint64_t user_rsp;       // gs:24: SYSCALL entry's scratch for the user's RSP
    uint32_t index;
    uint32_t apic_id;
    Thread* idle;
    int irq_depth;
    int preempt_disable;
    bool need_resched;
    bool online;
    uint64_t irq_count;
    uint64_t timer_irqs;
    uint64_t context_switches;
    uint64_t idle_ns;
    uint64_t timer_armed_ns;     // when the one-shot timer was last set to fire (monotonic)
    uint64_t timer_fired_armed;  // at the last timer interrupt: when it had been set to fire
    uint64_t timer_fired_ns;     // at the last timer interrupt: when it came
    bool timer_pending;          // armed, its interrupt not taken yet
    uint64_t irq_entropy;        // TSC of each interrupt folded in (kernel/dev/random.h)
    CpuTables tables;
};

// syscall_entry.S reaches these by offset.
static_assert(__builtin_offsetof(Cpu, kernel_rsp) == 16 && __builtin_offsetof(Cpu, user_rsp) == 24);

extern Cpu g_cpus[kMaxCpus];
extern int g_cpu_count; // CPUs found in the MADT (online or not)

inline Cpu& this_cpu()
{
    Cpu* c;
    asm volatile("movq %%gs:0, %0" : "=r"(c));
    return *c;
}

inline Thread* current_thread()
{
    Thread* t;
    asm volatile("movq %%gs:8, %0" : "=r"(t));
    return t;
}

// Point GS at `cpu` on the calling CPU.
void percpu_install(Cpu& cpu);
int online_cpu_count();

} // namespace oh::kernel
