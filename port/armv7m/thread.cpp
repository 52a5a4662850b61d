// Scheduler glue: thread table, run queue, sleeping, events, and the PendSV switch hook.
#include "port/armv7m/thread.h"

#include "lib/bytes.h"
#include "port/armv7m/console.h"
#include "port/armv7m/cpu.h"
#include "port/armv7m/scs.h"
#include "port/armv7m/systick.h"

namespace oh::arm {

namespace {

constexpr uint32_t kCanary = 0xC0DEF00Du;
constexpr uint32_t kStackFill = 0x5A5A5A5Au;
constexpr uint32_t kXpsrThumb = 1u << 24;
constexpr uint32_t kExcReturnThreadPsp = 0xFFFFFFFDu; // §B1.5.8: thread mode, PSP, no FP frame

constinit Thread s_idle;
constinit Thread* s_threads[kMaxThreads] {};
constinit size_t s_thread_count = 0;
constinit Thread* s_current = nullptr;
constinit RunQueue s_rq;
constinit Nanoseconds s_last_switch = 0;
constinit Nanoseconds s_last_tick = 0;

void request_switch()
{
    scs::reg32(scs::kIcsr) = scs::kIcsrPendSvSet;
    dsb();
    isb();
}

Thread* thread_of(SchedEntity* entity)
{
    for (size_t i = 0; i < s_thread_count; i++)
        if (&s_threads[i]->entity == entity)
            return s_threads[i];
    return nullptr;
}

// With interrupts masked: makes `t` runnable and asks for a switch when it outranks current.
void make_ready(Thread& t)
{
    t.state = ThreadState::Ready;
    t.wake_at = kForever;
    s_rq.enqueue(t.entity, true);
    if (s_current == &s_idle || s_rq.should_preempt(s_current->entity, t.entity))
        request_switch();
}

void thread_exit()
{
    {
        IrqGuard guard;
        s_current->state = ThreadState::Exited;
        request_switch();
    }
    for (;;)
        wfi();
}

} // namespace

void scheduler_init()
{
    s_idle.name = "idle";
    s_idle.entity.cls = SchedClass::Idle;
    s_idle.state = ThreadState::Running;
    s_current = &s_idle;
    s_last_switch = monotonic_ns();
}

void thread_start(Thread& t, const ThreadParams& p)
{
    if (s_thread_count == kMaxThreads || p.stack.size() < 64)
        panic("thread_start(%s): no slot or stack too small", p.name);
    for (auto& w : p.stack)
        w = kStackFill;
    p.stack[0] = kCanary;
    // Initial frame, top down: the hardware frame that exception return pops (§B1.5.7)
    // then the r4-r11 + EXC_RETURN block that our PendSV handler pops.
    uint32_t* sp = p.stack.data() + (p.stack.size() & ~size_t(1));
    *--sp = kXpsrThumb;
    *--sp = uint32_t(reinterpret_cast<uintptr_t>(p.entry)) | 1;
    *--sp = uint32_t(reinterpret_cast<uintptr_t>(&thread_exit)) | 1; // LR: entry returned
    *--sp = 0;                                                       // r12
    *--sp = 0;                                                       // r3
    *--sp = 0;                                                       // r2
    *--sp = 0;                                                       // r1
    *--sp = uint32_t(reinterpret_cast<uintptr_t>(p.arg));            // r0
    *--sp = kExcReturnThreadPsp;
    for (int r = 11; r >= 4; r--)
        *--sp = 0;
    t.sp = sp;
    t.name = p.name;
    t.stack = p.stack;
    t.entity.cls = p.cls;
    t.entity.rt_priority = p.rt_priority;
    IrqGuard guard;
    t.entity.vruntime = s_rq.min_vruntime();
    s_threads[s_thread_count++] = &t;
    make_ready(t);
}

Thread& current_thread() { return *s_current; }

void thread_yield()
{
    request_switch();
}

void sleep_until(Nanoseconds deadline)
{
    {
        IrqGuard guard;
        if (deadline <= monotonic_ns())
            return;
        s_current->wake_at = deadline;
        s_current->state = ThreadState::Sleeping;
        request_switch();
    }
    // PendSV is taken here, as soon as the guard unmasks interrupts.
}

void sleep_for(Nanoseconds duration) { sleep_until(monotonic_ns() + duration); }

void scheduler_tick(Nanoseconds now)
{
    IrqGuard guard;
    Nanoseconds gap = s_last_tick ? now - s_last_tick : kTickNs;
    s_last_tick = now;
    for (size_t i = 0; i < s_thread_count; i++) {
        Thread& t = *s_threads[i];
        if ((t.state == ThreadState::Sleeping || t.state == ThreadState::Blocked) && t.wake_at <= now) {
            t.woken_at = now;
            t.woken_tick_gap = gap;
            make_ready(t);
        }
    }
    if (s_current != &s_idle && s_current->state == ThreadState::Running) {
        s_rq.account(s_current->entity, now - s_last_switch);
        s_last_switch = now;
        if (s_rq.slice_expired(s_current->entity, now))
            request_switch();
    }
}

bool stacks_intact()
{
    for (size_t i = 0; i < s_thread_count; i++)
        if (s_threads[i]->stack[0] != kCanary)
            return false;
    return true;
}

size_t stack_unused_words(const Thread& t)
{
    size_t n = 0;
    while (n + 1 < t.stack.size() && t.stack[n + 1] == kStackFill)
        n++;
    return n;
}

StackUse thread_stack_use(const Thread& t)
{
    return { 4 * (t.stack.size() - stack_unused_words(t)), 4 * t.stack.size() };
}

bool Event::wait_until(Nanoseconds deadline)
{
    {
        IrqGuard guard;
        if (!m_signalled) {
            m_waiter = s_current;
            s_current->wake_at = deadline;
            s_current->state = ThreadState::Blocked;
            request_switch();
        }
    }
    IrqGuard guard;
    m_waiter = nullptr;
    bool signalled = m_signalled;
    m_signalled = false;
    return signalled;
}

void Event::signal()
{
    IrqGuard guard;
    m_signalled = true;
    if (m_waiter && m_waiter->state == ThreadState::Blocked)
        make_ready(*m_waiter);
}

} // namespace oh::arm

// Called from PendSV_Handler (context.S) with the outgoing thread's saved PSP; returns the
// PSP of the thread to resume. Interrupts are masked around the call.
extern "C" uint32_t* oh_arm_switch(uint32_t* sp)
{
    using namespace oh::arm;
    Thread* prev = s_current;
    prev->sp = sp;
    oh::Nanoseconds now = monotonic_ns();
    if (prev != &s_idle) {
        s_rq.account(prev->entity, now - s_last_switch);
        prev->entity.running = false;
        if (prev->state == ThreadState::Running) {
            prev->state = ThreadState::Ready;
            s_rq.enqueue(prev->entity);
        }
    }
    Thread* next = &s_idle;
    if (auto* e = s_rq.pick_next())
        next = thread_of(e);
    if (!next)
        next = &s_idle;
    next->state = ThreadState::Running;
    next->entity.running = true;
    next->entity.slice_start_ns = now;
    if (next != prev)
        next->switches++;
    s_last_switch = now;
    s_current = next;
    return next->sp;
}
