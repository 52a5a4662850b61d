// Starting programs at boot (`run=` and `bg=` on the command line) and from the shell.
#include "kernel/console/console.h"
#include "kernel/console/shell.h"
#include "kernel/proc/process.h"
#include "kernel/sched/sched.h"
#include "kernel/syscall/syscall.h"
#include "lib/cmdline/cmdline.h"

namespace oh::kernel {

namespace {

constexpr size_t kMaxBackground = 4;
constinit char s_bg_names[kMaxBackground][24] {};

// Calls fn(name) for each word of a comma-separated list.
template<typename F>
void each_name(std::string_view list, F fn)
{
    while (!list.empty()) {
        size_t comma = list.find(',');
        std::string_view name = list.substr(0, comma);
        if (!name.empty())
            fn(name);
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
}

void background_main(void* arg) { process_run(static_cast<const char*>(arg)); }

constinit char s_init_name[24] {};
constinit uint32_t s_console_pid = 0;

// init=PROGRAM (sh unless the command line names another, or init=none): the console's user
// shell, started again when it ends; the kernel's shell stays underneath as the emergency
// console (it reads whenever no program owns the console, e.g. when sh cannot start).
void init_main(void*)
{
    for (int starts = 0;; starts++) {
        shell_set_console_owned(true);
        auto p = process_spawn(s_init_name);
        if (p.is_error()) { // could not start at all: no use retrying
            printk("user: init '%s' cannot start (%s); the kernel console stays\n", s_init_name, p.error_info().text());
            shell_take_console();
            return;
        }
        __atomic_store_n(&s_console_pid, p.value()->pid, __ATOMIC_RELEASE);
        int code = process_wait(p.value());
        __atomic_store_n(&s_console_pid, 0, __ATOMIC_RELEASE);
        // A quick restart keeps the console for the next one (typed bytes wait for it); one
        // that keeps ending hands it to the kernel console between its tries.
        printk("user: init '%s' ended (%d); starting it again\n", s_init_name, code);
        if (starts >= 3)
            shell_take_console();
        thread_sleep_ns(starts < 3 ? 100'000'000ull : 2'000'000'000ull);
    }
}

void cmd_run(int argc, const char* const* argv)
{
    if (argc < 2) {
        printk("usage: run PROGRAM\n");
        return;
    }
    process_run(argv[1]);
}

void cmd_progs(int, const char* const*)
{
    for (size_t i = 0; i < program_count(); i++) {
        std::string_view n = program_name(i);
        printk("  %.*s (%zu bytes)\n", int(n.size()), n.data(), program_image(n).size());
    }
    SyscallStats st = syscall_stats();
    printk("system calls %lu, refused %lu\n", st.calls, st.refused);
}

} // namespace

uint32_t console_shell_pid() { return __atomic_load_n(&s_console_pid, __ATOMIC_ACQUIRE); }

void processes_boot(const CommandLine& cl)
{
    shell_register("run", "run a user program and wait for it: run NAME", cmd_run);
    shell_register("progs", "the user programs (boot modules), system call counts", cmd_progs);
    // bg=a,b: started and left running, each waited for by its own kernel thread.
    size_t bg = 0;
    each_name(cl.get_or("bg", ""), [&](std::string_view name) {
        if (bg == kMaxBackground)
            return;
        size_t n = name.size() < sizeof s_bg_names[bg] - 1 ? name.size() : sizeof s_bg_names[bg] - 1;
        for (size_t i = 0; i < n; i++)
            s_bg_names[bg][i] = name[i];
        s_bg_names[bg][n] = 0;
        thread_create("bg-wait", background_main, s_bg_names[bg]);
        bg++;
    });
    // run=a,b: one after the other, each waited for; a killed one does not stop the rest.
    bool any = false;
    each_name(cl.get_or("run", ""), [&](std::string_view name) {
        process_run(name);
        any = true;
    });
    if (any)
        printk("user: run= done\n");
    // Then the user shell owns the console (after run=, as a getty comes after the boot
    // scripts): sh by default when the boot has it; `init=none` (or an empty init=) keeps
    // the kernel's console, for debugging the kernel itself.
    std::string_view init = cl.get_or("init", program_image("sh").empty() ? "" : "sh");
    if (!init.empty() && init != "none") {
        size_t n = init.size() < sizeof s_init_name - 1 ? init.size() : sizeof s_init_name - 1;
        for (size_t i = 0; i < n; i++)
            s_init_name[i] = init[i];
        thread_create("init-wait", init_main, nullptr);
    } else {
        shell_take_console();
    }
}

} // namespace oh::kernel
