// The port's console: printf-style lines to the board UART (via oh::vformat_to).
#pragma once

#include <stdarg.h>

namespace oh::arm {

void kprint(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vkprint(const char* fmt, va_list ap);
[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace oh::arm
