// Kernel benchmarks: wake-up lateness of a 20 ms periodic real-time thread while every CPU
// also runs a busy normal-priority thread (`kbench=rt` or `kbench=rt:SECONDS`).
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/percpu.h"
#include "lib/cmdline/cmdline.h"
#include "kernel/console/console.h"
#include "kernel/console/shell.h"
#include "kernel/mm/memory.h"
#include "kernel/sched/sched.h"
#include "kernel/tests/ktest.h"
#include "kernel/time/time.h"

namespace oh::kernel {

namespace {

constexpr uint64_t kPeriodNs = 20'000'000;

struct RtBench {
    volatile bool stop;
    uint64_t* lateness;
    size_t count;
    size_t capacity;
};
constinit RtBench s_bench {};

void hog(void*)
{
    while (!s_bench.stop)
        x86::pause();
}

void periodic(void*)
{
    uint64_t next = monotonic_ns() + kPeriodNs;
    while (s_bench.count < s_bench.capacity) {
        thread_sleep_until(next);
        uint64_t now = monotonic_ns();
        s_bench.lateness[s_bench.count++] = now - next;
        next += kPeriodNs;
        if (next < now) // fell a whole period behind: count it, do not try to catch up
            next = now + kPeriodNs;
    }
}

void sort(uint64_t* v, size_t n)
{
    // Shell sort: n is small (1,500 for 30 s) and this runs once.
    for (size_t gap = n / 2; gap; gap /= 2)
        for (size_t i = gap; i < n; i++)
            for (size_t j = i; j >= gap && v[j - gap] > v[j]; j -= gap) {
                uint64_t t = v[j];
                v[j] = v[j - gap];
                v[j - gap] = t;
            }
}

// `load on|off`: a busy normal-priority thread on every CPU (for tests under load).
constinit volatile bool s_load_stop = false;
constinit int s_load_threads = 0;

void load_hog(void*)
{
    while (!s_load_stop)
        x86::pause();
    __atomic_fetch_sub(&s_load_threads, 1, __ATOMIC_RELAXED);
}

void cmd_load(int argc, const char* const* argv)
{
    bool on = argc > 1 && argv[1][0] == 'o' && argv[1][1] == 'n';
    if (on && s_load_threads == 0) {
        s_load_stop = false;
        int n = online_cpu_count();
        for (int i = 0; i < n; i++) {
            ThreadOptions o;
            o.affinity = 1ull << i;
            if (thread_create("load", load_hog, nullptr, o))
                __atomic_fetch_add(&s_load_threads, 1, __ATOMIC_RELAXED);
        }
        if (uint64_t r = sched_reserved_cpus())
            printk("load: %d busy threads (cpus %lx are kept for real time: theirs run on the others)\n",
                   s_load_threads, r);
        else
            printk("load: %d busy threads\n", s_load_threads);
    } else if (!on) {
        s_load_stop = true;
        printk("load: stopping\n");
    }
}

} // namespace

void kbench_register_commands() { shell_register("load", "load on|off: a busy thread on every CPU", cmd_load); }

void run_kernel_bench(std::string_view which)
{
    uint64_t seconds = 30;
    if (size_t colon = which.find(':'); colon != std::string_view::npos)
        seconds = parse_u64(which.substr(colon + 1)).value_or(30);
    s_bench.capacity = size_t(seconds * 1'000'000'000 / kPeriodNs);
    s_bench.lateness = static_cast<uint64_t*>(kmalloc(s_bench.capacity * sizeof(uint64_t)));
    s_bench.count = 0;
    s_bench.stop = false;
    int n = online_cpu_count();
    Thread* hogs[kMaxCpus];
    ThreadOptions o;
    o.joinable = true;
    for (int i = 0; i < n; i++) {
        o.affinity = 1ull << i;
        hogs[i] = thread_create("hog", hog, nullptr, o);
    }
    ThreadOptions rt;
    rt.cls = SchedClass::Realtime;
    rt.rt_priority = 30;
    rt.affinity = 1ull << (n - 1);
    rt.joinable = true;
    printk("kbench: rt: 20 ms periodic RT thread on cpu %d, %d busy normal threads, %lu s\n", n - 1, n, seconds);
    thread_join(thread_create("periodic", periodic, nullptr, rt));
    s_bench.stop = true;
    for (int i = 0; i < n; i++)
        thread_join(hogs[i]);
    sort(s_bench.lateness, s_bench.count);
    size_t c = s_bench.count;
    printk("kbench: rt_lateness_us p50=%lu p99=%lu max=%lu samples=%zu\n", s_bench.lateness[c / 2] / 1000,
           s_bench.lateness[c * 99 / 100] / 1000, s_bench.lateness[c - 1] / 1000, c);
    kfree(s_bench.lateness);
}

} // namespace oh::kernel
