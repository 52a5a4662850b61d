// kernel_main: the boot sequence, in the order each subsystem needs the previous one.
#include <stdint.h>

#include "lib/acpi/madt.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/arch/x86_64/ioapic.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/smp.h"
#include "lib/cmdline/cmdline.h"
#include "lib/boot/multiboot2.h"
#include "kernel/console/console.h"
#include "kernel/dev/platform.h"
#include "kernel/dev/random.h"
#include "kernel/kernel.h"
#include "kernel/mm/layout.h"
#include "kernel/mm/memory.h"
#include "kernel/proc/process.h"
#include "kernel/sched/sched.h"
#include "kernel/time/time.h"

namespace oh::kernel {

namespace {

constexpr uint32_t kMultiboot2Magic = 0x36d76289;

constinit BootInfo s_boot {};
constinit MadtInfo s_madt {};
constinit char s_cmdline[1024] {};
constinit CommandLine s_cl;

class DirectMapReader final : public PhysReader {
public:
    std::span<const uint8_t> read(uint64_t phys, size_t len) override
    {
        if (phys == 0 || phys + len > (4ull << 30))
            return {};
        return { static_cast<const uint8_t*>(phys_to_virt(phys)), len };
    }
};

void parse_boot_info(uint32_t magic, uint64_t mbi_phys)
{
    if (magic != kMultiboot2Magic)
        panic("not booted by a multiboot2 loader (magic %x)", magic);
    auto* mbi = static_cast<const uint8_t*>(phys_to_virt(mbi_phys));
    uint32_t size = *reinterpret_cast<const uint32_t*>(mbi);
    if (auto r = parse_multiboot2({ mbi, size }, s_boot); r.is_error())
        panic("bad multiboot2 info: %s", r.error_info().text());
    // Keep our own copy: the boot info's memory is given back to the frame allocator later.
    size_t n = s_boot.cmdline.size() < sizeof s_cmdline - 1 ? s_boot.cmdline.size() : sizeof s_cmdline - 1;
    for (size_t i = 0; i < n; i++)
        s_cmdline[i] = s_boot.cmdline[i];
    s_cl = CommandLine({ s_cmdline, n });
}

void acpi_init()
{
    DirectMapReader mem;
    auto madt_addr = find_table(s_boot.rsdp, mem, "APIC");
    if (madt_addr.is_error())
        panic("ACPI: no MADT (%s)", madt_addr.error_info().text());
    auto head = mem.read(madt_addr.value(), 8);
    uint32_t len = *reinterpret_cast<const uint32_t*>(head.data() + 4);
    auto madt = parse_madt(mem.read(madt_addr.value(), len));
    if (madt.is_error())
        panic("ACPI: bad MADT (%s)", madt.error_info().text());
    s_madt = madt.value();
    printk("acpi: %zu cpus, %zu io-apics, %zu overrides, lapic at %lx\n", s_madt.cpu_count,
           s_madt.ioapic_count, s_madt.override_count, s_madt.lapic_address);
}

void init_thread(void*)
{
    kernel_late_init(s_cl);
}

} // namespace

const CommandLine& kernel_cmdline() { return s_cl; }
const MadtInfo& kernel_madt() { return s_madt; }

} // namespace oh::kernel

using namespace oh::kernel;

extern "C" const uint8_t _init_array_start[], _init_array_end[];

extern "C" [[noreturn]] void kernel_main(uint32_t magic, uint64_t mbi_phys)
{
    set_boot_tsc(oh::x86::rdtsc());
    cpu_early_init_bsp();
    console_init();
    printk("Offhook x86-64 kernel\n");
    // Nothing runs global constructors here, on purpose: globals are constinit.
    if (_init_array_end - _init_array_start != 0)
        panic("a global needs a static constructor; make it constinit");
    parse_boot_info(magic, mbi_phys);
    printk("cmdline: %s\n", s_cmdline);
    idt_init();
    idt_load();

    boot_mark_early("boot information parsed");
    frames_init(s_boot, mbi_phys);
    paging_init();
    heap_init(16ull << 20);
    boot_mark_early("memory ready");
    printk("mm: %zu MiB free of %zu MiB\n", frames_free() * kPageSize >> 20, frames_total() * kPageSize >> 20);
    programs_init(s_boot); // the boot modules: user programs, kept where GRUB loaded them

    boot_mark_early("boot modules kept");
    acpi_init();
    pic_disable();
    lapic_init(s_madt.lapic_address);
    ioapic_init(s_madt);
    boot_mark_early("acpi, lapic, io-apic ready");
    time_init();
    boot_marks_flush_early();
    boot_mark("tsc and lapic timer calibrated");
    printk("time: tsc %lu MHz, lapic timer %lu kHz\n", tsc_hz() / 1000000, lapic_timer_hz() / 1000);

    scheduler_init();
    scheduler_cpu_init(0);
    // PCI enumeration sizes BARs (decode off, all-ones, restore): each write changes the
    // emulator's memory map. QEMU 7.2's multi-threaded TCG swaps every vCPU's dispatch table
    // at once while other vCPUs may still be doing MMIO (fixed upstream by "softmmu: Use
    // async_run_on_cpu in tcg_commit"), and crashed in 1 of 20 boots at -smp 4 when the APs
    // were already up. Done here, only the BSP runs.
    pci_init();
    boot_mark("pci enumerated");
    // Before the APs and the init thread: everything that draws random numbers (the network
    // stack, the phone) starts after this. Late enough that boot timing has varied.
    random_init();
    int online = smp_start_aps(s_madt);
    uint64_t boot_us = tsc_to_ns(oh::x86::rdtsc() - boot_tsc()) / 1000;
    printk("smp: %d cpus online (%lu.%03lu ms after kernel entry)\n", online, boot_us / 1000, boot_us % 1000);

    ThreadOptions opts;
    if (!thread_create("init", init_thread, nullptr, opts))
        panic("cannot create init thread");
    scheduler_idle_loop();
}
