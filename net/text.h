// Freestanding string_view helpers: find() and substr() would pull in memchr and
// std::__throw_out_of_range_fmt, which the kernel and the Cortex-M image do not link.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <string_view>

namespace oh::net {

constexpr size_t kNoPosition = std::string_view::npos;

constexpr size_t find_char(std::string_view s, char c)
{
    for (size_t i = 0; i < s.size(); ++i)
        if (s[i] == c)
            return i;
    return kNoPosition;
}

// s[from, from+count), clamped to s; never throws.
constexpr std::string_view slice(std::string_view s, size_t from, size_t count = kNoPosition)
{
    if (from > s.size())
        return {};
    size_t n = s.size() - from;
    return { s.data() + from, count < n ? count : n };
}

// __builtin_popcount becomes a libgcc call without -mpopcnt; this stays inline.
constexpr int count_bits(uint32_t v)
{
    int n = 0;
    for (; v; v &= v - 1)
        ++n;
    return n;
}

} // namespace oh::net
