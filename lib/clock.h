// Injected time source for portable code: monotonic nanoseconds since an arbitrary origin.
#pragma once

#include <stdint.h>

namespace oh {

using Nanoseconds = uint64_t;
constexpr Nanoseconds kNsPerUs = 1000;
constexpr Nanoseconds kNsPerMs = 1000 * 1000;
constexpr Nanoseconds kNsPerSec = 1000 * 1000 * 1000;

// Portable cores never read hardware time; the kernel, the ARM port and tests (a fake clock
// they advance by hand) implement this.
class Clock {
public:
    virtual Nanoseconds now_ns() const = 0;

protected:
    ~Clock() = default;
};

class FakeClock final : public Clock {
public:
    Nanoseconds now_ns() const override { return m_now; }
    void advance(Nanoseconds d) { m_now += d; }
    void set(Nanoseconds t) { m_now = t; }

private:
    Nanoseconds m_now { 0 };
};

} // namespace oh
