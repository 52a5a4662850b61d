// Kernel command line lookups.
#include "lib/cmdline/cmdline.h"

namespace oh {

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
        Str word = Str(m_text).substr(start, i - start);
        if (word.empty())
            continue;
        size_t eq = find_char(word, '=');
        if (word.substr(0, eq) == Str(key))
            found = eq == kNpos ? std::string_view() : std::string_view(word.substr(eq + 1));
    }
    return found;
}

std::optional<uint64_t> CommandLine::get_uint(std::string_view key) const
{
    auto v = get(key);
    if (!v)
        return std::nullopt;
    return parse_u64(*v);
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

} // namespace oh
