// phone: the phone from a user program, through its system calls.
//   phone status | dial NUMBER|URI | answer | hangup | dtmf DIGITS | mute | hold ...
//       runs that phone command (its answer is the phone's console line)
//   phone watch [COUNT [SECONDS]]
//       prints each phone event as it comes ("ringing URI", "answered", "ended REASON,
//       status N", "registration STATE, status N"), until COUNT events (default 4) or SECONDS
//       of silence (default 60)
#include <offhook/sys.h>

namespace {

bool starts_with(const char* s, const char* word)
{
    size_t i = 0;
    for (; word[i]; i++)
        if (s[i] != word[i])
            return false;
    return s[i] == 0 || s[i] == ' ';
}

const char* skip_word(const char* s)
{
    while (*s && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    return s;
}

int64_t number(const char*& s, int64_t fallback)
{
    if (*s < '0' || *s > '9')
        return fallback;
    int64_t v = 0;
    while (*s >= '0' && *s <= '9' && v < 1000000)
        v = v * 10 + (*s++ - '0');
    while (*s == ' ')
        s++;
    return v;
}

int watch(const char* rest)
{
    int64_t count = number(rest, 4);
    int64_t seconds = number(rest, 60);
    print("phone: watching\n");
    for (int64_t seen = 0; seen < count;) {
        char ev[128];
        int64_t n = sys::phone_event(ev, sizeof ev, uint64_t(seconds) * 1'000'000'000ull);
        if (n < 0) {
            print("phone: event read failed: ");
            print_int(n);
            print("\n");
            return 1;
        }
        if (n == 0) {
            print("phone: no event for ");
            print_int(seconds);
            print(" s\n");
            return 0;
        }
        print("phone event: ");
        sys::write(1, ev, size_t(n));
        print("\n");
        seen++;
    }
    return 0;
}

} // namespace

int main()
{
    char args[128];
    int64_t n = sys::args(args, sizeof args - 1);
    if (n < 0)
        return 2;
    args[n] = 0;
    const char* a = args;
    while (*a == ' ')
        a++;
    if (!*a) {
        print("usage: phone status|dial NUMBER|answer|hangup|dtmf DIGITS|watch [COUNT [SECONDS]]\n");
        return 2;
    }
    if (starts_with(a, "watch"))
        return watch(skip_word(a));
    int64_t r = sys::phone_command(a, str_len(a));
    if (r == -oh::abi::kENODEV) {
        print("phone: no phone runs (no sip.server and no direct calls configured)\n");
        return 1;
    }
    if (r < 0) {
        print("phone: not a phone command: ");
        print(a);
        print("\n");
        return 2;
    }
    return 0;
}
