// Console output through the board's polled UART; a lock keeps lines from interleaving.
#include "port/armv7m/console.h"

#include "lib/format.h"
#include "port/armv7m/board.h"
#include "port/armv7m/cpu.h"

namespace oh::arm {

namespace {

void put(char c, void*)
{
    if (c == '\n')
        board::console_putc('\r');
    board::console_putc(c);
}

} // namespace

void vkprint(const char* fmt, va_list ap)
{
    // The UART is polled, so a line costs ~1 ms at 115200 baud with interrupts masked:
    // acceptable for a console that logs events, not data.
    IrqGuard guard;
    vformat_to(put, nullptr, fmt, ap);
}

void kprint(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vkprint(fmt, ap);
    va_end(ap);
}

void panic(const char* fmt, ...)
{
    irq_disable();
    kprint("PANIC: ");
    va_list ap;
    va_start(ap, fmt);
    vkprint(fmt, ap);
    va_end(ap);
    kprint("\n");
    for (;;)
        wfi();
}

} // namespace oh::arm
