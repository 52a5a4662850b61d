// The C memory/string primitives the compiler and header-only library code call, plus the
// one libstdc++ hook that header code can reach (a bounds failure in string_view).
#include <stddef.h>
#include <stdint.h>

#include "kernel/console/console.h"

extern "C" {

void* memcpy(void* dst, const void* src, size_t n)
{
    void* ret = dst;
    asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
    return ret;
}

void* memmove(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<uint8_t*>(dst);
    auto* s = static_cast<const uint8_t*>(src);
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    // Overlapping with dst above src: copy backwards.
    for (size_t i = n; i > 0; i--)
        d[i - 1] = s[i - 1];
    return dst;
}

void* memset(void* dst, int c, size_t n)
{
    void* ret = dst;
    asm volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
    return ret;
}

int memcmp(const void* a, const void* b, size_t n)
{
    auto* x = static_cast<const uint8_t*>(a);
    auto* y = static_cast<const uint8_t*>(b);
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

void* memchr(const void* s, int c, size_t n)
{
    auto* p = static_cast<const uint8_t*>(s);
    for (size_t i = 0; i < n; i++)
        if (p[i] == uint8_t(c))
            return const_cast<uint8_t*>(p + i);
    return nullptr;
}

size_t strlen(const char* s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

} // extern "C"

namespace std {
// Reached only through a failed bounds check in header-only library code: a kernel bug.
[[noreturn]] void __throw_out_of_range_fmt(const char* fmt, ...)
{
    oh::kernel::panic("std bounds check failed: %s", fmt);
}
} // namespace std
