// Text helpers for SIP/SDP: zero-copy string views, ABNF character classes, a bounded writer.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <bit>
#include <concepts>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

#include "lib/bytes.h"

namespace oh::sip {

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

// RFC 3261 §25.1 character classes as one lookup table (the parser's hot loops use it).
enum CharClass : uint8_t {
    kClassToken = 1,    // token
    kClassUser = 2,     // unreserved / user-unreserved (URI user part)
    kClassPassword = 4, // unreserved / & = + $ ,
    kClassParam = 8,    // unreserved / param-unreserved / '=' / ';' (URI parameters)
    kClassHeader = 16,  // unreserved / hnv-unreserved / '=' / '&' (URI headers)
    kClassHost = 32,    // alphanum / '-' / '.'
    kClassUri = 64,     // may appear somewhere in a URI: visible ASCII but < > "
    kClassList = 128,   // ends or nests a list element: , " < > and the escape backslash
};

constexpr uint8_t char_class_of(char c)
{
    bool alnum = (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
    auto in = [c](const char* set) {
        for (; *set; set++)
            if (*set == c)
                return true;
        return false;
    };
    bool unreserved = alnum || in("-_.!~*'()");
    uint8_t k = 0;
    if (alnum || in("-.!%*_+`'~"))
        k |= kClassToken;
    if (unreserved || in("&=+$,;?/"))
        k |= kClassUser;
    if (unreserved || in("&=+$,"))
        k |= kClassPassword;
    if (unreserved || in("[]/:&+$=;"))
        k |= kClassParam;
    if (unreserved || in("[]/?:+$=&"))
        k |= kClassHeader;
    if (alnum || in("-."))
        k |= kClassHost;
    if (c > ' ' && c < 127 && !in("<>\""))
        k |= kClassUri;
    if (in(",\"<>\\"))
        k |= kClassList;
    return k;
}

struct CharTable {
    uint8_t v[256];
};
constexpr CharTable make_char_table()
{
    CharTable t {};
    for (int i = 0; i < 256; i++)
        t.v[i] = char_class_of(char(i));
    return t;
}
inline constexpr CharTable kCharTable = make_char_table();

// Where a ;param scan has to look closer: ; = " and backslash.
struct StopTable {
    bool v[256];
};
constexpr StopTable make_param_stops()
{
    StopTable t {};
    t.v[uint8_t(';')] = t.v[uint8_t('=')] = t.v[uint8_t('"')] = t.v[uint8_t('\\')] = true;
    return t;
}
inline constexpr StopTable kParamStops = make_param_stops();

constexpr bool has_class(char c, uint8_t cls) { return kCharTable.v[uint8_t(c)] & cls; }
constexpr bool is_token_char(char c) { return has_class(c, kClassToken); }

constexpr bool ieq(Str a, Str b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); i++)
        if (to_lower(a[i]) != to_lower(b[i]))
            return false;
    return true;
}

