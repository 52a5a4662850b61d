// IDT, the saved-register frame of an interrupt, and IRQ handler registration.
#pragma once

#include <stdint.h>

namespace oh::kernel {

// Layout matches the pushes in interrupts.S (last pushed first).
struct InterruptFrame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(InterruptFrame) == 22 * 8);

constexpr uint8_t kIrqVectorBase = 0x20;  // IO-APIC pins map to 0x20 + gsi
constexpr uint8_t kVectorTimer = 0xe0;     // LAPIC timer
constexpr uint8_t kVectorReschedule = 0xf0;
constexpr uint8_t kVectorHaltAll = 0xf1;   // panic: stop the other CPUs
constexpr uint8_t kVectorSpurious = 0xff;

using IrqHandler = void (*)(void* ctx);

void idt_init();          // build the shared IDT (BSP, once)
void idt_load();          // load it on this CPU
// Route a vector to a handler; up to a few handlers may share a (level-triggered) vector.
bool irq_register(uint8_t vector, IrqHandler handler, void* ctx);

// Nesting depth of interrupt handling on this CPU (0 in thread context).
int irq_depth();

} // namespace oh::kernel
