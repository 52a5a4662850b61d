// The one string toolkit of every target: a bounded, non-throwing string view (`Str`),
// character classes, case-insensitive compares, searches, trimming, number parsing and a
// bounded copy into a char array. Not std::string_view's own members: its substr throws and
// find() calls memchr, symbols the kernel and the Cortex-M image do not link.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <bit>
#include <concepts>
#include <optional>
#include <string_view>
#include <type_traits>

#include "lib/bytes.h"

namespace oh {

constexpr size_t kNpos = size_t(-1);

// All parsed fields are views into the caller's datagram. Not std::string_view: its substr
// throws (a libstdc++ symbol the kernel lacks) and its const char* constructor calls strlen;
// this one clamps instead and only takes literals or explicit lengths.
class Str {
public:
    constexpr Str() = default;
    constexpr Str(const char* p, size_t n) : m_p(p), m_n(n) { }
    template<size_t N>
    constexpr Str(const char (&lit)[N]) : m_p(lit), m_n(N - 1) { }
    constexpr Str(std::string_view v) : m_p(v.data()), m_n(v.size()) { }
    // Any contiguous char container (std::string in hosted tests).
    template<typename T>
        requires requires(const T& t) { { t.data() } -> std::convertible_to<const char*>; t.size(); }
    constexpr Str(const T& t) : m_p(t.data()), m_n(t.size()) { }
    constexpr operator std::string_view() const { return { m_p, m_n }; }

    constexpr const char* data() const { return m_p; }
    constexpr size_t size() const { return m_n; }
    constexpr bool empty() const { return m_n == 0; }
    constexpr char operator[](size_t i) const { return m_p[i]; }
    constexpr char front() const { return m_p[0]; }
    constexpr char back() const { return m_p[m_n - 1]; }
    constexpr const char* begin() const { return m_p; }
    constexpr const char* end() const { return m_p + m_n; }
    constexpr Str substr(size_t pos, size_t n = kNpos) const
    {
        if (pos > m_n)
            pos = m_n;
        size_t left = m_n - pos;
        return Str(m_p + pos, n < left ? n : left);
    }
    constexpr void remove_prefix(size_t n) { *this = substr(n); }
    constexpr void remove_suffix(size_t n) { m_n = n < m_n ? m_n - n : 0; }
    friend constexpr bool operator==(Str a, Str b)
    {
        if (a.m_n != b.m_n)
            return false;
        for (size_t i = 0; i < a.m_n; i++)
            if (a.m_p[i] != b.m_p[i])
                return false;
        return true;
    }

private:
    const char* m_p { nullptr };
    size_t m_n { 0 };
};

// A NUL-terminated string (error messages), bounded, without strlen.
constexpr Str cstr(const char* s, size_t max = 256)
{
    size_t n = 0;
    if (s)
        while (n < max && s[n])
            n++;
    return Str(s, n);
}

constexpr char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
constexpr bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
constexpr bool is_hex(char c) { return is_digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'); }
// Linear white space after unfolding: folded header lines keep their CRLF in the view, so
// every tokenizer treats CR and LF as white space too (RFC 3261 §7.3.1).
constexpr bool is_lws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

constexpr bool ieq(Str a, Str b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); i++)
        if (to_lower(a[i]) != to_lower(b[i]))
            return false;
    return true;
}

constexpr bool istarts_with(Str s, Str prefix)
{
    return s.size() >= prefix.size() && ieq(s.substr(0, prefix.size()), prefix);
}

// First position of byte a or b at or after `from`, eight bytes at a time ("has zero byte"
// trick; little-endian targets only, which x86-64 and the Cortex-M7 are).
inline size_t find_either(const char* p, size_t n, size_t from, char a, char b)
{
    size_t i = from;
    if constexpr (std::endian::native == std::endian::little) {
        constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            copy_bytes(&w, p + i, 8);
            uint64_t x = w ^ (kOnes * uint8_t(a)), y = w ^ (kOnes * uint8_t(b));
            uint64_t hit = ((x - kOnes) & ~x & kHigh) | ((y - kOnes) & ~y & kHigh);
            if (hit)
                return i + size_t(std::countr_zero(hit) >> 3);
        }
    }
    for (; i < n; i++)
        if (p[i] == a || p[i] == b)
            return i;
    return kNpos;
}

constexpr size_t find_char(Str s, char c, size_t from = 0)
{
    if (!std::is_constant_evaluated() && s.size() >= from + 16)
        return find_either(s.data(), s.size(), from, c, c);
    for (size_t i = from; i < s.size(); i++)
        if (s[i] == c)
            return i;
    return kNpos;
}

constexpr size_t find_str(Str s, Str needle, size_t from = 0)
{
    if (needle.empty())
        return from <= s.size() ? from : kNpos;
    for (size_t i = from; i + needle.size() <= s.size(); i++)
        if (s[i] == needle[0] && s.substr(i, needle.size()) == needle)
            return i;
    return kNpos;
}

constexpr Str trim(Str s)
{
    size_t b = 0, e = s.size();
    while (b < e && is_lws(s[b]))
        b++;
    while (e > b && is_lws(s[e - 1]))
        e--;
    return s.substr(b, e - b);
}

// Decimal without sign; nullopt on empty, non-digits or a value above max.
constexpr std::optional<uint32_t> parse_uint(Str s, uint32_t max = 0xffffffffu)
{
    if (s.empty() || s.size() > 10)
        return std::nullopt;
    uint64_t v = 0;
    for (char c : s) {
        if (!is_digit(c))
            return std::nullopt;
        v = v * 10 + uint32_t(c - '0');
    }
    if (v > max)
        return std::nullopt;
    return uint32_t(v);
}

// Decimal, or hexadecimal after 0x/0X (configuration values); nullopt on empty, a stray
// character or a value above 64 bits.
constexpr std::optional<uint64_t> parse_u64(Str s)
{
    if (s.empty())
        return std::nullopt;
    unsigned base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s.remove_prefix(2);
    }
    uint64_t v = 0;
    for (char c : s) {
        unsigned d;
        if (is_digit(c))
            d = unsigned(c - '0');
        else if (base == 16 && is_hex(c))
            d = unsigned(to_lower(c) - 'a' + 10);
        else
            return std::nullopt;
        if (v > (UINT64_MAX - d) / base)
            return std::nullopt;
        v = v * base + d;
    }
    return v;
}

// Copies s into dst[cap] NUL-terminated, cut to fit (cap > 0).
constexpr void copy_str(char* dst, size_t cap, Str s)
{
    size_t n = s.size() < cap - 1 ? s.size() : cap - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = s[i];
    dst[n] = 0;
}

} // namespace oh