// Case-insensitive match of a token against a lowercase name of letters, digits and '-'.
// OR-ing 0x20 folds case for letters and leaves '-' and digits alone; no other token
// character can fold onto those.
constexpr bool token_is(Str token, Str lower)
{
    if (token.size() != lower.size())
        return false;
    if (!std::is_constant_evaluated() && token.size() >= 8) {
        // Eight bytes at a time; the last word overlaps the previous one when needed.
        constexpr uint64_t kFold = 0x2020202020202020ull;
        size_t n = token.size();
        for (size_t i = 0;; i += 8) {
            size_t at = i + 8 <= n ? i : n - 8;
            uint64_t a, b;
            copy_bytes(&a, token.data() + at, 8);
            copy_bytes(&b, lower.data() + at, 8);
            if ((a | kFold) != b)
                return false;
            if (at + 8 >= n)
                return true;
        }
    }
    for (size_t i = 0; i < token.size(); i++)
        if (char(token[i] | 0x20) != lower[i])
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

constexpr bool is_token(Str s)
{
    if (s.empty())
        return false;
    for (char c : s)
        if (!is_token_char(c))
            return false;
    return true;
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

// Splits a header value at commas that are outside quoted strings and <...> (RFC 3261 §7.3.1),
// for headers whose grammar is a comma-separated list (Via, Contact, Route, Allow...).
class ListSplitter {
public:
    constexpr explicit ListSplitter(Str s) : m_rest(s) { }
    // Returns false when the list is exhausted; empty elements are skipped. Sets malformed()
    // on an unterminated quote or angle bracket.
    constexpr bool next(Str& out)
    {
        while (!m_rest.empty()) {
            bool quoted = false, angle = false;
            size_t i = 0;
            for (; i < m_rest.size(); i++) {
                char c = m_rest[i];
                if (!quoted && !has_class(c, kClassList))
                    continue;
                if (quoted) {
                    if (c == '\\')
                        i++;
                    else if (c == '"')
                        quoted = false;
                } else if (c == '"') {
                    quoted = true;
                } else if (c == '<') {
                    angle = true;
                } else if (c == '>') {
                    angle = false;
                } else if (c == ',' && !angle) {
                    break;
                }
            }
            if (quoted || angle)
                m_malformed = true;
            Str item = trim(m_rest.substr(0, i < m_rest.size() ? i : m_rest.size()));
            m_rest = i < m_rest.size() ? m_rest.substr(i + 1) : Str {};
            if (!item.empty()) {
                out = item;
                return true;
            }
        }
        return false;
    }
    constexpr bool malformed() const { return m_malformed; }

private:
    Str m_rest;
    bool m_malformed { false };
};

// Appends text into a fixed buffer; remembers overflow instead of failing each call, so
// builders read straight and check once (ok()) at the end.
class Writer {
public:
    Writer(char* buf, size_t cap) : m_buf(buf), m_cap(cap) { }
    Writer(std::span<uint8_t> buf) : m_buf(reinterpret_cast<char*>(buf.data())), m_cap(buf.size()) { }

    Writer& put(Str s)
    {
        if (m_len + s.size() > m_cap) {
            m_overflow = true;
            return *this;
        }
        if (!s.empty())
            copy_bytes(m_buf + m_len, s.data(), s.size());
        m_len += s.size();
        return *this;
    }
    Writer& put(char c)
    {
        if (m_len >= m_cap) {
            m_overflow = true;
            return *this;
        }
        m_buf[m_len++] = c;
        return *this;
    }
    Writer& put_uint(uint64_t v)
    {
        char tmp[20];
        int n = 0;
        do {
            tmp[n++] = char('0' + v % 10);
            v /= 10;
        } while (v);
        while (n)
            put(tmp[--n]);
        return *this;
    }
    Writer& put_hex(uint32_t v, int digits)
    {
        for (int i = digits - 1; i >= 0; i--)
            put("0123456789abcdef"[(v >> (i * 4)) & 15]);
        return *this;
    }
    Writer& put_ipv4(uint32_t host_order)
    {
        for (int i = 0; i < 4; i++) {
            if (i)
                put('.');
            put_uint((host_order >> (24 - 8 * i)) & 0xff);
        }
        return *this;
    }
    // Header line "Name: value\r\n".
    Writer& header(Str name, Str value) { return put(name).put(": ").put(value).put("\r\n"); }

    bool ok() const { return !m_overflow; }
    size_t size() const { return m_len; }
    char* data() { return m_buf; }
    Str view() const { return Str(m_buf, m_len); }
    std::span<const uint8_t> bytes() const { return { reinterpret_cast<const uint8_t*>(m_buf), m_len }; }
    void truncate(size_t n) { m_len = n < m_len ? n : m_len; }
    // Overwrite already written bytes (used to patch Content-Length placeholders).
    void patch(size_t at, Str s)
    {
        if (at + s.size() <= m_len)
            copy_bytes(m_buf + at, s.data(), s.size());
    }

private:
    char* m_buf;
    size_t m_cap;
    size_t m_len { 0 };
    bool m_overflow { false };
};

// A fixed-capacity string owned by a long-lived object (dialogs, registration state).
template<size_t N>
class FixedString {
public:
    constexpr FixedString() = default;
    // Returns false (and stores nothing) when the text does not fit.
    bool assign(Str s)
    {
        if (s.size() > N)
            return false;
        if (!s.empty())
            copy_bytes(m_data, s.data(), s.size());
        m_len = uint16_t(s.size());
        return true;
    }
    void clear() { m_len = 0; }
    Str view() const { return Str(m_data, m_len); }
    bool empty() const { return m_len == 0; }
    static constexpr size_t capacity() { return N; }

private:
    char m_data[N] {};
    uint16_t m_len { 0 };
};

inline Str as_str(std::span<const uint8_t> b) { return Str(reinterpret_cast<const char*>(b.data()), b.size()); }

} // namespace oh::sip
