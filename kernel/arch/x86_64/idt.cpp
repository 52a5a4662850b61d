// The IDT, interrupt dispatch to registered handlers, and CPU exception reports.
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/usermode.h"
#include "kernel/console/console.h"
#include "kernel/dev/random.h"
#include "kernel/debug/backtrace.h"
#include "kernel/proc/process.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/spinlock.h"

extern "C" const uint8_t isr_stubs[];
extern "C" uint8_t boot_stack_bottom[], boot_stack_top[];

namespace oh::kernel {

namespace {

// [intel/vol3 6.14.1] 64-bit IDT gate descriptor
struct [[gnu::packed]] IdtGate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};
static_assert(sizeof(IdtGate) == 16);

constinit IdtGate s_idt[256] {};

constexpr int kHandlersPerVector = 4;
struct HandlerSlot {
    IrqHandler fn;
    void* ctx;
};
constinit HandlerSlot s_handlers[256][kHandlersPerVector] {};
constinit SpinLock s_handlers_lock;

const char* const kExceptionNames[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
    "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check", "#MC machine check",
    "#XM SIMD error", "#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
    "reserved 24", "reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
    "#VC VMM communication", "#SX security", "reserved 31",
};

void set_gate(int vector, uint64_t handler, uint8_t ist)
{
    s_idt[vector] = IdtGate {
        uint16_t(handler),
        kKernelCs,
        ist,
        0x8e, // present, DPL 0, 64-bit interrupt gate (IF cleared on entry)
        uint16_t(handler >> 16),
        uint32_t(handler >> 32),
        0,
    };
}

[[noreturn]] void halt_this_cpu()
{
    x86::halt_forever();
}

void report_exception(const InterruptFrame& f)
{
    Cpu& cpu = this_cpu();
    Thread* t = cpu.current;
    printk_emergency("\n*** cpu %u: exception %lu (%s), error 0x%lx\n", cpu.index, f.vector,
                     kExceptionNames[f.vector & 31], f.error);
    if (t)
        printk_emergency("*** in thread %u '%s'\n", thread_id(t), thread_name(t));
    Symbol s = symbolize(f.rip);
    printk_emergency("rip %p %s+0x%lx  cs %lx rflags %lx\n", reinterpret_cast<void*>(f.rip),
                     s.name ? s.name : "??", s.offset, f.cs, f.rflags);
    if (f.vector == 14) {
        uint64_t cr2 = x86::read_cr2();
        printk_emergency("cr2 %p (%s, %s, %s)\n", reinterpret_cast<void*>(cr2),
                         f.error & 1 ? "protection" : "not present", f.error & 2 ? "write" : "read",
                         f.error & 16 ? "instruction fetch" : "data");
    }
    printk_emergency("rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f.rax, f.rbx, f.rcx, f.rdx);
    printk_emergency("rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", f.rsi, f.rdi, f.rbp, f.rsp);
    printk_emergency("r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", f.r8, f.r9, f.r10, f.r11);
    printk_emergency("r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", f.r12, f.r13, f.r14, f.r15);
    uint64_t lo = uint64_t(boot_stack_bottom), hi = uint64_t(boot_stack_top);
    if (t)
        thread_stack_bounds(t, lo, hi);
    print_backtrace(f.rip, f.rbp, lo, hi, 16, f.rsp);
}

void handle_exception(InterruptFrame* f)
{
    if (f->vector == 2 && panic_in_progress())
        halt_this_cpu(); // another CPU panicked and is stopping everyone
    // A fault of a user program (ring 3, so interrupts.S did SWAPGS) ends that process only.
    // NMI, #DF and #MC say nothing about the program and stay the kernel's.
    if (frame_from_user(f->cs) && f->vector != 2 && f->vector != 8 && f->vector != 18 && current_process())
        process_fault(*f, kExceptionNames[f->vector & 31]);
    report_exception(*f);
    Cpu& cpu = this_cpu();
    // A fault in a kernel thread (not in an interrupt handler, not during boot) ends that
    // thread; the rest of the kernel carries on in a known state.
    if (cpu.current && cpu.current != cpu.idle && cpu.irq_depth == 0 && scheduler_running() &&
        (f->cs & 3) == 0 && f->vector != 18) {
        printk_emergency("*** thread '%s' killed\n", thread_name(cpu.current));
        thread_exit_on_fault(int(f->vector));
    }
    panic("unrecoverable exception %lu on cpu %u", f->vector, cpu.index);
}

} // namespace

void idt_init()
{
    for (int v = 0; v < 256; v++) {
        uint8_t ist = 0;
        if (v == 8)
            ist = kIstDoubleFault;
        else if (v == 2)
            ist = kIstNmi;
        else if (v == 18)
            ist = kIstMachineCheck;
        set_gate(v, uint64_t(isr_stubs) + 16 * v, ist);
    }
}

void idt_load()
{
    struct [[gnu::packed]] {
        uint16_t limit;
        uint64_t base;
    } idtr { sizeof(s_idt) - 1, uint64_t(s_idt) };
    asm volatile("lidt %0" ::"m"(idtr));
}

bool irq_register(uint8_t vector, IrqHandler handler, void* ctx)
{
    SpinLockIrqGuard guard(s_handlers_lock);
    for (auto& slot : s_handlers[vector]) {
        if (!slot.fn) {
            slot.ctx = ctx;
            __atomic_store_n(&slot.fn, handler, __ATOMIC_RELEASE);
            return true;
        }
    }
    return false;
}

int irq_depth() { return this_cpu().irq_depth; }

} // namespace oh::kernel

using namespace oh::kernel;

extern "C" void interrupt_dispatch(InterruptFrame* f)
{
    if (f->vector < 32) {
        handle_exception(f);
        return;
    }
    Cpu& cpu = this_cpu();
    if (f->vector == kVectorSpurious)
        return; // [intel/vol3 11.9] no EOI for the spurious vector
    if (f->vector == kVectorHaltAll)
        oh::x86::halt_forever();
    cpu.irq_depth++;
    cpu.irq_count++;
    random_note_interrupt(cpu, f->vector);
    for (auto& slot : s_handlers[f->vector]) {
        IrqHandler fn = __atomic_load_n(&slot.fn, __ATOMIC_ACQUIRE);
        if (fn)
            fn(slot.ctx);
    }
    lapic_eoi();
    cpu.irq_depth--;
    if (cpu.irq_depth == 0)
        scheduler_irq_exit();
}
