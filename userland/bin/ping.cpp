// ping ADDRESS [COUNT]: ICMP echo requests from a user program, one a second, each waited for
// up to a second (the Ping system call).
#include <offhook/sys.h>

namespace {

bool parse_ipv4(const char*& s, uint64_t& out)
{
    uint64_t v = 0;
    for (int part = 0; part < 4; part++) {
        if (*s < '0' || *s > '9')
            return false;
        uint64_t octet = 0;
        while (*s >= '0' && *s <= '9' && octet <= 255)
            octet = octet * 10 + uint64_t(*s++ - '0');
        if (octet > 255 || (part < 3 && *s++ != '.'))
            return false;
        v = v << 8 | octet;
    }
    out = v;
    return *s == 0 || *s == ' ';
}

} // namespace

int main()
{
    const char* a = program_args();
    uint64_t addr;
    if (!parse_ipv4(a, addr)) {
        print("usage: ping A.B.C.D [COUNT]\n");
        return 2;
    }
    while (*a == ' ')
        a++;
    int count = 0;
    for (; *a >= '0' && *a <= '9' && count < 100; a++)
        count = count * 10 + (*a - '0');
    if (count <= 0)
        count = 4;
    int replies = 0;
    for (int seq = 1; seq <= count; seq++) {
        uint64_t t0 = sys::clock_ns();
        int64_t r = sys::call(oh::abi::Sys::Ping, addr, uint64_t(seq), 1'000'000'000ull);
        if (r >= 0) {
            replies++;
            printf("ping: reply seq %d rtt %ld us\n", seq, long(r / 1000));
        } else {
            printf("ping: seq %d %s\n", seq,
                   r == -oh::abi::kETIMEDOUT ? "timed out" : r == -oh::abi::kENETDOWN ? "no network" : "failed");
        }
        uint64_t spent = sys::clock_ns() - t0;
        if (seq < count && spent < 1'000'000'000ull)
            sys::sleep_ns(1'000'000'000ull - spent);
    }
    printf("ping: %d/%d replies\n", replies, count);
    return replies ? 0 : 1;
}
