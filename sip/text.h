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
#include "lib/text.h"

namespace oh::sip {

// The general toolkit (lib/text.h) is found from oh::sip by ordinary lookup; this file adds
// SIP's own grammar: RFC 3261 character classes, token compares, list splitting, a writer.

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

// What a URI scan has to note: 0 for a character a URI may hold anywhere, else one of these.
enum UriStop : uint8_t { kUriColon = 1, kUriAt, kUriQuestion, kUriSemi, kUriBad };
constexpr CharTable make_uri_stops()
{
    CharTable t {};
    for (int i = 0; i < 256; i++)
        t.v[i] = (char_class_of(char(i)) & kClassUri) ? 0 : kUriBad;
    t.v[uint8_t(':')] = kUriColon;
    t.v[uint8_t('@')] = kUriAt;
    t.v[uint8_t('?')] = kUriQuestion;
    t.v[uint8_t(';')] = kUriSemi;
    return t;
}
inline constexpr CharTable kUriStops = make_uri_stops();

constexpr bool has_class(char c, uint8_t cls) { return kCharTable.v[uint8_t(c)] & cls; }
constexpr bool is_token_char(char c) { return has_class(c, kClassToken); }

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

constexpr bool is_token(Str s)
{
    // AND of every character's classes: no branch per character (branches run long).
    uint8_t all = kClassToken;
    for (char c : s)
        all &= kCharTable.v[uint8_t(c)];
    return !s.empty() && all;
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
