// Result<T>: a value or an Error, the way fallible code reports failure (no exceptions).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <new>
#include <type_traits>
#include <utility>

namespace oh {

// One flat error space for the whole system. Parsers keep NeedMore ("give me more bytes")
// apart from Malformed ("these bytes can never parse"), as libre's ENODATA vs EBADMSG.
enum class Error : uint16_t {
    None = 0,
    NeedMore,        // input is a valid prefix; more bytes may complete it
    Malformed,       // input violates the grammar
    Unsupported,     // well-formed but not something we implement
    InvalidArgument, // caller passed something out of range
    NoMemory,        // a pool or heap is exhausted
    NoSpace,         // an output buffer is too small
    NotFound,
    Exists,
    Busy,
    WouldBlock,
    Timeout,
    IoError,
    Refused,
    Unreachable,
    Checksum,
    Overflow,
    Closed,
};

constexpr const char* error_name(Error e)
{
    switch (e) {
    case Error::None: return "none";
    case Error::NeedMore: return "need-more";
    case Error::Malformed: return "malformed";
    case Error::Unsupported: return "unsupported";
    case Error::InvalidArgument: return "invalid-argument";
    case Error::NoMemory: return "no-memory";
    case Error::NoSpace: return "no-space";
    case Error::NotFound: return "not-found";
    case Error::Exists: return "exists";
    case Error::Busy: return "busy";
    case Error::WouldBlock: return "would-block";
    case Error::Timeout: return "timeout";
    case Error::IoError: return "io-error";
    case Error::Refused: return "refused";
    case Error::Unreachable: return "unreachable";
    case Error::Checksum: return "checksum";
    case Error::Overflow: return "overflow";
    case Error::Closed: return "closed";
    }
    return "?";
}

// An Error plus an optional static message ("missing Via"), for logs and SIP reason phrases.
struct ErrorInfo {
    Error code { Error::None };
    const char* message { nullptr };

    constexpr ErrorInfo() = default;
    constexpr ErrorInfo(Error c, const char* m = nullptr) : code(c), message(m) { }
    constexpr const char* text() const { return message ? message : error_name(code); }
    constexpr bool operator==(Error e) const { return code == e; }
};

template<typename T>
class [[nodiscard]] Result {
public:
    Result(const T& v) : m_has_value(true) { new (&m_storage) T(v); }
    Result(T&& v) : m_has_value(true) { new (&m_storage) T(std::move(v)); }
    Result(Error e, const char* msg = nullptr) : m_error(e, msg) { }
    Result(ErrorInfo e) : m_error(e) { }

    Result(const Result& o) : m_error(o.m_error), m_has_value(o.m_has_value)
    {
        if (m_has_value)
            new (&m_storage) T(o.value());
    }
    Result(Result&& o) : m_error(o.m_error), m_has_value(o.m_has_value)
    {
        if (m_has_value)
            new (&m_storage) T(std::move(o.value()));
    }
    Result& operator=(const Result&) = delete;
    ~Result()
    {
        if (m_has_value)
            ptr()->~T();
    }

    bool is_error() const { return !m_has_value; }
    bool has_value() const { return m_has_value; }
    explicit operator bool() const { return m_has_value; }
    Error error() const { return m_error.code; }
    ErrorInfo error_info() const { return m_error; }

    T& value() { return *ptr(); }
    const T& value() const { return *ptr(); }
    T* operator->() { return ptr(); }
    const T* operator->() const { return ptr(); }
    T& operator*() { return *ptr(); }
    const T& operator*() const { return *ptr(); }
    T release_value() { return std::move(*ptr()); }
    T value_or(T fallback) const { return m_has_value ? *ptr() : fallback; }

private:
    T* ptr() { return std::launder(reinterpret_cast<T*>(&m_storage)); }
    const T* ptr() const { return std::launder(reinterpret_cast<const T*>(&m_storage)); }

    alignas(T) unsigned char m_storage[sizeof(T)];
    ErrorInfo m_error {};
    bool m_has_value { false };
};

template<>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error e, const char* msg = nullptr) : m_error(e, msg) { }
    Result(ErrorInfo e) : m_error(e) { }

    bool is_error() const { return m_error.code != Error::None; }
    bool has_value() const { return !is_error(); }
    explicit operator bool() const { return !is_error(); }
    Error error() const { return m_error.code; }
    ErrorInfo error_info() const { return m_error; }
    void release_value() { }

private:
    ErrorInfo m_error {};
};

} // namespace oh

// Propagate an error to the caller, otherwise yield the value (as SerenityOS's TRY).
#define TRY(expr)                                   \
    ({                                              \
        auto _oh_try = (expr);                      \
        if (_oh_try.is_error()) [[unlikely]]        \
            return _oh_try.error_info();            \
        _oh_try.release_value();                    \
    })
