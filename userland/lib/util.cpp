// The runtime's small helpers, and the memcpy/memset the compiler may call.
#include <offhook/sys.h>

#include <stdarg.h>

#include "lib/format.h"

extern "C" void* memcpy(void* d, const void* s, size_t n)
{
    auto* dp = static_cast<char*>(d);
    auto* sp = static_cast<const char*>(s);
    while (n--)
        *dp++ = *sp++;
    return d;
}

extern "C" void* memset(void* d, int c, size_t n)
{
    auto* dp = static_cast<char*>(d);
    while (n--)
        *dp++ = char(c);
    return d;
}

size_t str_len(const char* s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

void print(const char* s) { sys::write(1, s, str_len(s)); }

void print_int(int64_t v)
{
    char buf[24];
    int i = sizeof buf;
    bool neg = v < 0;
    uint64_t u = neg ? uint64_t(0) - uint64_t(v) : uint64_t(v);
    do {
        buf[--i] = char('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg)
        buf[--i] = '-';
    sys::write(1, buf + i, sizeof buf - i);
}

void print_hex(uint64_t v)
{
    char buf[18];
    int i = sizeof buf;
    do {
        buf[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    buf[--i] = 'x';
    buf[--i] = '0';
    sys::write(1, buf + i, sizeof buf - i);
}

const char* program_args()
{
    static char buf[oh::abi::kMaxArgs + 1];
    int64_t n = sys::args(buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    const char* a = buf;
    while (*a == ' ')
        a++;
    return a;
}

void print_error(const char* what, int64_t err)
{
    const char* name = err == -oh::abi::kENOENT ? "no such file"
        : err == -oh::abi::kENODEV                ? "no disk"
        : err == -oh::abi::kENOTDIR               ? "not a directory"
        : err == -oh::abi::kEISDIR                ? "a directory"
        : err == -oh::abi::kENOSPC                ? "disk full"
        : err == -oh::abi::kEMFILE                ? "too many open files"
                                                  : "error";
    sys::write(2, what, str_len(what));
    sys::write(2, ": ", 2);
    sys::write(2, name, str_len(name));
    sys::write(2, "\n", 1);
}

namespace {
struct Out {
    char buf[128];
    size_t n;
};
void out_put(char c, void* ctx)
{
    auto* o = static_cast<Out*>(ctx);
    if (o->n == sizeof o->buf) {
        sys::write(1, o->buf, o->n);
        o->n = 0;
    }
    o->buf[o->n++] = c;
}
} // namespace

size_t printf(const char* fmt, ...)
{
    Out o;
    o.n = 0;
    va_list ap;
    va_start(ap, fmt);
    size_t len = oh::vformat_to(out_put, &o, fmt, ap);
    va_end(ap);
    if (o.n)
        sys::write(1, o.buf, o.n);
    return len;
}
