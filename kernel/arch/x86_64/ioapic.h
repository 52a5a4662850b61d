// IO-APIC: routes global system interrupts (GSIs) to vectors on a chosen CPU.
#pragma once

#include <stdint.h>

#include "lib/acpi/madt.h"

namespace oh::kernel {

void ioapic_init(const MadtInfo& madt); // mask every pin of every IO-APIC
// Route `gsi` to `vector` on the CPU with `apic_id`. Level-triggered lines (PCI INTx) are
// active low; ISA lines follow the MADT overrides.
bool ioapic_route(uint32_t gsi, uint8_t vector, uint32_t apic_id, bool level, bool active_low);
void ioapic_mask(uint32_t gsi, bool masked);
// Route a legacy ISA IRQ, applying the MADT's interrupt source overrides.
bool ioapic_route_isa(uint8_t irq, uint8_t vector, uint32_t apic_id);

} // namespace oh::kernel
