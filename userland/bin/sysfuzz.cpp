// sysfuzz: thousands of system calls with random numbers and hostile arguments (bad
// pointers, huge lengths, odd fds, all six registers random). Every answer must be a
// documented one; the kernel must stay up. Calls that would end the program (exit), block
// (read on fd 0 into a good buffer) or print (write to the console from a good buffer) are
// not made.
#include <offhook/sys.h>

namespace {

using namespace oh::abi;

uint64_t g_state;

uint64_t next()
{
    // xorshift64 [Marsaglia 2003]
    g_state ^= g_state << 13;
    g_state ^= g_state >> 7;
    g_state ^= g_state << 17;
    return g_state;
}

template<typename T, size_t N>
T pick(const T (&a)[N]) { return a[next() % N]; }

char g_buffer[64];
char g_out[64]; // what procs writes: never g_buffer, whose zeros name no program
const char kRodata[16] = "read only";

bool is_good(uint64_t p)
{
    return (p >= uint64_t(g_buffer) && p < uint64_t(g_buffer) + sizeof g_buffer) ||
           (p >= uint64_t(kRodata) && p < uint64_t(kRodata) + sizeof kRodata);
}

} // namespace

int main()
{
    g_state = sys::clock_ns() | 1;
    print("sysfuzz: seed ");
    print_hex(g_state);
    print("\n");
    // Null and its neighbours, below the image, the stack's guard page, just above the
    // stack, the end of the user half, non-canonical, the kernel's half, wrap-around.
    const uint64_t bad_ptrs[] = {
        0, 1, 0x10, 0xfff, 0x1000, 0x3ff000, 0x7ffffffdf000ull, 0x7fffffff0000ull, 0x7ffffffffff0ull,
        0x0000800000000000ull, 0xffff800000000000ull, 0xffff800000100000ull, 0xffffffff80000000ull,
        0xffffffff80100000ull, ~0ull, ~0ull - 7, 1ull << 63,
    };
    const uint64_t lens[] = { 0, 1, 7, 4095, 4096, 4097, 65536, 65537, 1ull << 32, ~0ull, 1ull << 63 };
    const uint64_t fds[] = { 0, 1, 2, 3, 4, 1000, 1ull << 32, 1ull << 32 | 1, ~0ull };
    const uint64_t nrs[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 63, 64, 99, 255, 256, 1ull << 32, 1ull << 32 | 1, ~0ull };

    constexpr int kCalls = 20000;
    int refused = 0, unexpected = 0;
    for (int i = 0; i < kCalls; i++) {
        uint64_t nr = next() % 4 ? pick(nrs) : next();
        if (nr == uint64_t(Sys::Exit) || nr == uint64_t(Sys::PowerOff))
            continue;
        uint64_t a[6] = { next(), next(), next(), next(), next(), next() };
        bool good_ptr = false;
        if (nr == uint64_t(Sys::Write) || nr == uint64_t(Sys::Read)) {
            a[0] = pick(fds);
            good_ptr = next() % 4 == 0;
            a[1] = good_ptr ? uint64_t(next() % 2 ? g_buffer : kRodata) + next() % 16 : pick(bad_ptrs) + next() % 3;
            a[2] = next() % 2 ? pick(lens) : next() % 128;
            good_ptr = is_good(a[1]);
            bool console = nr == uint64_t(Sys::Write) ? (a[0] == 1 || a[0] == 2) : a[0] == 0;
            if (console && good_ptr && a[2] != 0)
                continue; // would print or block
        } else if (nr == uint64_t(Sys::Sleep)) {
            a[0] = next() % 2 ? next() % 1000 : (3600ull * 1'000'000'000 + 1 + next() % 1000000);
        } else if (nr == uint64_t(Sys::Spawn) || nr == uint64_t(Sys::PhoneCommand) || nr == uint64_t(Sys::Args) ||
                   nr == uint64_t(Sys::PhoneEvent) || nr == uint64_t(Sys::Open) || nr == uint64_t(Sys::Procs) ||
                   nr == uint64_t(Sys::Ping) || nr == uint64_t(Sys::KernelCommand)) {
            // Pointers into our own buffer (random bytes: no program's name, no phone command)
            // or bad ones, lengths small or absurd.
            a[0] = next() % 2 ? uint64_t(g_buffer) + next() % 16 : pick(bad_ptrs) + next() % 3;
            a[1] = next() % 2 ? next() % 64 : pick(lens);
            a[2] = next() % 2 ? uint64_t(g_buffer) + next() % 16 : pick(bad_ptrs);
            a[3] = next() % 2 ? next() % 64 : pick(lens);
            if (nr == uint64_t(Sys::PhoneEvent)) // wait at most 1 us, or ask for more than an hour
                a[2] = next() % 2 ? next() % 1000 : (3600ull * 1'000'000'000 + 1 + next() % 1000000);
            if (nr == uint64_t(Sys::Ping)) {
                switch (next() % 4) {
                case 0: a[0] = 0; break;                                   // unspecified
                case 1: a[0] = (next() | 1) << 32; break;                  // not 32 bits
                case 2: a[0] = next() & 0xffffffff; a[1] = 0x10000 + next() % 1000; break; // bad sequence
                default: a[0] = next() & 0xffffffff; a[1] &= 0xffff; a[2] = 10'000'000'001ull + next() % 1000; // too long
                }
            }
            if (nr == uint64_t(Sys::Procs) && a[0] >= uint64_t(g_buffer) && a[0] < uint64_t(g_buffer) + 64)
                a[0] = uint64_t(g_out) + (a[0] - uint64_t(g_buffer));
            if (nr == uint64_t(Sys::Open) && next() % 2) // read-only opens, or absurd flags
                a[2] = next() % 2 ? 0 : next();
        }
        int64_t r = sys::call_raw(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        bool ok;
        if (nr > uint64_t(Sys::KernelCommand)) {
            ok = r == -kENOSYS;
        } else if (nr == uint64_t(Sys::KernelCommand)) {
            ok = r == -kEPERM; // only the console's shell may, and this is not it
        } else if (nr == uint64_t(Sys::Ping)) {
            // Only pings the kernel must refuse before sending anything: this boot's network
            // may reach beyond the machine (QEMU's user-mode NAT), so nothing is sent.
            ok = r == -kEINVAL;
        } else if (nr == uint64_t(Sys::Procs)) {
            ok = (r > 0 && uint64_t(r) <= a[1]) || r == -kEFAULT || r == -kEINVAL;
        } else if (nr == uint64_t(Sys::Open)) {
            ok = r == -kE2BIG || r == -kEFAULT || r == -kEINVAL || r == -kENODEV || r == -kENOENT; // no disk here
        } else if (nr == uint64_t(Sys::Close) || nr == uint64_t(Sys::ReadDir)) {
            ok = r == -kEBADF; // nothing open
        } else if (nr == uint64_t(Sys::Spawn)) {
            ok = r == -kE2BIG || r == -kEFAULT || r == -kEINVAL || r == -kENOENT;
        } else if (nr == uint64_t(Sys::Wait)) {
            ok = r == -kECHILD || r == -kEINVAL; // no children; or flags that mean nothing
        } else if (nr == uint64_t(Sys::Args)) {
            ok = r == 0 || r == -kEFAULT || r == -kEINVAL; // run with no arguments
        } else if (nr == uint64_t(Sys::PhoneCommand)) {
            ok = r == -kE2BIG || r == -kEFAULT || r == -kEINVAL || r == -kENODEV; // never runs one
        } else if (nr == uint64_t(Sys::PhoneEvent)) {
            ok = (r >= 0 && uint64_t(r) <= a[1]) || r == -kEFAULT || r == -kEINVAL;
        } else if (nr == uint64_t(Sys::Write) || nr == uint64_t(Sys::Read)) {
            bool console = nr == uint64_t(Sys::Write) ? (a[0] == 1 || a[0] == 2) : a[0] == 0;
            if (!console)
                ok = r == -kEBADF;
            else if (a[2] == 0)
                ok = r == 0 || r == -kEFAULT; // an empty write/read at a bad address: either
            else
                ok = r == -kEFAULT;
        } else if (nr == uint64_t(Sys::Sleep)) {
            ok = a[0] < 1000 ? r == 0 : r == -kEINVAL;
        } else {
            ok = r >= 0; // clock, getpid
        }
        if (r < 0)
            refused++;
        if (!ok && unexpected++ < 10) {
            print("sysfuzz: unexpected: nr ");
            print_hex(nr);
            print(" a0 ");
            print_hex(a[0]);
            print(" a1 ");
            print_hex(a[1]);
            print(" a2 ");
            print_hex(a[2]);
            print(" -> ");
            print_int(r);
            print("\n");
        }
    }
    print("sysfuzz: ");
    print_int(kCalls);
    print(" rounds, ");
    print_int(refused);
    print(" refused, ");
    print_int(unexpected);
    print(" unexpected\n");
    return unexpected ? 1 : 0;
}
