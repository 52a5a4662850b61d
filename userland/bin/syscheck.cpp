// syscheck: the simple calls answer sensibly: getpid, a monotonic clock, sleep that sleeps.
#include <offhook/sys.h>

int main()
{
    int64_t pid = sys::getpid();
    uint64_t t0 = sys::clock_ns();
    int64_t slept = sys::sleep_ns(20'000'000);
    uint64_t t1 = sys::clock_ns();
    print("syscheck: pid ");
    print_int(pid);
    print(", slept ");
    print_int(int64_t(t1 - t0) / 1000000);
    print(" ms\n");
    if (pid <= 0 || slept != 0 || t1 < t0 + 20'000'000 || t0 == 0)
        return 1;
    print("syscheck: ok\n");
    return 0;
}
