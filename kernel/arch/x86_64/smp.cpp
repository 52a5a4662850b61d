// SMP bring-up: each AP gets its own GDT/TSS, IST stacks, LAPIC set-up and idle thread.
#include "kernel/arch/x86_64/smp.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/usermode.h"
#include "kernel/console/console.h"
#include "kernel/mm/layout.h"
#include "kernel/mm/memory.h"
#include "kernel/sched/sched.h"
#include "kernel/time/time.h"
#include "lib/bytes.h"

extern "C" uint8_t trampoline_start[], trampoline_end[], trampoline_cr3[], trampoline_stack[],
    trampoline_entry[], trampoline_cpu[];

namespace oh::kernel {

constinit Cpu g_cpus[kMaxCpus] {};
constinit int g_cpu_count = 1;

namespace {
constexpr uint64_t kTrampolinePhys = 0x8000;

uint64_t tramp_field(uint8_t* sym) { return kTrampolinePhys + uint64_t(sym - trampoline_start); }

void setup_tables(Cpu& cpu)
{
    uint64_t ist[3];
    for (auto& top : ist) {
        auto s = stack_alloc();
        if (s.is_error())
            panic("smp: no memory for IST stacks");
        top = s.value().top;
    }
    gdt_load(cpu.tables, ist);
    usermode_cpu_init();
}

extern "C" [[noreturn]] void ap_entry(Cpu* cpu)
{
    percpu_install(*cpu);
    setup_tables(*cpu);
    idt_load();
    lapic_init_ap();
    scheduler_cpu_init(int(cpu->index));
    __atomic_store_n(&cpu->online, true, __ATOMIC_RELEASE);
    scheduler_idle_loop();
}
} // namespace

void percpu_install(Cpu& cpu)
{
    cpu.self = &cpu;
    x86::wrmsr(x86::msr::kGsBase, reinterpret_cast<uint64_t>(&cpu));
}

int online_cpu_count()
{
    int n = 0;
    for (auto& c : g_cpus)
        n += __atomic_load_n(&c.online, __ATOMIC_ACQUIRE);
    return n;
}

void cpu_early_init_bsp()
{
    Cpu& bsp = g_cpus[0];
    bsp.index = 0;
    percpu_install(bsp);
}

int smp_start_aps(const MadtInfo& madt)
{
    Cpu& bsp = g_cpus[0];
    bsp.apic_id = lapic_id();
    setup_tables(bsp);
    bsp.online = true;

    size_t size = size_t(trampoline_end - trampoline_start);
    copy_bytes(phys_to_virt(kTrampolinePhys), trampoline_start, size);
    auto field = [](uint8_t* sym) { return static_cast<uint64_t*>(phys_to_virt(tramp_field(sym))); };
    *field(trampoline_cr3) = kernel_cr3();
    *field(trampoline_entry) = reinterpret_cast<uint64_t>(&ap_entry);

    int next = 1;
    for (size_t i = 0; i < madt.cpu_count && next < kMaxCpus; i++) {
        uint8_t apic = madt.cpu_apic_ids[i];
        if (apic == bsp.apic_id)
            continue;
        Cpu& cpu = g_cpus[next];
        cpu.index = uint32_t(next);
        cpu.apic_id = apic;
        auto stack = stack_alloc();
        if (stack.is_error())
            break;
        *field(trampoline_stack) = stack.value().top;
        *field(trampoline_cpu) = reinterpret_cast<uint64_t>(&cpu);
        asm volatile("mfence" ::: "memory");
        // INIT, then two STARTUPs. Modern CPUs (and QEMU) need no 10 ms INIT delay; like
        // Linux on family 6+ we skip it, and wait only for the AP to report in.
        lapic_send_init(apic);
        udelay(100);
        lapic_send_startup(apic, uint8_t(kTrampolinePhys >> 12));
        uint64_t deadline = monotonic_ns() + 200'000'000;
        bool second_sent = false;
        while (!__atomic_load_n(&cpu.online, __ATOMIC_ACQUIRE) && monotonic_ns() < deadline) {
            if (!second_sent && monotonic_ns() + 199'800'000 > deadline) {
                lapic_send_startup(apic, uint8_t(kTrampolinePhys >> 12));
                second_sent = true;
            }
            x86::pause();
        }
        if (!cpu.online) {
            printk("smp: cpu with APIC id %u did not start\n", apic);
            continue;
        }
        next++;
    }
    g_cpu_count = next;
    return online_cpu_count();
}

} // namespace oh::kernel
