// Local APIC driver. [intel/vol3 11.4-11.6, 11.9] Register offsets from table 11-1.
#include "kernel/arch/x86_64/lapic.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/console/console.h"
#include "kernel/mm/layout.h"
#include "kernel/time/time.h"

namespace oh::kernel {

namespace {

enum class Reg : uint32_t {
    Id = 0x20,
    Version = 0x30,
    TaskPriority = 0x80,
    Eoi = 0xb0,
    SpuriousVector = 0xf0,
    ErrorStatus = 0x280,
    IcrLow = 0x300,
    IcrHigh = 0x310,
    LvtTimer = 0x320,
    LvtLint0 = 0x350,
    LvtLint1 = 0x360,
    LvtError = 0x370,
    TimerInitial = 0x380,
    TimerCurrent = 0x390,
    TimerDivide = 0x3e0,
};

// ICR fields [intel/vol3 11.6.1]
constexpr uint32_t kIcrDeliveryInit = 5 << 8;
constexpr uint32_t kIcrDeliveryStartup = 6 << 8;
constexpr uint32_t kIcrLevelAssert = 1 << 14;
constexpr uint32_t kIcrPending = 1 << 12;
constexpr uint32_t kIcrAllExcludingSelf = 3 << 18;
constexpr uint32_t kLvtMasked = 1 << 16;
constexpr uint32_t kSvrEnable = 1 << 8;
constexpr uint32_t kTimerDivideBy16 = 0x3;

constinit volatile uint32_t* s_base = nullptr;
constinit uint64_t s_timer_hz = 0; // timer ticks per second after the divider
constinit uint64_t s_ticks_per_ns_q32 = 0;

uint32_t read(Reg r) { return s_base[uint32_t(r) / 4]; }
void write(Reg r, uint32_t v) { s_base[uint32_t(r) / 4] = v; }

void wait_icr_idle()
{
    for (int i = 0; i < 1000000 && (read(Reg::IcrLow) & kIcrPending); i++)
        x86::pause();
}

void enable_common()
{
    write(Reg::TaskPriority, 0);
    write(Reg::LvtLint0, kLvtMasked);
    write(Reg::LvtLint1, kLvtMasked);
    write(Reg::LvtError, kLvtMasked);
    write(Reg::LvtTimer, kLvtMasked | kVectorTimer);
    write(Reg::TimerDivide, kTimerDivideBy16);
    write(Reg::SpuriousVector, kSvrEnable | kVectorSpurious);
    write(Reg::ErrorStatus, 0);
    write(Reg::Eoi, 0);
}

} // namespace

void pic_disable()
{
    // Remap the 8259s to 0x20/0x28 first so a stray interrupt cannot look like an exception,
    // then mask every line. [8259A datasheet ICW1-ICW4]
    constexpr uint16_t kMasterCmd = 0x20, kMasterData = 0x21, kSlaveCmd = 0xa0, kSlaveData = 0xa1;
    x86::outb(kMasterCmd, 0x11);
    x86::io_wait();
    x86::outb(kSlaveCmd, 0x11);
    x86::io_wait();
    x86::outb(kMasterData, 0x20);
    x86::outb(kSlaveData, 0x28);
    x86::outb(kMasterData, 4);
    x86::outb(kSlaveData, 2);
    x86::outb(kMasterData, 1);
    x86::outb(kSlaveData, 1);
    x86::outb(kMasterData, 0xff);
    x86::outb(kSlaveData, 0xff);
}

void lapic_init(uint64_t phys_base)
{
    s_base = static_cast<volatile uint32_t*>(phys_to_virt(phys_base));
    uint64_t msr = x86::rdmsr(x86::msr::kApicBase);
    x86::wrmsr(x86::msr::kApicBase, msr | (1 << 11)); // global enable
    enable_common();
}

void lapic_init_ap()
{
    uint64_t msr = x86::rdmsr(x86::msr::kApicBase);
    x86::wrmsr(x86::msr::kApicBase, msr | (1 << 11));
    enable_common();
}

uint32_t lapic_id() { return read(Reg::Id) >> 24; }
void lapic_eoi()
{
    if (s_base)
        write(Reg::Eoi, 0);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
    bool irq = x86::irq_save();
    wait_icr_idle();
    write(Reg::IcrHigh, apic_id << 24);
    write(Reg::IcrLow, vector);
    x86::irq_restore(irq);
}

void lapic_send_ipi_all_others(uint8_t vector)
{
    bool irq = x86::irq_save();
    wait_icr_idle();
    write(Reg::IcrHigh, 0);
    write(Reg::IcrLow, kIcrAllExcludingSelf | vector);
    x86::irq_restore(irq);
}

void lapic_send_init(uint32_t apic_id)
{
    wait_icr_idle();
    write(Reg::IcrHigh, apic_id << 24);
    write(Reg::IcrLow, kIcrDeliveryInit | kIcrLevelAssert);
    wait_icr_idle();
}

void lapic_send_startup(uint32_t apic_id, uint8_t page)
{
    wait_icr_idle();
    write(Reg::IcrHigh, apic_id << 24);
    write(Reg::IcrLow, kIcrDeliveryStartup | page);
    wait_icr_idle();
}

bool lapic_ipi_pending() { return read(Reg::IcrLow) & kIcrPending; }

void lapic_timer_free_run()
{
    write(Reg::LvtTimer, kLvtMasked | kVectorTimer);
    write(Reg::TimerInitial, 0xffffffff);
}

uint32_t lapic_timer_count() { return read(Reg::TimerCurrent); }

void lapic_timer_set_rate(uint64_t ticks, uint64_t ns)
{
    write(Reg::TimerInitial, 0);
    s_timer_hz = ns ? ticks * 1'000'000'000ull / ns : 0; // ticks < 2^32: no overflow
    s_ticks_per_ns_q32 = (s_timer_hz << 32) / 1'000'000'000ull;
}

void lapic_timer_oneshot(uint64_t ns)
{
    if (ns == 0) {
        write(Reg::TimerInitial, 0);
        return;
    }
    uint64_t ticks = uint64_t((unsigned __int128)ns * s_ticks_per_ns_q32 >> 32);
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffffull)
        ticks = 0xffffffffull;
    write(Reg::LvtTimer, kVectorTimer); // one-shot, unmasked
    write(Reg::TimerInitial, uint32_t(ticks));
}

uint64_t lapic_timer_hz() { return s_timer_hz; }

} // namespace oh::kernel
