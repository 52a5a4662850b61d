// Kernel command line lookups.
#include "lib/cmdline/cmdline.h"

namespace oh::kernel {

std::optional<std::string_view> CommandLine::get(std::string_view key) const
{
    std::optional<std::string_view> found;
    size_t i = 0;
    while (i < m_text.size()) {
        while (i < m_text.size() && m_text[i] == ' ')
            i++;
        size_t start = i;
        while (i < m_text.size() && m_text[i] != ' ')
            i++;
        std::string_view word = m_text.substr(start, i - start);
        if (word.empty())
            continue;
        size_t eq = word.find('=');
        std::string_view k = word.substr(0, eq);
        if (k == key)
            found = eq == std::string_view::npos ? std::string_view() : word.substr(eq + 1);
    }
    return found;
}

std::optional<uint64_t> parse_uint(std::string_view s)
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
        if (c >= '0' && c <= '9')
            d = unsigned(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = unsigned(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = unsigned(c - 'A' + 10);
        else
            return std::nullopt;
        if (v > (UINT64_MAX - d) / base)
            return std::nullopt;
        v = v * base + d;
    }
    return v;
}

std::optional<uint64_t> CommandLine::get_uint(std::string_view key) const
{
    auto v = get(key);
    if (!v)
        return std::nullopt;
    return parse_uint(*v);
}

bool CommandLine::get_bool(std::string_view key, bool fallback) const
{
    auto v = get(key);
    if (!v)
        return fallback;
    if (v->empty() || *v == "1" || *v == "yes" || *v == "on" || *v == "true")
        return true;
    if (*v == "0" || *v == "no" || *v == "off" || *v == "false")
        return false;
    return fallback;
}

} // namespace oh::kernel
