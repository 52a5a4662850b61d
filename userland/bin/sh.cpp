// sh: the console's shell as a user program. Each line is PROGRAM [ARGUMENTS]: the program
// (a boot module, `progs` lists them) runs with the rest of the line as its argument string,
// and sh waits for it; a killed or failing one is reported with its status. Built in:
// `exit [CODE]`, `help`. While a program runs, sh does not read: what is typed then goes to
// the kernel's own console (its emergency shell).
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
        print("$ ");
        size_t n = read_line(line, sizeof line);
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
            print("sh: PROGRAM [ARGS] runs a user program (phone, hello, ...); exit [CODE]\n");
            continue;
        }
        int64_t pid = sys::spawn(name, name_len, p, str_len(p));
        if (pid < 0) {
            print("sh: ");
            sys::write(1, name, name_len);
            print(pid == -oh::abi::kENOENT ? ": no such program\n" : ": cannot start it\n");
            continue;
        }
        int64_t code = sys::wait(pid);
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
        (void)n;
    }
}
