// Serial shell: COM1 receive interrupt -> ring buffer -> shell thread -> command table.
#include "kernel/console/shell.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/arch/x86_64/ioapic.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/console/console.h"
#include "kernel/kernel.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/layout.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/wait_queue.h"
#include "kernel/time/time.h"
#include "lib/ring_buffer.h"

namespace oh::kernel {

namespace {

constexpr size_t kMaxCommands = 48;
constexpr size_t kLineMax = 160;
constexpr uint8_t kComIrq = 4;

struct Entry {
    const char* name;
    const char* help;
    ShellCommand fn;
};

constinit Entry s_commands[kMaxCommands] {};
constinit size_t s_command_count = 0;
constinit SpinLock s_table_lock;

constinit SpinLock s_rx_lock;
constinit RingBuffer<char, 256> s_rx;
constinit uint64_t s_rx_overruns = 0;
constinit Semaphore s_rx_ready(0);

// Bytes for programs reading the console (shell_read_input), and how many read now.
constinit SpinLock s_prog_lock;
constinit RingBuffer<char, 256> s_prog_rx;
constinit Semaphore s_prog_ready(0);
constinit int s_prog_readers = 0;
constinit bool s_console_owned = false;
// The kernel console shows its "> " prompt only once it has the console: when the boot has
// no user shell or the user shell cannot start (then it is the emergency console). Before
// that, during the boot, it reads and runs what is typed but prints no prompt, so nothing
// of its own lands in the middle of the boot's lines or ahead of sh's "$ ".
constinit bool s_kernel_console = false;
constinit bool s_prompt_due = false;

// The shell thread hands a typed byte to a waiting program; false when none waits.
bool give_to_program(char c)
{
    if (!__atomic_load_n(&s_prog_readers, __ATOMIC_ACQUIRE) && !__atomic_load_n(&s_console_owned, __ATOMIC_ACQUIRE))
        return false;
    if (c == '\r')
        c = '\n';
    {
        SpinLockIrqGuard g(s_prog_lock);
        if (!s_prog_rx.push(c))
            return true; // a reader that does not keep up loses bytes, not the shell
    }
    printk("%c", c);
    s_prog_ready.up();
    return true;
}

bool str_eq(const char* a, const char* b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

void com_irq(void*)
{
    // The IRQ (on the BSP) and the shell thread's poll (anywhere) both drain the UART: the
    // read and the push stay under one lock, or two CPUs could queue bytes out of order.
    bool any = false;
    {
        SpinLockIrqGuard g(s_rx_lock);
        for (int c; (c = console_getc_nonblock()) >= 0;) {
            if (!s_rx.push(char(c)))
                s_rx_overruns++;
            any = true;
        }
    }
    if (any)
        s_rx_ready.up();
}

void cmd_help(int, const char* const*)
{
    for (size_t i = 0; i < s_command_count; i++)
        printk("  %-10s %s\n", s_commands[i].name, s_commands[i].help);
}

void cmd_uptime(int, const char* const*)
{
    uint64_t ms = monotonic_ns() / 1000000;
    printk("uptime %lu.%03lu s\n", ms / 1000, ms % 1000);
}

void cmd_cpus(int, const char* const*)
{
    for (int i = 0; i < kMaxCpus; i++) {
        Cpu& c = g_cpus[i];
        if (!c.online)
            continue;
        printk("cpu%d apic %u irqs %lu timer %lu switches %lu idle %lu ms\n", i, c.apic_id, c.irq_count,
               c.timer_irqs, c.context_switches, c.idle_ns / 1000000);
    }
    SchedStats s = scheduler_stats();
    printk("migrations %lu steals %lu\n", s.migrations, s.steals);
}

void cmd_mem(int, const char* const*)
{
    HeapStats h = heap_stats();
    printk("frames free %zu of %zu (%zu MiB free); heap used %zu free %zu in %zu allocations\n", frames_free(),
           frames_total(), frames_free() * kPageSize >> 20, h.bytes_used, h.bytes_free, h.allocations);
}

void cmd_exit(int argc, const char* const* argv)
{
    int code = 0;
    if (argc > 1 && argv[1][0] >= '0' && argv[1][0] <= '9')
        code = argv[1][0] - '0';
    kernel_exit(code);
}

void shell_thread(void*)
{
    char line[kLineMax];
    size_t len = 0;
    for (;;) {
        s_rx_ready.down_timeout(monotonic_ns() + 50'000'000);
        com_irq(nullptr); // also poll: covers a missed edge and UARTs without an IRQ line
        if (__atomic_exchange_n(&s_prompt_due, false, __ATOMIC_ACQ_REL) &&
            !__atomic_load_n(&s_console_owned, __ATOMIC_ACQUIRE))
            printk("> ");
        for (;;) {
            char c;
            {
                SpinLockIrqGuard g(s_rx_lock);
                if (!s_rx.pop(c))
                    break;
            }
            if (give_to_program(c))
                continue;
            if (c == '\r' || c == '\n') {
                printk("\n");
                line[len] = 0;
                if (len)
                    shell_execute(line);
                len = 0;
                if (__atomic_load_n(&s_kernel_console, __ATOMIC_ACQUIRE) &&
                    !__atomic_load_n(&s_console_owned, __ATOMIC_ACQUIRE))
                    printk("> ");
            } else if ((c == 8 || c == 127) && len) {
                len--;
                printk("\b \b");
            } else if (c >= 32 && c < 127 && len + 1 < kLineMax) {
                line[len++] = c;
                printk("%c", c);
            }
        }
    }
}

} // namespace

bool shell_register(const char* name, const char* help, ShellCommand fn)
{
    SpinLockIrqGuard g(s_table_lock);
    if (s_command_count == kMaxCommands)
        return false;
    s_commands[s_command_count++] = { name, help, fn };
    return true;
}

int shell_split(char* line, const char* (&argv)[kShellMaxArgs + 1])
{
    int argc = 0;
    for (char* p = line; *p && argc < int(kShellMaxArgs);) {
        while (*p == ' ')
            *p++ = 0;
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    return argc;
}

bool shell_run_command(char* line)
{
    const char* argv[kShellMaxArgs + 1] = {};
    int argc = shell_split(line, argv);
    if (!argc)
        return true;
    ShellCommand fn = nullptr;
    {
        SpinLockIrqGuard g(s_table_lock);
        for (size_t i = 0; i < s_command_count && !fn; i++)
            if (str_eq(s_commands[i].name, argv[0]))
                fn = s_commands[i].fn;
    }
    if (!fn)
        return false;
    fn(argc, argv);
    return true;
}

void shell_execute(char* line)
{
    char first[24] {};
    const char* w = line;
    while (*w == ' ')
        w++;
    for (size_t i = 0; i + 1 < sizeof first && w[i] && w[i] != ' '; i++)
        first[i] = w[i];
    if (!shell_run_command(line))
        printk("unknown command '%s' (try help)\n", first);
}

size_t shell_read_input(char* buf, size_t len)
{
    if (!len)
        return 0;
    __atomic_add_fetch(&s_prog_readers, 1, __ATOMIC_ACQ_REL);
    size_t n = 0;
    while (!n) {
        {
            SpinLockIrqGuard g(s_prog_lock);
            while (n < len && s_prog_rx.pop(buf[n]))
                n++;
        }
        if (!n)
            s_prog_ready.down();
    }
    __atomic_sub_fetch(&s_prog_readers, 1, __ATOMIC_ACQ_REL);
    return n;
}

void shell_set_console_owned(bool owned) { __atomic_store_n(&s_console_owned, owned, __ATOMIC_RELEASE); }

void shell_take_console()
{
    __atomic_store_n(&s_console_owned, false, __ATOMIC_RELEASE);
    __atomic_store_n(&s_kernel_console, true, __ATOMIC_RELEASE);
    __atomic_store_n(&s_prompt_due, true, __ATOMIC_RELEASE);
    s_rx_ready.up();
}

void shell_start()
{
    shell_register("help", "list commands", cmd_help);
    shell_register("uptime", "time since boot", cmd_uptime);
    shell_register("cpus", "per-CPU interrupt and scheduling counters", cmd_cpus);
    shell_register("mem", "physical memory and heap", cmd_mem);
    shell_register("exit", "power off QEMU: exit [code]", cmd_exit);
    // COM1 "data available" interrupt [16550 IER bit 0]; OUT2 was set at init.
    x86::outb(0x3f8 + 1, 0x01);
    irq_register(uint8_t(kIrqVectorBase + kComIrq), com_irq, nullptr);
    ioapic_route_isa(kComIrq, uint8_t(kIrqVectorBase + kComIrq), g_cpus[0].apic_id);
    ThreadOptions o;
    thread_create("shell", shell_thread, nullptr, o);
}

} // namespace oh::kernel
