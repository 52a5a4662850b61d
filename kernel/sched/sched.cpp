// The scheduler: per-CPU run queues (policy in policy.cpp), context switches, timers for
// sleeping threads, wake-ups across CPUs with IPIs, and idle-time work stealing.
#include "kernel/sched/sched.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/console/console.h"
#include "kernel/sched/thread.h"
#include "kernel/time/time.h"
#include "lib/bytes.h"
#include "lib/format.h"

extern "C" void switch_context(uint64_t* save_rsp, uint64_t new_rsp);
extern "C" void thread_trampoline();
extern "C" uint8_t boot_stack_bottom[], boot_stack_top[];

namespace oh::kernel {

namespace {

constexpr uint64_t kIdleBalanceNs = 5'000'000; // idle CPUs look for work this often
constexpr uint64_t kMaxTimerNs = 50'000'000;

struct CpuSched {
    SpinLock lock;
    RunQueue rq;
    IntrusiveList<Thread, &Thread::timer_node> sleepers; // sorted by wake_at_ns
    Thread* switch_prev { nullptr };
    uint64_t last_account_ns { 0 };
};

constinit CpuSched* s_cpu[kMaxCpus] {};
constinit bool s_running = false;
constinit bool s_panic = false;
constinit uint32_t s_next_id = 1;
constinit uint64_t s_migrations = 0;
constinit uint64_t s_steals = 0;
constinit uint64_t s_reserved = 0; // CPUs kept for real-time threads (sched_reserve_cpu)
alignas(16) constinit uint8_t s_initial_fpu[512] {};

uint64_t online_mask()
{
    uint64_t m = 0;
    for (int i = 0; i < kMaxCpus; i++)
        if (s_cpu[i] && g_cpus[i].online)
            m |= 1ull << i;
    return m;
}

// Where a thread may run: its affinity, except that normal threads never run on a CPU
// reserved for real time (one pinned only there runs on the other CPUs instead).
uint64_t allowed_cpus(const SchedEntity& se)
{
    uint64_t reserved = __atomic_load_n(&s_reserved, __ATOMIC_RELAXED);
    if (se.cls != SchedClass::Normal || !reserved)
        return se.affinity;
    uint64_t m = se.affinity & ~reserved & online_mask();
    return m ? m : online_mask() & ~reserved;
}

bool reserved_cpu(int cpu) { return __atomic_load_n(&s_reserved, __ATOMIC_RELAXED) & (1ull << cpu); }

void fpu_enable()
{
    // [intel/vol3 13.1.3] CR0.MP=1, CR0.EM=0; CR4.OSFXSR, CR4.OSXMMEXCPT
    x86::write_cr0((x86::read_cr0() | (1 << 1)) & ~uint64_t(1 << 2));
    x86::write_cr4(x86::read_cr4() | (1 << 9) | (1 << 10));
    asm volatile("fninit");
}

void account_current(CpuSched& cs, Cpu& cpu, uint64_t now)
{
    Thread* cur = cpu.current;
    uint64_t delta = now - cs.last_account_ns;
    cs.last_account_ns = now;
    if (!cur || cur == cpu.idle) {
        cpu.idle_ns += delta;
        return;
    }
    cur->cpu_time_ns += delta;
    cs.rq.account(cur->se, delta);
}

// Program this CPU's one-shot timer for its next event. Called with its lock held.
void program_timer(CpuSched& cs, Cpu& cpu, uint64_t now)
{
    uint64_t next = UINT64_MAX;
    if (Thread* s = cs.sleepers.front())
        next = s->wake_at_ns > now ? s->wake_at_ns - now : 1;
    if (cpu.current) {
        uint64_t slice = cs.rq.slice_remaining(cpu.current->se, now);
        if (slice < next)
            next = slice ? slice : 1;
    }
    if (cpu.current == cpu.idle && kIdleBalanceNs < next && !reserved_cpu(int(cpu.index)))
        next = kIdleBalanceNs;
    if (next > kMaxTimerNs)
        next = kMaxTimerNs;
    // Re-arming while an expiry is overdue (its interrupt not yet taken) keeps the overdue
    // time as when the timer was due: the wait is the interrupt's delivery, not the arming.
    if (!(cpu.timer_pending && cpu.timer_armed_ns <= now))
        cpu.timer_armed_ns = now + next;
    cpu.timer_pending = true;
    lapic_timer_oneshot(next);
}

void sleepers_insert(CpuSched& cs, Thread* t)
{
    Thread* pos = cs.sleepers.front();
    while (pos && pos->wake_at_ns <= t->wake_at_ns)
        pos = cs.sleepers.next(*pos);
    if (pos)
        cs.sleepers.insert_before(*pos, *t);
    else
        cs.sleepers.push_back(*t);
}

int least_loaded_cpu(uint64_t affinity)
{
    int best = -1;
    size_t best_load = SIZE_MAX;
    for (int i = 0; i < kMaxCpus; i++) {
        if (!s_cpu[i] || !g_cpus[i].online || !(affinity & (1ull << i)))
            continue;
        size_t load = s_cpu[i]->rq.nr_queued() + (g_cpus[i].current != g_cpus[i].idle ? 1 : 0);
        if (load < best_load) {
            best_load = load;
            best = i;
        }
    }
    return best;
}

// Put a runnable thread on `cpu`'s queue (lock held) and poke that CPU if it should switch.
void enqueue_locked(CpuSched& cs, int cpu, Thread* t, bool woken)
{
    t->cpu = cpu;
    t->state = ThreadState::Runnable;
    cs.rq.enqueue(t->se, woken);
    Cpu& target = g_cpus[cpu];
    Thread* cur = target.current;
    if (!cur || cs.rq.should_preempt(cur->se, t->se)) {
        if (cpu == int(this_cpu().index))
            this_cpu().need_resched = true;
        else
            lapic_send_ipi(target.apic_id, kVectorReschedule);
    }
}

// Sleepers whose deadline has passed by the time the scheduler looks (a timer interrupt
// that asked for a reschedule, then the host stopped the vCPU): queue them now instead of
// arming the timer for an instant already gone. Those only another CPU may run are left to
// the timer interrupt's wake-up, which migrates them. Called with the lock held.
void wake_due_locked(CpuSched& cs, Cpu& cpu, uint64_t now)
{
    Thread* t = cs.sleepers.front();
    while (t && t->wake_at_ns <= now) {
        Thread* next = cs.sleepers.next(*t);
        if (t->state == ThreadState::Blocked && !t->se.running && t->cpu == int(cpu.index)
            && (allowed_cpus(t->se) & (1ull << cpu.index))) {
            cs.sleepers.remove(*t);
            t->timer_cpu = -1;
            enqueue_locked(cs, int(cpu.index), t, true);
        }
        t = next;
    }
}

// Idle CPU: take one queued thread from the busiest other CPU. Our lock is held; the
// other is only tried, so two CPUs stealing from each other cannot deadlock.
Thread* steal(int self)
{
    int victim = -1;
    size_t most = 0;
    for (int i = 0; i < kMaxCpus; i++) {
        if (i == self || !s_cpu[i] || !g_cpus[i].online)
            continue;
        size_t n = s_cpu[i]->rq.nr_queued();
        if (n > most) {
            most = n;
            victim = i;
        }
    }
    if (victim < 0 || !s_cpu[victim]->lock.try_lock())
        return nullptr;
    Thread* t = nullptr;
    if (SchedEntity* se = s_cpu[victim]->rq.steal_candidate(self)) {
        t = reinterpret_cast<Thread*>(se); // se is Thread's first member
        s_cpu[victim]->rq.dequeue(*se);
        t->cpu = self;
        s_steals++;
        s_migrations++;
    }
    s_cpu[victim]->lock.unlock();
    return t;
}

void reap(Thread* t)
{
    // The thread is off every CPU: its stack may go now.
    stack_free(t->stack);
    if (t->joinable) {
        t->exit_wq.update_and_wake_all([t] { t->exited = true; });
        return;
    }
    t->exited = true;
    delete t;
}

} // namespace

static_assert(__builtin_offsetof(Thread, se) == 0);

// Runs in the thread that was just switched to, on its own stack.
void finish_switch()
{
    Cpu& cpu = this_cpu();
    CpuSched& cs = *s_cpu[cpu.index];
    Thread* prev = cs.switch_prev;
    cs.switch_prev = nullptr;
    Thread* cur = cpu.current;
    asm volatile("fxrstor64 %0" ::"m"(*cur->fpu));
    bool dead = false, migrate = false;
    if (prev) {
        __atomic_store_n(&prev->se.running, false, __ATOMIC_RELEASE);
        dead = prev->state == ThreadState::Dead;
        migrate = prev->migrate_pending;
        prev->migrate_pending = false;
    }
    program_timer(cs, cpu, monotonic_ns());
    cs.lock.unlock();
    if (dead)
        reap(prev);
    else if (migrate)
        thread_wake(prev); // wake picks a CPU its affinity allows
}

void schedule()
{
    bool irq = x86::irq_save();
    Cpu& cpu = this_cpu();
    CpuSched& cs = *s_cpu[cpu.index];
    cs.lock.lock();
    cpu.need_resched = false;
    uint64_t now = monotonic_ns();
    account_current(cs, cpu, now);
    Thread* prev = cpu.current;

    if (prev != cpu.idle && prev->state == ThreadState::Blocked && prev->timer_node.is_linked()
        && prev->timer_cpu == int(cpu.index) && prev->wake_at_ns <= now) {
        // Its deadline passed on the way here (the host can stop a vCPU between a sleep's
        // check and this lock): it keeps running, timed out, rather than the CPU arming its
        // timer for an instant already gone and waking it from an interrupt.
        cs.sleepers.remove(*prev);
        prev->timer_cpu = -1;
        prev->state = ThreadState::Running;
    }
    wake_due_locked(cs, cpu, now);

    if (prev != cpu.idle && prev->state == ThreadState::Running) {
        if (allowed_cpus(prev->se) & (1ull << cpu.index)) {
            prev->state = ThreadState::Runnable;
            cs.rq.enqueue(prev->se);
        } else {
            // Affinity moved away from this CPU: park it and hand it over in finish_switch,
            // once its registers are saved and no CPU runs it.
            prev->state = ThreadState::Blocked;
            prev->migrate_pending = true;
        }
    }

    Thread* next = nullptr;
    if (SchedEntity* se = cs.rq.pick_next())
        next = reinterpret_cast<Thread*>(se);
    else if ((prev == cpu.idle || prev->state != ThreadState::Runnable) && !reserved_cpu(int(cpu.index)))
        next = steal(int(cpu.index));
    if (!next)
        next = cpu.idle;

    if (next == prev) {
        if (prev != cpu.idle)
            prev->state = ThreadState::Running;
        prev->se.slice_start_ns = now;
        program_timer(cs, cpu, now);
        cs.lock.unlock();
        x86::irq_restore(irq);
        return;
    }

    if (next != cpu.idle)
        next->state = ThreadState::Running;
    next->se.running = true;
    next->se.slice_start_ns = now;
    next->cpus_used |= 1ull << cpu.index;
    cpu.current = next;
    cpu.context_switches++;
    cs.switch_prev = prev;
    // Ring 3 -> ring 0 switches to TSS.RSP0 [intel/vol3 6.12.1, 8.7], SYSCALL entry to
    // Cpu::kernel_rsp: both the next thread's own kernel stack.
    if (next->stack.top) {
        cpu.tables.tss.rsp[0] = next->stack.top;
        cpu.kernel_rsp = next->stack.top;
    }
    // Each process has its own lower half; kernel threads run on the kernel's tables, so a
    // process's tables are loaded only on the CPU running it (and may be freed once it is
    // off every CPU: loading another CR3 drops its non-global TLB entries).
    uint64_t cr3 = next->user_cr3 ? next->user_cr3 : kernel_cr3();
    if (x86::read_cr3() != cr3)
        x86::write_cr3(cr3);
    asm volatile("fxsave64 %0" : "=m"(*prev->fpu));
    switch_context(&prev->rsp, next->rsp);
    finish_switch();

    // prev is running again (maybe on another CPU). If its affinity moved it, migrate now.
    x86::irq_restore(irq);
}

extern "C" [[noreturn]] void thread_start()
{
    finish_switch();
    x86::sti();
    Thread* t = current_thread();
    t->entry(t->arg);
    thread_exit(0);
}

Thread* thread_create(const char* name, ThreadEntry entry, void* arg, const ThreadOptions& opts)
{
    auto* t = new Thread;
    if (!t)
        return nullptr;
    auto stack = stack_alloc();
    if (stack.is_error()) {
        delete t;
        return nullptr;
    }
    t->stack = stack.value();
    t->id = __atomic_fetch_add(&s_next_id, 1, __ATOMIC_RELAXED);
    size_t n = 0;
    for (; name && name[n] && n + 1 < sizeof t->name; n++)
        t->name[n] = name[n];
    t->name[n] = 0;
    t->entry = entry;
    t->arg = arg;
    t->joinable = opts.joinable;
    t->se.cls = opts.cls;
    t->se.rt_priority = opts.rt_priority;
    t->se.weight = opts.weight ? opts.weight : 1024;
    t->se.affinity = opts.affinity;
    t->user_cr3 = opts.user_cr3;
    t->process = opts.process;
    copy_bytes(t->fpu, s_initial_fpu, sizeof t->fpu);

    // Initial frame for switch_context: six callee-saved registers, then the trampoline.
    // After switch_context's `ret` the trampoline runs with rsp == top (16-aligned), so its
    // `call` enters thread_start with rsp % 16 == 8, as the SysV ABI requires (SSE code in
    // portable modules uses aligned stack slots).
    auto* sp = reinterpret_cast<uint64_t*>(t->stack.top);
    *--sp = reinterpret_cast<uint64_t>(thread_trampoline);
    for (int i = 0; i < 6; i++)
        *--sp = 0;
    t->rsp = reinterpret_cast<uint64_t>(sp);

    int cpu = least_loaded_cpu(allowed_cpus(t->se));
    if (cpu < 0)
        cpu = int(this_cpu().index);
    CpuSched& cs = *s_cpu[cpu];
    {
        SpinLockIrqGuard guard(cs.lock);
        t->se.vruntime = cs.rq.min_vruntime();
        enqueue_locked(cs, cpu, t, false);
    }
    return t;
}

void thread_wake(Thread* t)
{
    bool irq = x86::irq_save();
    for (;;) {
        int cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        CpuSched& cs = *s_cpu[cpu];
        cs.lock.lock();
        if (t->cpu != cpu) { // migrated while we took the lock
            cs.lock.unlock();
            continue;
        }
        if (t->state == ThreadState::Blocked) {
            if (t->se.running) {
                // Still on its CPU before schedule(): it will see Runnable and keep going.
                t->state = ThreadState::Running;
            } else {
                int target = cpu;
                uint64_t allowed = allowed_cpus(t->se);
                if (!(allowed & (1ull << cpu)))
                    target = least_loaded_cpu(allowed);
                if (target != cpu && target >= 0) {
                    t->state = ThreadState::Runnable;
                    t->cpu = target;
                    cs.lock.unlock();
                    CpuSched& other = *s_cpu[target];
                    other.lock.lock();
                    enqueue_locked(other, target, t, true);
                    other.lock.unlock();
                    s_migrations++;
                    x86::irq_restore(irq);
                    return;
                }
                enqueue_locked(cs, cpu, t, true);
            }
        }
        cs.lock.unlock();
        x86::irq_restore(irq);
        return;
    }
}

void thread_prepare_block(uint64_t deadline_ns)
{
    Cpu& cpu = this_cpu();
    CpuSched& cs = *s_cpu[cpu.index];
    Thread* t = cpu.current;
    cs.lock.lock();
    t->state = ThreadState::Blocked;
    if (deadline_ns != UINT64_MAX) {
        t->wake_at_ns = deadline_ns;
        t->timer_cpu = int(cpu.index);
        sleepers_insert(cs, t);
    }
    cs.lock.unlock();
}

void thread_cancel_timer(Thread* t)
{
    bool irq = x86::irq_save();
    int c = __atomic_load_n(&t->timer_cpu, __ATOMIC_ACQUIRE);
    if (c >= 0) {
        CpuSched& cs = *s_cpu[c];
        cs.lock.lock();
        if (t->timer_node.is_linked())
            cs.sleepers.remove(*t);
        t->timer_cpu = -1;
        cs.lock.unlock();
    }
    x86::irq_restore(irq);
}

void thread_sleep_until(uint64_t deadline_ns)
{
    bool irq = x86::irq_save();
    if (monotonic_ns() < deadline_ns) {
        thread_prepare_block(deadline_ns);
        schedule();
        thread_cancel_timer(current_thread());
    }
    x86::irq_restore(irq);
}

void thread_sleep_ns(uint64_t ns) { thread_sleep_until(monotonic_ns() + ns); }

void thread_yield()
{
    schedule();
}

[[noreturn]] void thread_exit(int code)
{
    x86::cli();
    Thread* t = current_thread();
    t->exit_code = code;
    {
        CpuSched& cs = *s_cpu[this_cpu().index];
        cs.lock.lock();
        t->state = ThreadState::Dead;
        cs.lock.unlock();
    }
    schedule();
    panic("dead thread %u rescheduled", t->id);
}

[[noreturn]] void thread_exit_on_fault(int vector) { thread_exit(-1000 - vector); }

int thread_join(Thread* t)
{
    t->exit_wq.wait([t] { return t->exited; });
    int code = t->exit_code;
    delete t;
    return code;
}

bool thread_has_exited(Thread* t) { return __atomic_load_n(&t->exited, __ATOMIC_ACQUIRE); }

void thread_set_affinity(Thread* t, uint64_t mask)
{
    if (!mask)
        return;
    __atomic_store_n(&t->se.affinity, mask, __ATOMIC_RELEASE);
    // The running thread moves at once; any other at its next switch.
    if (t == current_thread() && !(mask & (1ull << this_cpu().index)))
        schedule();
}

bool sched_reserve_cpu(int cpu)
{
    if (cpu <= 0 || cpu >= kMaxCpus || !s_cpu[cpu] || !g_cpus[cpu].online)
        return false;
    uint64_t left = online_mask() & ~(s_reserved | (1ull << cpu));
    if (!left)
        return false;
    __atomic_or_fetch(&s_reserved, 1ull << cpu, __ATOMIC_RELAXED);
    // Normal threads queued there are taken off and woken elsewhere; the one running there
    // moves at its next switch (schedule() sees the CPU is no longer allowed), which the
    // IPI brings at once.
    Thread* moved[16];
    size_t n = 0;
    {
        CpuSched& cs = *s_cpu[cpu];
        SpinLockIrqGuard g(cs.lock);
        while (n < 16) {
            SchedEntity* se = cs.rq.first_normal();
            if (!se)
                break;
            cs.rq.dequeue(*se);
            Thread* t = reinterpret_cast<Thread*>(se);
            t->state = ThreadState::Blocked;
            moved[n++] = t;
        }
    }
    for (size_t i = 0; i < n; i++)
        thread_wake(moved[i]);
    lapic_send_ipi(g_cpus[cpu].apic_id, kVectorReschedule);
    return true;
}

uint64_t sched_reserved_cpus() { return __atomic_load_n(&s_reserved, __ATOMIC_RELAXED); }

Thread* thread_current() { return current_thread(); }
uint32_t thread_id(const Thread* t) { return t->id; }
void* thread_process(const Thread* t) { return t->process; }
const char* thread_name(const Thread* t) { return t->name; }
uint64_t thread_cpus_used(const Thread* t) { return t->cpus_used; }
uint64_t thread_cpu_time_ns(const Thread* t) { return t->cpu_time_ns; }
TimerWake thread_last_timer_wake(const Thread* t)
{
    return { t->timer_armed_ns, t->timer_fired_ns, t->timer_fired_switches };
}
uint64_t cpu_context_switches() { return this_cpu().context_switches; }
int thread_cpu(const Thread* t) { return t->cpu; }

void thread_stack_bounds(const Thread* t, uint64_t& low, uint64_t& high)
{
    if (t->stack.top) {
        low = t->stack.bottom;
        high = t->stack.top;
    } else {
        low = uint64_t(boot_stack_bottom);
        high = uint64_t(boot_stack_top);
    }
}

void timer_irq(void*)
{
    Cpu& cpu = this_cpu();
    cpu.timer_irqs++;
    cpu.timer_fired_armed = cpu.timer_armed_ns;
    cpu.timer_fired_ns = monotonic_ns();
    cpu.timer_pending = false;
    CpuSched& cs = *s_cpu[cpu.index];
    Thread* expired[16];
    size_t n_expired;
again:
    do {
        n_expired = 0;
        cs.lock.lock();
        uint64_t now = monotonic_ns();
        while (Thread* t = cs.sleepers.front()) {
            if (t->wake_at_ns > now || n_expired == 16)
                break;
            cs.sleepers.remove(*t);
            t->timer_cpu = -1;
            t->timer_armed_ns = cpu.timer_fired_armed;
            t->timer_fired_ns = cpu.timer_fired_ns;
            t->timer_fired_switches = cpu.context_switches;
            expired[n_expired++] = t;
        }
        account_current(cs, cpu, now);
        if (cpu.current != cpu.idle && cs.rq.slice_expired(cpu.current->se, now))
            cpu.need_resched = true;
        if (cpu.current == cpu.idle && !reserved_cpu(int(cpu.index))) {
            for (int i = 0; i < kMaxCpus; i++)
                if (s_cpu[i] && s_cpu[i]->rq.nr_queued())
                    cpu.need_resched = true;
        }
        cs.lock.unlock();
        for (size_t i = 0; i < n_expired; i++)
            thread_wake(expired[i]);
    } while (n_expired == 16);
    if (!cpu.need_resched) {
        cs.lock.lock();
        uint64_t now = monotonic_ns();
        Thread* s = cs.sleepers.front();
        if (s && s->wake_at_ns <= now) {
            // Due while this handler ran (the host can stop a vCPU anywhere in it): wake it
            // now, rather than re-arm for 1 ns and take another interrupt; an arming after
            // its deadline would be counted as the kernel's lateness.
            cs.lock.unlock();
            goto again;
        }
        program_timer(cs, cpu, now);
        cs.lock.unlock();
    }
}

void reschedule_ipi(void*) { this_cpu().need_resched = true; }

void scheduler_irq_exit()
{
    Cpu& cpu = this_cpu();
    if (cpu.need_resched && s_running && cpu.current)
        schedule();
}

void scheduler_init()
{
    uint32_t a, b, c, d;
    x86::cpuid(1, 0, a, b, c, d);
    fpu_enable();
    asm volatile("fxsave64 %0" : "=m"(s_initial_fpu));
    irq_register(kVectorTimer, timer_irq, nullptr);
    irq_register(kVectorReschedule, reschedule_ipi, nullptr);
}

void scheduler_cpu_init(int index)
{
    if (index != 0)
        fpu_enable();
    auto* cs = new CpuSched;
    auto* idle = new Thread;
    if (!cs || !idle)
        panic("sched: no memory for cpu %d", index);
    idle->id = 0;
    format(idle->name, sizeof idle->name, "idle/%d", index);
    idle->se.cls = SchedClass::Idle;
    idle->se.affinity = 1ull << index;
    idle->se.running = true;
    idle->state = ThreadState::Running;
    idle->cpu = index;
    copy_bytes(idle->fpu, s_initial_fpu, sizeof idle->fpu);
    Cpu& cpu = g_cpus[index];
    cpu.idle = idle;
    cpu.current = idle;
    cs->last_account_ns = monotonic_ns();
    __atomic_store_n(&s_cpu[index], cs, __ATOMIC_RELEASE);
}

[[noreturn]] void scheduler_idle_loop()
{
    if (this_cpu().index == 0)
        __atomic_store_n(&s_running, true, __ATOMIC_RELEASE);
    {
        CpuSched& cs = *s_cpu[this_cpu().index];
        SpinLockIrqGuard guard(cs.lock);
        program_timer(cs, this_cpu(), monotonic_ns());
    }
    for (;;) {
        x86::cli();
        Cpu& cpu = this_cpu();
        if (s_running && (cpu.need_resched || s_cpu[cpu.index]->rq.nr_queued())) {
            schedule();
            continue;
        }
        asm volatile("sti; hlt" ::: "memory"); // sti's shadow makes this pair atomic
    }
}

bool scheduler_running() { return s_running; }
bool panic_in_progress() { return __atomic_load_n(&s_panic, __ATOMIC_RELAXED); }
void set_panic_in_progress() { __atomic_store_n(&s_panic, true, __ATOMIC_RELAXED); }

SchedStats scheduler_stats()
{
    SchedStats s { 0, s_migrations, s_steals };
    for (int i = 0; i < kMaxCpus; i++)
        s.context_switches += g_cpus[i].context_switches;
    return s;
}

} // namespace oh::kernel
