// IO-APIC driver. [82093AA IOAPIC datasheet §3.2: IOREGSEL/IOWIN, redirection table]
#include "kernel/arch/x86_64/ioapic.h"

#include "kernel/mm/layout.h"
#include "kernel/sync/spinlock.h"

namespace oh::kernel {

namespace {

constexpr uint32_t kRegVersion = 0x01;
constexpr uint32_t kRegRedirBase = 0x10;
constexpr uint64_t kRedirMasked = 1ull << 16;
constexpr uint64_t kRedirLevel = 1ull << 15;
constexpr uint64_t kRedirActiveLow = 1ull << 13;

struct IoApic {
    volatile uint32_t* base;
    uint32_t gsi_base;
    uint32_t pins;
};

constinit IoApic s_ioapics[MadtInfo::kMaxIoApics] {};
constinit int s_count = 0;
constinit MadtInfo const* s_madt = nullptr;
constinit SpinLock s_lock;

uint32_t read(IoApic& a, uint32_t reg)
{
    a.base[0] = reg;
    return a.base[4];
}
void write(IoApic& a, uint32_t reg, uint32_t v)
{
    a.base[0] = reg;
    a.base[4] = v;
}

IoApic* find(uint32_t gsi)
{
    for (int i = 0; i < s_count; i++)
        if (gsi >= s_ioapics[i].gsi_base && gsi < s_ioapics[i].gsi_base + s_ioapics[i].pins)
            return &s_ioapics[i];
    return nullptr;
}

} // namespace

void ioapic_init(const MadtInfo& madt)
{
    s_madt = &madt;
    for (size_t i = 0; i < madt.ioapic_count; i++) {
        IoApic& a = s_ioapics[s_count++];
        a.base = static_cast<volatile uint32_t*>(phys_to_virt(madt.ioapics[i].address));
        a.gsi_base = madt.ioapics[i].gsi_base;
        a.pins = ((read(a, kRegVersion) >> 16) & 0xff) + 1;
        for (uint32_t pin = 0; pin < a.pins; pin++) {
            write(a, kRegRedirBase + 2 * pin, uint32_t(kRedirMasked));
            write(a, kRegRedirBase + 2 * pin + 1, 0);
        }
    }
}

bool ioapic_route(uint32_t gsi, uint8_t vector, uint32_t apic_id, bool level, bool active_low)
{
    SpinLockIrqGuard guard(s_lock);
    IoApic* a = find(gsi);
    if (!a)
        return false;
    uint32_t pin = gsi - a->gsi_base;
    uint64_t entry = vector; // fixed delivery, physical destination
    if (level)
        entry |= kRedirLevel;
    if (active_low)
        entry |= kRedirActiveLow;
    write(*a, kRegRedirBase + 2 * pin + 1, apic_id << 24);
    write(*a, kRegRedirBase + 2 * pin, uint32_t(entry));
    return true;
}

void ioapic_mask(uint32_t gsi, bool masked)
{
    SpinLockIrqGuard guard(s_lock);
    IoApic* a = find(gsi);
    if (!a)
        return;
    uint32_t pin = gsi - a->gsi_base;
    uint32_t low = read(*a, kRegRedirBase + 2 * pin);
    low = masked ? (low | uint32_t(kRedirMasked)) : (low & ~uint32_t(kRedirMasked));
    write(*a, kRegRedirBase + 2 * pin, low);
}

bool ioapic_route_isa(uint8_t irq, uint8_t vector, uint32_t apic_id)
{
    InterruptOverride o = s_madt ? s_madt->isa_irq(irq) : InterruptOverride { irq, irq, false, false };
    return ioapic_route(o.gsi, vector, apic_id, o.level, o.active_low);
}

} // namespace oh::kernel
