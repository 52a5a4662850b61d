// Vector table, C++ reset path (.data copy, .bss zero, constructors check), fault reports
// and device-interrupt dispatch for ARMv7-M.
#include <stddef.h>
#include <stdint.h>

#include "port/armv7m/board.h"
#include "port/armv7m/console.h"
#include "port/armv7m/cpu.h"
#include "port/armv7m/irq.h"
#include "port/armv7m/nvic.h"
#include "port/armv7m/scs.h"
#include "port/armv7m/systick.h"
#include "port/armv7m/thread.h"

// Linker-script symbols (see boards/*/*.ld).
extern "C" {
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __dtcm_start[], __dtcm_end[];
extern uint32_t __main_stack_limit[], __main_stack_top[], __process_stack_top[];
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
void Reset_Handler();
void PendSV_Handler();
void SysTick_Handler();
void oh_arm_reset();
}

namespace oh::arm {

namespace {

struct IrqSlot {
    IrqHandler handler;
    void* context;
};
constinit IrqSlot s_irqs[kMaxIrqs] {};
constinit uint32_t s_spurious = 0;

void fault_report(const char* what, const uint32_t* frame)
{
    irq_disable();
    kprint("\n*** %s: CFSR=%08lx HFSR=%08lx MMFAR=%08lx BFAR=%08lx\n", what,
        (unsigned long)scs::reg32(scs::kCfsr), (unsigned long)scs::reg32(scs::kHfsr),
        (unsigned long)scs::reg32(scs::kMmfar), (unsigned long)scs::reg32(scs::kBfar));
    kprint("*** pc=%08lx lr=%08lx r0=%08lx r1=%08lx r12=%08lx xpsr=%08lx thread=%s\n",
        (unsigned long)frame[6], (unsigned long)frame[5], (unsigned long)frame[0],
        (unsigned long)frame[1], (unsigned long)frame[4], (unsigned long)frame[7],
        current_thread().name);
    for (;;)
        wfi();
}

} // namespace

void irq_register(unsigned irq, IrqHandler handler, void* context)
{
    if (irq >= kMaxIrqs)
        return;
    IrqGuard guard;
    s_irqs[irq] = { handler, context };
}

uint32_t irq_spurious_count() { return s_spurious; }

namespace {
constexpr uint32_t kStackPaint = 0x5A5A5A5Au; // as thread.cpp's kStackFill

StackUse painted_use(const uint32_t* bottom, const uint32_t* top)
{
    const uint32_t* p = bottom;
    while (p < top && *p == kStackPaint)
        p++;
    return { size_t(top - p) * 4, size_t(top - bottom) * 4 };
}

// Before anything runs on the handler stack (no exception is enabled yet) and below where
// the boot code is running on its own.
void paint_stacks()
{
    for (uint32_t* p = __main_stack_limit; p < __main_stack_top; p++)
        *p = kStackPaint;
    uint32_t* sp = static_cast<uint32_t*>(__builtin_frame_address(0)) - 64; // 256 bytes below this frame
    for (uint32_t* p = __main_stack_top; p < sp; p++)
        *p = kStackPaint;
}
} // namespace

StackUse handler_stack_use() { return painted_use(__main_stack_limit, __main_stack_top); }
StackUse boot_stack_use() { return painted_use(__main_stack_top, __process_stack_top); }

// The lowest word of each still holds its paint. The idle stack sits right above the handler
// stack and the handler stack above the board's DTCM objects, so either overflowing would
// corrupt memory silently; the idle loop checks, as stacks_intact() does for threads.
bool boot_stacks_intact() { return __main_stack_limit[0] == kStackPaint && __main_stack_top[0] == kStackPaint; }

} // namespace oh::arm

