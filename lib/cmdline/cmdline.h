// Kernel command line: space-separated key=value words (pure).
#pragma once

#include <stdint.h>

#include <optional>
#include <string_view>

#include "lib/text.h"

namespace oh {

class CommandLine {
public:
    constexpr CommandLine() = default;
    constexpr explicit CommandLine(std::string_view text) : m_text(text) { }

    // The value of the last `key=value` word (later words win), or nullopt. A bare `key`
    // gives an empty value.
    std::optional<std::string_view> get(std::string_view key) const;
    std::string_view get_or(std::string_view key, std::string_view fallback) const
    {
        return get(key).value_or(fallback);
    }
    // Integer value (decimal or 0x hex); nullopt when missing or malformed.
    std::optional<uint64_t> get_uint(std::string_view key) const;
    bool get_bool(std::string_view key, bool fallback) const;
    std::string_view text() const { return m_text; }

private:
    std::string_view m_text;
};

} // namespace oh
