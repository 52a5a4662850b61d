// Serial (16550 on COM1) and VGA text-mode console behind one lock; printk and panic.
#include "kernel/console/console.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/mm/layout.h"
#include "kernel/sync/spinlock.h"
#include "lib/format.h"

namespace oh::kernel {

namespace {

constexpr uint16_t kCom1 = 0x3f8;
// 16550 UART registers (offsets from the base port).
enum class Uart : uint16_t { Data = 0, IntEnable = 1, FifoCtl = 2, LineCtl = 3, ModemCtl = 4, LineStatus = 5 };
constexpr uint8_t kLsrDataReady = 1 << 0;
constexpr uint8_t kLsrTxEmpty = 1 << 5;

constexpr int kVgaCols = 80;
constexpr int kVgaRows = 25;
constexpr uint8_t kVgaAttr = 0x07;

constinit SpinLock s_lock;
constinit bool s_vga_enabled = false;
constinit int s_vga_col = 0;
constinit int s_vga_row = 0;
constinit bool s_serial_present = false;
constinit int s_panel_rows = 0;

void uart_out(Uart r, uint8_t v) { x86::outb(kCom1 + uint16_t(r), v); }
uint8_t uart_in(Uart r) { return x86::inb(kCom1 + uint16_t(r)); }

void serial_putc(char c)
{
    if (!s_serial_present)
        return;
    for (int spins = 0; !(uart_in(Uart::LineStatus) & kLsrTxEmpty) && spins < 100000; spins++)
        x86::pause();
    uart_out(Uart::Data, uint8_t(c));
}

volatile uint16_t* vga() { return reinterpret_cast<volatile uint16_t*>(phys_to_virt(0xb8000)); }

void vga_putc(char c)
{
    if (!s_vga_enabled)
        return;
    if (c == '\n') {
        s_vga_col = 0;
        s_vga_row++;
    } else if (c == '\r') {
        s_vga_col = 0;
    } else {
        vga()[s_vga_row * kVgaCols + s_vga_col] = uint16_t(kVgaAttr << 8 | uint8_t(c));
        if (++s_vga_col == kVgaCols) {
            s_vga_col = 0;
            s_vga_row++;
        }
    }
    if (s_vga_row == kVgaRows) {
        for (int i = s_panel_rows * kVgaCols; i < (kVgaRows - 1) * kVgaCols; i++)
            vga()[i] = vga()[i + kVgaCols];
        for (int i = 0; i < kVgaCols; i++)
            vga()[(kVgaRows - 1) * kVgaCols + i] = uint16_t(kVgaAttr << 8 | ' ');
        s_vga_row = kVgaRows - 1;
    }
}

void put_unlocked(char c, void*)
{
    if (c == '\n')
        serial_putc('\r');
    serial_putc(c);
    vga_putc(c);
}

} // namespace

void console_init()
{
    uart_out(Uart::IntEnable, 0x00);
    uart_out(Uart::LineCtl, 0x80);      // DLAB on
    uart_out(Uart::Data, 0x01);         // divisor 1: 115200 baud
    uart_out(Uart::IntEnable, 0x00);
    uart_out(Uart::LineCtl, 0x03);      // 8N1, DLAB off
    uart_out(Uart::FifoCtl, 0xc7);      // FIFO on, cleared, 14-byte threshold
    uart_out(Uart::ModemCtl, 0x0b);
    // A missing UART reads back 0xff; a present one echoes the scratch-free line control.
    s_serial_present = uart_in(Uart::LineStatus) != 0xff;
    console_enable_vga(true);
}

void console_enable_vga(bool enabled)
{
    s_vga_enabled = enabled;
    if (enabled) {
        for (int i = 0; i < kVgaCols * kVgaRows; i++)
            vga()[i] = uint16_t(kVgaAttr << 8 | ' ');
        s_vga_col = s_vga_row = 0;
    }
}

void console_write(const char* s, size_t n)
{
    SpinLockIrqGuard guard(s_lock);
    for (size_t i = 0; i < n; i++)
        put_unlocked(s[i], nullptr);
}

void console_set_panel_rows(int rows)
{
    SpinLockIrqGuard guard(s_lock);
    s_panel_rows = rows < 0 ? 0 : rows > 10 ? 10 : rows;
    if (s_vga_row < s_panel_rows) {
        s_vga_row = s_panel_rows;
        s_vga_col = 0;
    }
}

void console_panel_line(int row, const char* text)
{
    SpinLockIrqGuard guard(s_lock);
    if (!s_vga_enabled || row < 0 || row >= s_panel_rows)
        return;
    constexpr uint8_t kPanelAttr = 0x1f; // white on blue
    int i = 0;
    for (; i < kVgaCols && text[i]; i++)
        vga()[row * kVgaCols + i] = uint16_t(kPanelAttr << 8 | uint8_t(text[i]));
    for (; i < kVgaCols; i++)
        vga()[row * kVgaCols + i] = uint16_t(kPanelAttr << 8 | ' ');
}

int console_getc_nonblock()
{
    if (!s_serial_present || !(uart_in(Uart::LineStatus) & kLsrDataReady))
        return -1;
    return uart_in(Uart::Data);
}

void vprintk(const char* fmt, va_list ap)
{
    SpinLockIrqGuard guard(s_lock);
    vformat_to(put_unlocked, nullptr, fmt, ap);
}

void printk(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void printk_emergency(const char* fmt, ...)
{
    bool irq = x86::irq_save();
    bool locked = false;
    for (int i = 0; i < 10000000 && !locked; i++)
        locked = s_lock.try_lock();
    va_list ap;
    va_start(ap, fmt);
    vformat_to(put_unlocked, nullptr, fmt, ap);
    va_end(ap);
    if (locked)
        s_lock.unlock();
    x86::irq_restore(irq);
}

[[noreturn]] void panic(const char* fmt, ...)
{
    x86::cli();
    printk_emergency("\nPANIC: ");
    va_list ap;
    va_start(ap, fmt);
    char buf[256];
    vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    printk_emergency("%s\n", buf);
    x86::halt_forever();
}

} // namespace oh::kernel
