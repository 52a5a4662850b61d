// Local APIC: EOI, IPIs, INIT-SIPI, and the one-shot timer; the legacy 8259 PIC is masked.
#pragma once

#include <stdint.h>

namespace oh::kernel {

void pic_disable();
void lapic_init(uint64_t phys_base); // BSP: map and enable
void lapic_init_ap();                 // APs: enable (already mapped)
uint32_t lapic_id();
void lapic_eoi();
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_send_ipi_all_others(uint8_t vector);
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint8_t page);
bool lapic_ipi_pending();

// Timer: calibrated once on the BSP (the same bus clock feeds every CPU's timer).
// Calibration alongside another clock (time_init's PIT windows): start the timer counting
// down freely (masked), read its count, and set its rate from ticks counted over ns.
void lapic_timer_free_run();
uint32_t lapic_timer_count();
void lapic_timer_set_rate(uint64_t ticks, uint64_t ns);
void lapic_timer_oneshot(uint64_t ns); // 0 stops it
uint64_t lapic_timer_hz();

} // namespace oh::kernel