extern "C" {

// The faulting frame is on whichever stack was active: EXC_RETURN bit 2 says which.
__attribute__((naked)) void Fault_Handler()
{
    asm volatile(
        "tst lr, #4\n"
        "ite eq\n"
        "mrseq r0, msp\n"
        "mrsne r0, psp\n"
        "mrs r1, ipsr\n"
        "b oh_arm_fault\n");
}

void oh_arm_fault(const uint32_t* frame, uint32_t ipsr)
{
    static constexpr const char* kNames[] = { "?", "?", "NMI", "HardFault", "MemManage", "BusFault", "UsageFault" };
    oh::arm::fault_report(ipsr < 7 ? kNames[ipsr] : "unexpected exception", frame);
}

void Irq_Dispatch()
{
    uint32_t ipsr;
    asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    unsigned irq = ipsr - 16;
    if (irq < oh::arm::kMaxIrqs && oh::arm::s_irqs[irq].handler)
        oh::arm::s_irqs[irq].handler(oh::arm::s_irqs[irq].context);
    else {
        oh::arm::s_spurious++;
        oh::arm::nvic_disable(irq); // an unclaimed level interrupt would otherwise storm
    }
}

using Vector = void (*)();
struct VectorTable {
    uint32_t* initial_sp;
    Vector exceptions[15];
    Vector irqs[oh::arm::kMaxIrqs];
};

// ARMv7-M ARM §B1.5.3: word 0 is the initial MSP, then Reset and the system exceptions.
__attribute__((section(".vectors"), used)) constinit const VectorTable g_vectors = {
    __main_stack_top,
    {
        Reset_Handler,
        Fault_Handler, // NMI
        Fault_Handler, // HardFault
        Fault_Handler, // MemManage
        Fault_Handler, // BusFault
        Fault_Handler, // UsageFault
        nullptr, nullptr, nullptr, nullptr,
        Fault_Handler, // SVCall (unused: nothing issues svc)
        Fault_Handler, // DebugMonitor
        nullptr,
        PendSV_Handler,
        SysTick_Handler,
    },
    {
#define OH_IRQ8 Irq_Dispatch, Irq_Dispatch, Irq_Dispatch, Irq_Dispatch, Irq_Dispatch, Irq_Dispatch, Irq_Dispatch, Irq_Dispatch
        OH_IRQ8, OH_IRQ8, OH_IRQ8, OH_IRQ8, OH_IRQ8, OH_IRQ8, OH_IRQ8,
        OH_IRQ8, OH_IRQ8, OH_IRQ8, OH_IRQ8, OH_IRQ8, OH_IRQ8, OH_IRQ8,
#undef OH_IRQ8
    },
};
static_assert(sizeof(VectorTable) == 4 * (16 + oh::arm::kMaxIrqs));

// Boot order: memory (.data, .bss) -> board clocks and console -> exceptions -> time ->
// scheduler -> the board's threads. Portable objects are constinit or built explicitly by
// the board, so the init array must be empty (checked, not run).
void oh_arm_reset()
{
    uint32_t* src = __data_load;
    for (uint32_t* dst = __data_start; dst < __data_end;)
        *dst++ = *src++;
    for (uint32_t* dst = __bss_start; dst < __bss_end;)
        *dst++ = 0;
    for (uint32_t* dst = __dtcm_start; dst < __dtcm_end;)
        *dst++ = 0;
    oh::arm::paint_stacks();
    oh::arm::scs::reg32(oh::arm::scs::kVtor) = uint32_t(reinterpret_cast<uintptr_t>(&g_vectors));
    oh::arm::dsb();
    oh::arm::isb();
    oh::arm::board::early_init();
    if (__init_array_end - __init_array_start != 0)
        oh::arm::panic("%d static constructors present", int(__init_array_end - __init_array_start));
    oh::arm::system_exceptions_init();
    oh::arm::systick_init(oh::arm::board::cpu_hz());
    oh::arm::scheduler_init();
    oh::arm::irq_enable();
    oh::arm::board::start();
    for (;;) {
        if (!oh::arm::stacks_intact())
            oh::arm::panic("thread stack overflow");
        if (!oh::arm::boot_stacks_intact())
            oh::arm::panic("handler or idle stack overflow");
        oh::arm::wfi();
    }
}

} // extern "C"
