// Starting the application processors (INIT-SIPI-SIPI) and per-CPU set-up.
#pragma once

#include <stdint.h>

#include "lib/acpi/madt.h"

namespace oh::kernel {

// Per-CPU tables (GDT/TSS/IST stacks, GS) for the BSP; call before idt_load.
void cpu_early_init_bsp();
// Start every AP listed in the MADT; returns how many CPUs are online (BSP included).
int smp_start_aps(const MadtInfo& madt);

} // namespace oh::kernel
