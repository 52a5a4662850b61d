// In-kernel tests: scheduler priorities and preemption, sleep accuracy, locks under
// contention on every CPU, memory stress, and faults that must be caught and reported.
#include "kernel/tests/ktest.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/console/console.h"
#include "kernel/dev/random.h"
#include "kernel/mm/address_space.h"
#include "kernel/mm/layout.h"
#include "kernel/mm/memory.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/thread.h"
#include "kernel/sync/spinlock.h"
#include "kernel/sync/wait_queue.h"
#include "kernel/time/time.h"
#include "lib/bytes.h"
#include "lib/format.h"
#include "lib/random.h"

namespace oh::kernel {

namespace {

struct TestContext {
    const char* failure { nullptr };
    char detail[160] {};
};

#define KCHECK(ctx, cond, ...)                                         \
    do {                                                               \
        if (!(cond)) {                                                 \
            (ctx).failure = #cond;                                     \
            format((ctx).detail, sizeof((ctx).detail), __VA_ARGS__);   \
            return;                                                    \
        }                                                              \
    } while (0)

uint64_t all_cpus_mask()
{
    uint64_t m = 0;
    for (int i = 0; i < kMaxCpus; i++)
        if (g_cpus[i].online)
            m |= 1ull << i;
    return m;
}

Thread* spawn(const char* name, ThreadEntry fn, void* arg, SchedClass cls = SchedClass::Normal,
              uint8_t prio = 0, uint64_t affinity = ~0ull)
{
    ThreadOptions o;
    o.cls = cls;
    o.rt_priority = prio;
    o.affinity = affinity;
    o.joinable = true;
    Thread* t = thread_create(name, fn, arg, o);
    VERIFY(t);
    return t;
}

void busy_until(uint64_t deadline)
{
    while (monotonic_ns() < deadline)
        x86::pause();
}

// --- every CPU runs a thread pinned to it -------------------------------------------------
void test_smp_pinned(TestContext& ctx)
{
    static int ran_on[kMaxCpus];
    int n = online_cpu_count();
    KCHECK(ctx, n == g_cpu_count, "online %d, MADT CPUs started %d", n, g_cpu_count);
    Thread* ts[kMaxCpus];
    for (int i = 0; i < n; i++) {
        ran_on[i] = -1;
        ts[i] = spawn("pinned", [](void* a) {
            ran_on[reinterpret_cast<uintptr_t>(a)] = int(this_cpu().index);
        }, reinterpret_cast<void*>(uintptr_t(i)), SchedClass::Normal, 0, 1ull << i);
    }
    for (int i = 0; i < n; i++)
        thread_join(ts[i]);
    for (int i = 0; i < n; i++)
        KCHECK(ctx, ran_on[i] == i, "thread pinned to cpu %d ran on %d", i, ran_on[i]);
}

// --- a real-time thread preempts a busy normal thread; higher RT preempts lower RT -------
struct PrioState {
    volatile bool stop;
    volatile uint64_t normal_spins;
    volatile uint64_t low_rt_done_ns;
    volatile uint64_t high_rt_ran_ns;
    volatile uint64_t rt_wake_latency_ns;
};

void test_rt_priority(TestContext& ctx)
{
    static PrioState st;
    st = {};
    int cpu = online_cpu_count() - 1;
    uint64_t mask = 1ull << cpu;
    Thread* normal = spawn("busy-normal", [](void*) {
        while (!st.stop)
            st.normal_spins = st.normal_spins + 1;
    }, nullptr, SchedClass::Normal, 0, mask);
    thread_sleep_ns(5'000'000);
    // RT thread on the same CPU: sleeps 2 ms, measures how late it woke despite the hog.
    Thread* rt = spawn("rt-wake", [](void*) {
        uint64_t deadline = monotonic_ns() + 2'000'000;
        thread_sleep_until(deadline);
        st.rt_wake_latency_ns = monotonic_ns() - deadline;
    }, nullptr, SchedClass::Realtime, 10, mask);
    thread_join(rt);
    // Low RT busy for 30 ms; a high RT thread wakes after 5 ms and must run before low ends.
    Thread* low = spawn("rt-low", [](void*) {
        busy_until(monotonic_ns() + 30'000'000);
        st.low_rt_done_ns = monotonic_ns();
    }, nullptr, SchedClass::Realtime, 5, mask);
    Thread* high = spawn("rt-high", [](void*) {
        thread_sleep_ns(5'000'000);
        st.high_rt_ran_ns = monotonic_ns();
    }, nullptr, SchedClass::Realtime, 20, mask);
    thread_join(high);
    thread_join(low);
    st.stop = true;
    thread_join(normal);
    KCHECK(ctx, st.normal_spins > 0, "normal thread never ran");
    // Without preemption the RT thread would wait for the idle-CPU fallback timer (50 ms).
    // The bound leaves room for an emulator's host-side stalls (TCG on a busy 2-core host
    // has shown 6 ms), not for a scheduler that waits for the hog.
    KCHECK(ctx, st.rt_wake_latency_ns < 20'000'000, "RT woke %lu us late behind a busy normal thread",
           st.rt_wake_latency_ns / 1000);
    KCHECK(ctx, st.high_rt_ran_ns && st.high_rt_ran_ns < st.low_rt_done_ns,
           "high RT ran at %lu, low RT finished at %lu", st.high_rt_ran_ns, st.low_rt_done_ns);
}

// --- two normal hogs on one CPU share it --------------------------------------------------
void test_timeslice_fairness(TestContext& ctx)
{
    static volatile bool stop;
    stop = false;
    int cpu = online_cpu_count() - 1;
    auto hog = [](void*) {
        while (!stop)
            x86::pause();
    };
    Thread* a = spawn("hog-a", hog, nullptr, SchedClass::Normal, 0, 1ull << cpu);
    Thread* b = spawn("hog-b", hog, nullptr, SchedClass::Normal, 0, 1ull << cpu);
    thread_sleep_ns(300'000'000);
    uint64_t ta = thread_cpu_time_ns(a), tb = thread_cpu_time_ns(b);
    stop = true;
    thread_join(a);
    thread_join(b);
    uint64_t total = ta + tb;
    KCHECK(ctx, total > 100'000'000, "hogs ran only %lu ms in 300 ms", total / 1000000);
    KCHECK(ctx, ta * 100 / total >= 30 && tb * 100 / total >= 30, "unfair split %lu ms / %lu ms",
           ta / 1000000, tb / 1000000);
}

// --- sleep accuracy -----------------------------------------------------------------------
void sort(uint64_t* v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

// Sleeps of 0.2-0.8 ms (not multiples of any tick), each judged from its deadline. The kernel
// arms the LAPIC timer one-shot for the first sleeper's deadline, so a right sleep is late by
// the interrupt's delivery only: ~30-60 us under TCG at the median. Bounds, both 0.5 ms:
// - p50: the bulk of the wake-ups, a sleep that oversleeps by any period of 0.5 ms or more
//   (a whole tick, a timer armed one period too far) fails it;
// - p90: a sleep rounded up to the next tick of a 1 ms (or coarser) timer is late by a
//   uniform 0-1 ms, so p90 ~0.9 ms: it fails this, while its median may not fail the first.
//   Not p99 or the max: a vCPU thread preempted by the host (4 vCPUs on 2 shared cores) adds
//   1-4 ms to the one sleep in flight, a few of these 100; up to 10 are allowed here.
void test_sleep_accuracy(TestContext& ctx)
{
    constexpr int kN = 100;
    constexpr uint64_t kP50BoundNs = 500'000, kP90BoundNs = 500'000;
    uint64_t late[kN];
    for (int i = 0; i < kN; i++) {
        uint64_t want = 200'000 + uint64_t(i % 5) * 150'000; // 0.2 .. 0.8 ms
        uint64_t deadline = monotonic_ns() + want;
        thread_sleep_until(deadline);
        uint64_t now = monotonic_ns();
        KCHECK(ctx, now >= deadline, "woke %lu ns early", deadline - now);
        late[i] = now - deadline;
    }
    sort(late, kN);
    uint64_t p50 = late[kN / 2], p90 = late[kN * 9 / 10], p99 = late[kN * 99 / 100];
    printk("ktest: sleep lateness p50 %lu us, p90 %lu us, p99 %lu us, max %lu us\n", p50 / 1000, p90 / 1000,
           p99 / 1000, late[kN - 1] / 1000);
    KCHECK(ctx, p50 < kP50BoundNs, "median lateness %lu us (want under 500 us)", p50 / 1000);
    KCHECK(ctx, p90 < kP90BoundNs, "p90 lateness %lu us (want under 500 us)", p90 / 1000);
}

// A sleep whose deadline passes between its check and the scheduler's lock (the host can stop
// a vCPU anywhere) times out in place: the thread keeps its CPU, no context switch, no timer
// armed for an instant already gone (such an arming would be counted as the kernel's
// lateness by the phone's pacer). Made deterministic by blocking with a deadline of "now".
void test_sleep_deadline_passed(TestContext& ctx)
{
    static bool linked;
    static int timer_cpu;
    static uint64_t switches;
    Thread* t = spawn("late-sleep", [](void*) {
        bool irq = x86::irq_save();
        uint64_t before = cpu_context_switches();
        thread_prepare_block(monotonic_ns());
        schedule();
        switches = cpu_context_switches() - before;
        Thread* self = thread_current();
        linked = self->timer_node.is_linked();
        timer_cpu = self->timer_cpu;
        x86::irq_restore(irq);
    }, nullptr, SchedClass::Realtime, 10);
    thread_join(t);
    KCHECK(ctx, switches == 0, "%lu context switches for a sleep already due", switches);
    KCHECK(ctx, !linked && timer_cpu == -1, "still a sleeper (linked %d, timer cpu %d)", int(linked), timer_cpu);
}

// A sleeper that falls due while its CPU has interrupts off (here a busy thread; under QEMU the
// host stopping the vCPU between a timer interrupt and the reschedule it asked for) is queued
// by the next schedule() on that CPU, not left for a timer armed after its deadline.
void test_due_sleeper_woken_by_schedule(TestContext& ctx)
{
    static volatile uint64_t deadline;
    static uint64_t fired, woke;
    static volatile bool a_done;
    deadline = 0;
    a_done = false;
    uint64_t mask = 1; // both on CPU 0
    Thread* a = spawn("due-sleeper", [](void*) {
        deadline = monotonic_ns() + 3'000'000;
        thread_sleep_until(deadline);
        woke = monotonic_ns();
        fired = thread_last_timer_wake(thread_current()).fired;
        a_done = true;
    }, nullptr, SchedClass::Realtime, 20, mask);
    Thread* b = spawn("irq-off", [](void*) {
        while (!deadline)
            thread_sleep_ns(100'000);
        bool irq = x86::irq_save();
        busy_until(deadline + 1'000'000);
        schedule(); // the sleeper, higher priority and due, runs before this returns
        x86::irq_restore(irq);
    }, nullptr, SchedClass::Realtime, 10, mask);
    thread_join(b);
    thread_join(a);
    KCHECK(ctx, a_done && woke >= deadline, "sleeper woke %ld us before its deadline", long(deadline - woke) / 1000);
    KCHECK(ctx, fired < deadline, "woken by a timer interrupt %lu us after its deadline, not by schedule()",
           (fired - deadline) / 1000);
}

// --- spinlock and mutex under contention on every CPU -------------------------------------
struct LockState {
    SpinLock spin;
    Mutex mutex;
    uint64_t spin_counter;
    uint64_t mutex_counter;
    volatile int go;
};
constexpr int kSpinIters = 100000;
constexpr int kMutexIters = 5000;

void test_lock_contention(TestContext& ctx)
{
    static LockState st;
    st.spin_counter = st.mutex_counter = 0;
    st.go = 0;
    int n = online_cpu_count();
    Thread* ts[kMaxCpus * 2];
    for (int i = 0; i < n; i++) {
        ts[i] = spawn("spin", [](void*) {
            while (!st.go)
                x86::pause();
            for (int k = 0; k < kSpinIters; k++) {
                SpinLockIrqGuard g(st.spin);
                // Non-atomic read-modify-write: only mutual exclusion keeps it exact.
                uint64_t v = st.spin_counter;
                asm volatile("" ::: "memory");
                st.spin_counter = v + 1;
            }
        }, nullptr, SchedClass::Normal, 0, 1ull << i);
        ts[n + i] = spawn("mutex", [](void*) {
            while (!st.go)
                x86::pause();
            for (int k = 0; k < kMutexIters; k++) {
                MutexGuard g(st.mutex);
                uint64_t v = st.mutex_counter;
                if (k % 64 == 0)
                    thread_yield(); // sleep while holding it now and then
                st.mutex_counter = v + 1;
            }
        }, nullptr, SchedClass::Normal, 0, 1ull << i);
    }
    st.go = 1;
    for (int i = 0; i < 2 * n; i++)
        thread_join(ts[i]);
    KCHECK(ctx, st.spin_counter == uint64_t(n) * kSpinIters, "spin counter %lu, want %lu",
           st.spin_counter, uint64_t(n) * kSpinIters);
    KCHECK(ctx, st.mutex_counter == uint64_t(n) * kMutexIters, "mutex counter %lu, want %lu",
           st.mutex_counter, uint64_t(n) * kMutexIters);
}

// --- semaphores: ping-pong across CPUs, and timeouts --------------------------------------
void test_semaphore(TestContext& ctx)
{
    static Semaphore ping(0), pong(0);
    static volatile int rounds;
    rounds = 0;
    int n = online_cpu_count();
    Thread* t = spawn("pong", [](void*) {
        for (int i = 0; i < 1000; i++) {
            ping.down();
            rounds = rounds + 1;
            pong.up();
        }
    }, nullptr, SchedClass::Normal, 0, 1ull << (n - 1));
    for (int i = 0; i < 1000; i++) {
        ping.up();
        pong.down();
    }
    thread_join(t);
    KCHECK(ctx, rounds == 1000, "rounds %d", rounds);
    uint64_t start = monotonic_ns();
    bool got = pong.down_timeout(start + 20'000'000);
    uint64_t waited = monotonic_ns() - start;
    KCHECK(ctx, !got, "down_timeout succeeded on an empty semaphore");
    KCHECK(ctx, waited >= 20'000'000 && waited < 200'000'000, "timeout after %lu ms", waited / 1000000);
}

// --- memory stress on every CPU -----------------------------------------------------------
void test_memory_stress(TestContext& ctx)
{
    static volatile int errors;
    errors = 0;
    int n = online_cpu_count();
    Thread* ts[kMaxCpus];
    // Stacks come from frames the first time and are kept in a cache when their thread ends
    // (kernel/mm/memory.cpp: freed stacks keep their pages). Run n threads at once first, so
    // the workers' stacks come from that cache and every frame counted below is the test's.
    static volatile bool warm_go;
    warm_go = false;
    for (int i = 0; i < n; i++)
        ts[i] = spawn("mem-warm", [](void*) {
            while (!warm_go)
                x86::pause();
        }, nullptr);
    warm_go = true;
    for (int i = 0; i < n; i++)
        thread_join(ts[i]);
    HeapStats before = heap_stats();
    size_t frames_before = frames_free();
    for (int i = 0; i < n; i++) {
        ts[i] = spawn("mem", [](void* arg) {
            Xoshiro128 rng(reinterpret_cast<uintptr_t>(arg) + 1);
            constexpr int kSlots = 64;
            uint8_t* ptr[kSlots] = {};
            size_t len[kSlots] = {};
            for (int it = 0; it < 20000; it++) {
                int s = int(rng.next_u32() % kSlots);
                if (ptr[s]) {
                    uint8_t pat = uint8_t(uintptr_t(ptr[s]) >> 4);
                    for (size_t k = 0; k < len[s]; k++)
                        if (ptr[s][k] != pat) {
                            errors = errors + 1;
                            break;
                        }
                    kfree(ptr[s]);
                    ptr[s] = nullptr;
                } else {
                    len[s] = 1 + rng.next_u32() % 4096;
                    ptr[s] = static_cast<uint8_t*>(kmalloc(len[s]));
                    if (!ptr[s]) {
                        errors = errors + 1;
                        continue;
                    }
                    uint8_t pat = uint8_t(uintptr_t(ptr[s]) >> 4);
                    for (size_t k = 0; k < len[s]; k++)
                        ptr[s][k] = pat;
                }
                if (it % 1000 == 0) {
                    size_t count = 1 + rng.next_u32() % 4;
                    auto f = frame_alloc(count);
                    if (f.is_error())
                        errors = errors + 1;
                    else
                        frame_free(f.value(), count);
                }
            }
            for (auto* p : ptr)
                kfree(p);
        }, reinterpret_cast<void*>(uintptr_t(i)), SchedClass::Normal, 0, 1ull << i);
    }
    for (int i = 0; i < n; i++)
        thread_join(ts[i]);
    HeapStats after = heap_stats();
    KCHECK(ctx, errors == 0, "%d corrupted or failed allocations", errors);
    KCHECK(ctx, heap_check(), "heap tags corrupted");
    KCHECK(ctx, after.allocations == before.allocations, "leaked %zu allocations",
           after.allocations - before.allocations);
    // Every frame_alloc above has its frame_free and the heap is a fixed region: exact.
    size_t frames_after = frames_free();
    KCHECK(ctx, frames_after == frames_before, "frames free %zu before, %zu after",
           frames_before, frames_after);
}

// --- work stealing spreads threads that all started on one CPU ----------------------------
// Placement at creation would spread them by itself (least_loaded_cpu), so every worker is
// created pinned to CPU 0 and only then allowed everywhere: busy threads never sleep, so no
// wake-up re-places them, and the only way off CPU 0 is an idle CPU stealing from its queue.
void test_load_balance(TestContext& ctx)
{
    static volatile bool stop;
    stop = false;
    int n = online_cpu_count();
    uint64_t want = all_cpus_mask() & ~sched_reserved_cpus();
    Thread* ts[kMaxCpus * 2];
    auto spin = [](void*) {
        while (!stop)
            x86::pause();
    };
    for (int i = 0; i < 2 * n; i++)
        ts[i] = spawn("spread", spin, nullptr, SchedClass::Normal, 0, 1ull << 0);
    thread_sleep_ns(50'000'000);
    uint64_t pinned = 0;
    for (int i = 0; i < 2 * n; i++)
        pinned |= thread_cpus_used(ts[i]);
    SchedStats s0 = scheduler_stats();
    for (int i = 0; i < 2 * n; i++)
        thread_set_affinity(ts[i], ~0ull);
    thread_sleep_ns(300'000'000);
    SchedStats s1 = scheduler_stats();
    stop = true;
    uint64_t used = 0;
    for (int i = 0; i < 2 * n; i++) {
        used |= thread_cpus_used(ts[i]);
        thread_join(ts[i]);
    }
    KCHECK(ctx, pinned == 1, "pinned workers ran on cpus %lx, want only cpu 0", pinned);
    KCHECK(ctx, used == want, "busy threads used cpus %lx of %lx", used, want);
    // Each other CPU got its work by stealing at least once.
    uint64_t others = 0;
    for (uint64_t m = want & ~1ull; m; m &= m - 1)
        others++;
    KCHECK(ctx, s1.steals - s0.steals >= others, "%lu steals for %lu other cpus", s1.steals - s0.steals, others);
}

// --- faults in a thread are reported and end only that thread -----------------------------
[[gnu::noinline]] void fault_null_write(void*)
{
    *reinterpret_cast<volatile uint64_t*>(uintptr_t(8)) = 42;
}
[[gnu::noinline]] void fault_invalid_opcode(void*) { asm volatile("ud2"); }
[[gnu::noinline]] uint64_t recurse(uint64_t n)
{
    volatile uint8_t pad[512];
    pad[0] = uint8_t(n);
    return recurse(n + 1) + pad[0];
}
void fault_stack_overflow(void*) { recurse(0); }

void test_fault_reported(TestContext& ctx)
{
    struct Case {
        ThreadEntry fn;
        int want;
    } cases[] = {
        { fault_null_write, -1000 - 14 },
        { fault_invalid_opcode, -1000 - 6 },
        { fault_stack_overflow, -1000 - 8 }, // guard page -> #PF cannot push -> #DF on IST
    };
    for (auto& c : cases) {
        int code = thread_join(spawn("faulty", c.fn, nullptr));
        KCHECK(ctx, code == c.want, "faulting thread exit code %d, want %d", code, c.want);
    }
    // The kernel still schedules normally afterwards.
    static volatile bool ran;
    ran = false;
    thread_join(spawn("after", [](void*) { ran = true; }, nullptr));
    KCHECK(ctx, ran, "scheduler stuck after faults");
}

// --- a new thread starts on an ABI-aligned stack ------------------------------------------
[[gnu::noinline]] void record_frame_alignment(void* out)
{
    // With frame pointers, rbp = entry rsp - 8, which is 16-aligned when the caller kept
    // rsp % 16 == 0 at the call, as the SysV ABI requires (SSE spills rely on it).
    *static_cast<uint64_t*>(out) = reinterpret_cast<uint64_t>(__builtin_frame_address(0)) % 16;
}

void test_stack_alignment(TestContext& ctx)
{
    static uint64_t misalign;
    misalign = 99;
    thread_join(spawn("aligned", [](void*) { record_frame_alignment(&misalign); }, nullptr));
    KCHECK(ctx, misalign == 0, "frame address %% 16 = %lu", misalign);
}

// --- the kernel DRBG from every CPU at once -------------------------------------------------
// Without its lock two CPUs would run the block function on the same key and hand out the
// same value; 64-bit draws make a chance repeat among 4096 of them a 2^-41 event.
void test_random_concurrent(TestContext& ctx)
{
    constexpr int kPerThread = 1024;
    static uint64_t draws[kMaxCpus][kPerThread];
    static volatile bool go;
    go = false;
    int n = online_cpu_count();
    Thread* ts[kMaxCpus];
    for (int i = 0; i < n; i++)
        ts[i] = spawn("rand", [](void* arg) {
            while (!go)
                x86::pause();
            uint64_t* out = draws[reinterpret_cast<uintptr_t>(arg)];
            for (int k = 0; k < kPerThread; k++)
                out[k] = (uint64_t(kernel_random().next_u32()) << 32) | kernel_random().next_u32();
        }, reinterpret_cast<void*>(uintptr_t(i)), SchedClass::Normal, 0, 1ull << i);
    go = true;
    for (int i = 0; i < n; i++)
        thread_join(ts[i]);
    int repeats = 0;
    const uint64_t* all = &draws[0][0];
    int total = n * kPerThread;
    for (int a = 0; a < total; a++)
        for (int b = a + 1; b < total; b++)
            repeats += all[a] == all[b];
    KCHECK(ctx, repeats == 0, "%d repeated values among %d draws", repeats, total);
}

struct TestCase {
    const char* name;
    void (*fn)(TestContext&);
};

// copy_from_user/copy_to_user on an address space that never runs: permissions per page,
// ranges that cross into a read-only page, a hole, the null page, the kernel half, the end
// of the user half and wrap-around are refused; every frame comes back on destroy().
void test_usercopy(TestContext& ctx)
{
    size_t frames_before = frames_free();
    auto made = AddressSpace::create();
    KCHECK(ctx, made.has_value(), "no address space");
    AddressSpace* as = made.value();
    constexpr uint64_t kRw = 0x400000, kRo = 0x401000; // then a hole at 0x402000
    auto rw = as->map_new_page(kRw, UserPerm::ReadWrite);
    auto ro = as->map_new_page(kRo, UserPerm::ReadOnly);
    KCHECK(ctx, rw.has_value() && ro.has_value(), "mapping failed");
    KCHECK(ctx, as->map_new_page(kRw, UserPerm::ReadOnly).error() == Error::Exists, "mapped twice");
    static const char kMsg[] = "across the page boundary";
    const uint64_t at = kRo - 8;
    KCHECK(ctx, copy_to_user(*as, at, kMsg, sizeof kMsg).is_error(), "write into a read-only page accepted");
    KCHECK(ctx, rw.value()[kPageSize - 8] == 0, "a refused copy wrote part of its bytes");
    KCHECK(ctx, copy_to_user(*as, at, kMsg, 8).has_value(), "write into a writable page refused");
    copy_bytes(ro.value(), kMsg + 8, sizeof kMsg - 8); // what the loader does for read-only pages
    char back[sizeof kMsg] {};
    KCHECK(ctx, copy_from_user(*as, back, at, sizeof kMsg).has_value(), "read across two pages refused");
    KCHECK(ctx, compare_bytes(back, kMsg, sizeof kMsg) == 0, "read back '%s'", back);
    KCHECK(ctx, copy_from_user(*as, back, kRo + kPageSize - 4, 8).is_error(), "read into a hole accepted");
    KCHECK(ctx, copy_from_user(*as, back, 0, 1).is_error(), "read of the null page accepted");
    KCHECK(ctx, copy_from_user(*as, back, uint64_t(&kMsg), 8).is_error(), "read of the kernel image accepted");
    KCHECK(ctx, copy_from_user(*as, back, 0xffff800000100000ull, 8).is_error(), "read of the direct map accepted");
    KCHECK(ctx, copy_from_user(*as, back, kUserTop - 4, 8).is_error(), "read past the user half accepted");
    KCHECK(ctx, copy_from_user(*as, back, ~0ull - 3, 8).is_error(), "wrapping read accepted");
    KCHECK(ctx, as->lookup(kRo, UserAccess::Write) == 0 && as->lookup(kRo, UserAccess::Read) != 0,
           "lookup ignores the write bit");
    as->destroy();
    KCHECK(ctx, frames_free() == frames_before, "frames leaked: %zu free before, %zu after", frames_before,
           frames_free());
}

constexpr TestCase kTests[] = {
    { "smp_pinned", test_smp_pinned },
    { "stack_alignment", test_stack_alignment },
    { "rt_priority", test_rt_priority },
    { "timeslice_fairness", test_timeslice_fairness },
    { "sleep_accuracy", test_sleep_accuracy },
    { "sleep_deadline_passed", test_sleep_deadline_passed },
    { "due_sleeper_woken_by_schedule", test_due_sleeper_woken_by_schedule },
    { "lock_contention", test_lock_contention },
    { "semaphore", test_semaphore },
    { "memory_stress", test_memory_stress },
    { "load_balance", test_load_balance },
    { "random_concurrent", test_random_concurrent },
    { "fault_reported", test_fault_reported },
    { "usercopy", test_usercopy },
};

bool selected(std::string_view which, std::string_view name)
{
    if (which == "all" || which.empty())
        return true;
    while (!which.empty()) {
        size_t comma = which.find(',');
        if (which.substr(0, comma) == name)
            return true;
        if (comma == std::string_view::npos)
            break;
        which.remove_prefix(comma + 1);
    }
    return false;
}

} // namespace

int run_kernel_tests(std::string_view which)
{
    int passed = 0, failed = 0;
    for (const auto& t : kTests) {
        if (!selected(which, t.name))
            continue;
        TestContext ctx;
        uint64_t start = monotonic_ns();
        t.fn(ctx);
        uint64_t ms = (monotonic_ns() - start) / 1000000;
        if (ctx.failure) {
            failed++;
            printk("ktest: FAIL %s: %s (%s) after %lu ms\n", t.name, ctx.detail, ctx.failure, ms);
        } else {
            passed++;
            printk("ktest: PASS %s (%lu ms)\n", t.name, ms);
        }
    }
    printk("ktest: done, %d passed, %d failed\n", passed, failed);
    return failed;
}

} // namespace oh::kernel
