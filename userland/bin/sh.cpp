// sh: the console's shell as a user program (the kernel starts it on the console at boot and
// again whenever it ends). Each line is NAME [ARGUMENTS] [&]: a program (a boot module, or
// /bin/NAME on the disk) runs with the rest of the line as its argument string, and sh waits
// for it, or with a final `&` does not (at most three such jobs; each is reported when it
// ends, before the next prompt); a killed or failing one is reported with its status. A name
// that is no program is one of the kernel console's commands (netstat, stats, pacer, df,
// load, exit ...: the kernel's diagnostics, which only this shell may run). Built in:
// `exit [CODE]` (ends sh; `poweroff` powers off), `help`, `jobs`.
#include <offhook/sys.h>

namespace {

size_t read_line(char* line, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        char c;
        int64_t r = sys::read(0, &c, 1);
        if (r <= 0)
            break;
        if (c == '\n')
            break;
        if ((c == 8 || c == 127)) {
            if (n)
                n--;
            continue;
        }
        if (c >= 32 && c < 127)
            line[n++] = c;
    }
    line[n] = 0;
    return n;
}

constexpr int kJobs = 3;
int64_t g_jobs[kJobs] = {};
char g_job_names[kJobs][24] = {};

void report(const char* name, size_t name_len, int64_t code)
{
    if (code <= -1000) {
        print("sh: ");
        sys::write(1, name, name_len);
        print(" was killed\n");
    } else if (code != 0) {
        print("sh: ");
        sys::write(1, name, name_len);
        print(" exited with ");
        print_int(code);
        print("\n");
    }
}

// Background jobs that ended since the last prompt.
void reap_jobs()
{
    for (int i = 0; i < kJobs; i++) {
        if (!g_jobs[i])
            continue;
        int64_t code = sys::wait(g_jobs[i], oh::abi::kWaitNoHang);
        if (code == -oh::abi::kEAGAIN)
            continue;
        print("sh: [");
        print_int(g_jobs[i]);
        print("] ");
        print(g_job_names[i]);
        print(" done (");
        print_int(code);
        print(")\n");
        g_jobs[i] = 0;
    }
}

bool same(const char* a, size_t n, const char* word)
{
    size_t i = 0;
    for (; i < n && word[i]; i++)
        if (a[i] != word[i])
            return false;
    return i == n && word[i] == 0;
}

} // namespace

int main()
{
    print("sh: ready (PROGRAM [ARGS], help, exit)\n");
    char line[160];
    for (;;) {
        reap_jobs();
        print("$ ");
        size_t n = read_line(line, sizeof line);
        bool background = false;
        while (n && line[n - 1] == ' ')
            line[--n] = 0;
        if (n && line[n - 1] == '&') {
            background = true;
            line[--n] = 0;
            while (n && line[n - 1] == ' ')
                line[--n] = 0;
        }
        const char* p = line;
        while (*p == ' ')
            p++;
        const char* name = p;
        while (*p && *p != ' ')
            p++;
        size_t name_len = size_t(p - name);
        while (*p == ' ')
            p++;
        if (name_len == 0)
            continue;
        if (same(name, name_len, "exit")) {
            int code = 0;
            for (; *p >= '0' && *p <= '9'; p++)
                code = code * 10 + (*p - '0');
            return code;
        }
        if (same(name, name_len, "help")) {
            print("sh: PROGRAM [ARGS] [&] runs a user program (phone, ls, cat, put, ps, ping, rec, poweroff, ...);\n"
                  "    jobs; exit [CODE] ends sh; any other name is a kernel console command:\n");
            sys::kernel_command("help", 4);
            continue;
        }
        if (same(name, name_len, "jobs")) {
            for (int i = 0; i < kJobs; i++) {
                if (g_jobs[i]) {
                    print("[");
                    print_int(g_jobs[i]);
                    print("] ");
                    print(g_job_names[i]);
                    print("\n");
                }
            }
            continue;
        }
        int slot = -1;
        for (int i = 0; i < kJobs && background && slot < 0; i++)
            if (!g_jobs[i])
                slot = i;
        if (background && slot < 0) {
            print("sh: too many jobs\n");
            continue;
        }
        int64_t pid = sys::spawn(name, name_len, p, str_len(p));
        if (pid == -oh::abi::kENOENT && !background) {
            // No such program: the kernel console's command of that name, if there is one.
            size_t len = str_len(name); // the whole line from the name (the `&` is cut)
            int64_t r = sys::kernel_command(name, len);
            if (r == 0)
                continue;
            if (r != -oh::abi::kENOENT) {
                print("sh: ");
                sys::write(1, name, name_len);
                print(": the kernel refused it\n");
                continue;
            }
        }
        if (pid < 0) {
            print("sh: ");
            sys::write(1, name, name_len);
            print(pid == -oh::abi::kENOENT ? ": no such program or command\n" : ": cannot start it\n");
            continue;
        }
        if (background) {
            g_jobs[slot] = pid;
            size_t k = name_len < sizeof g_job_names[slot] - 1 ? name_len : sizeof g_job_names[slot] - 1;
            for (size_t i = 0; i < k; i++)
                g_job_names[slot][i] = name[i];
            g_job_names[slot][k] = 0;
            print("sh: [");
            print_int(pid);
            print("] ");
            print(g_job_names[slot]);
            print(" started\n");
            continue;
        }
        report(name, name_len, sys::wait(pid));
    }
}
