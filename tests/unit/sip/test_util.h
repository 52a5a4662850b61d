// Helpers shared by the SIP unit tests: turn string literals into byte spans and parse them.
#pragma once

#include <ostream>
#include <list>
#include <string>
#include <string_view>

#include "sip/message.h"

namespace oh {
inline std::ostream& operator<<(std::ostream& os, Str s) { return os << std::string_view(s); }
} // namespace oh

namespace sip_test {

inline std::span<const uint8_t> bytes(std::string_view s)
{
    return { reinterpret_cast<const uint8_t*>(s.data()), s.size() };
}

// Parsed messages are views: keep every input alive for the whole test binary.
inline std::string_view keep(std::string_view s)
{
    static std::list<std::string> store;
    return store.emplace_back(s);
}

inline oh::Error parse(std::string_view s, oh::sip::Message& m, oh::sip::Framing f = oh::sip::Framing::Datagram)
{
    auto r = oh::sip::parse_message(bytes(keep(s)), f, m);
    return r.is_error() ? r.error() : oh::Error::None;
}

// Parse + validate, the way the UA sees a datagram.
inline oh::Error parse_valid(std::string_view s, oh::sip::Message& m)
{
    auto r = oh::sip::parse_message(bytes(keep(s)), oh::sip::Framing::Datagram, m);
    if (r.is_error())
        return r.error();
    auto v = oh::sip::validate_message(m);
    return v.is_error() ? v.error() : oh::Error::None;
}

} // namespace sip_test
