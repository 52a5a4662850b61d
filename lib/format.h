// A small printf-style formatter that writes into caller buffers (no heap, no libc).
#pragma once

#include <stdarg.h>
#include <stddef.h>

namespace oh {

// Supports %d %i %u %x %X %o %c %s %p %%, the l/ll/z/h length modifiers, field width,
// '-' (left-justify), '0' (zero pad) and precision for strings (%.*s). Returns the length
// the full output would have (as snprintf); output is always NUL-terminated when cap > 0.
size_t vformat(char* buf, size_t cap, const char* fmt, va_list ap);
size_t format(char* buf, size_t cap, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

// The same formatter feeding a sink one character at a time (consoles).
using PutChar = void (*)(char c, void* ctx);
size_t vformat_to(PutChar put, void* ctx, const char* fmt, va_list ap);

} // namespace oh
