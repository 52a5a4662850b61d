// Kernel console: COM1 serial and VGA text output, printk, and serial input for the shell.
#pragma once

#include <stdarg.h>
#include <stddef.h>

namespace oh::kernel {

void console_init();                     // COM1 115200 8N1 and the VGA text screen
void console_enable_vga(bool enabled);
void console_write(const char* s, size_t n);
// Reserve the top `rows` lines of the VGA screen for a status panel (the log scrolls below).
void console_set_panel_rows(int rows);
// Replace panel line `row` (padded or cut to the screen width), in reverse video.
void console_panel_line(int row, const char* text);
int console_getc_nonblock();             // -1 when no byte is waiting on COM1

void printk(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char* fmt, va_list ap);

// Used on the panic/exception path: take the console lock if it can be had soon, otherwise
// print anyway (a CPU that died holding the lock must not silence the report).
void printk_emergency(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace oh::kernel

#define VERIFY(cond)                                                                       \
    do {                                                                                   \
        if (!(cond)) [[unlikely]]                                                          \
            ::oh::kernel::panic("VERIFY(%s) failed at %s:%d", #cond, __FILE__, __LINE__);  \
    } while (0)
