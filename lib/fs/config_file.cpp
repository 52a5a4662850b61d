// /offhook.cfg parsing into command-line form.
#include "lib/fs/config_file.h"

namespace oh::fs {

namespace {

constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

constexpr bool is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool valid_word(std::string_view word)
{
    size_t eq = word.find('=');
    std::string_view key = word.substr(0, eq);
    if (key.empty())
        return false;
    for (char c : key)
        if (!is_key_char(c))
            return false;
    // Values are printable and free of control bytes; '=' inside a value is fine.
    if (eq != std::string_view::npos)
        for (char c : word.substr(eq + 1))
            if (uint8_t(c) < 0x20 || uint8_t(c) == 0x7f)
                return false;
    return true;
}

} // namespace

Result<size_t> config_to_cmdline(std::string_view file, std::span<char> out, ConfigParseStats& stats)
{
    stats = {};
    size_t n = 0, i = 0;
    while (i < file.size()) {
        while (i < file.size() && is_space(file[i]))
            i++;
        if (i >= file.size())
            break;
        if (file[i] == '#') {
            while (i < file.size() && file[i] != '\n')
                i++;
            continue;
        }
        size_t start = i;
        while (i < file.size() && !is_space(file[i]))
            i++;
        std::string_view word = file.substr(start, i - start);
        if (!valid_word(word)) {
            stats.malformed++;
            continue;
        }
        size_t need = word.size() + (n ? 1 : 0);
        if (need > out.size() - n)
            return Error::NoSpace;
        if (n)
            out[n++] = ' ';
        for (char c : word)
            out[n++] = c;
        stats.entries++;
    }
    return n;
}

} // namespace oh::fs
