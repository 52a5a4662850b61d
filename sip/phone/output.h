// Where the phone core's console lines go: the kernel's printk, the ARM port's UART, or a
// test's buffer.
#pragma once

#include <stdarg.h>

namespace oh::phone {

class PhoneOutput {
public:
    virtual void vprint(const char* fmt, va_list ap) = 0;
    // One line per event a program may wait for ("ringing URI", "answered", "ended REASON,
    // status N", "registration STATE, status N"), without the console's "phone: " prefix. Only the
    // x86 kernel keeps them (for user programs' phone-event system call).
    virtual void event(const char* fmt, va_list ap) { (void)fmt, (void)ap; }
    void emit(const char* fmt, ...) __attribute__((format(printf, 2, 3)))
    {
        va_list ap;
        va_start(ap, fmt);
        event(fmt, ap);
        va_end(ap);
    }
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
