// Where the phone core's console lines go: the kernel's printk, the ARM port's UART, or a
// test's buffer.
#pragma once

#include <stdarg.h>

namespace oh::phone {

class PhoneOutput {
public:
    virtual void vprint(const char* fmt, va_list ap) = 0;
    void print(const char* fmt, ...) __attribute__((format(printf, 2, 3)))
    {
        va_list ap;
        va_start(ap, fmt);
        vprint(fmt, ap);
        va_end(ap);
    }

protected:
    ~PhoneOutput() = default;
};

} // namespace oh::phone
