// What each board provides to the port layer (implemented in boards/<name>/board.cpp).
#pragma once

#include <stdint.h>

namespace oh::arm::board {

// Runs first after .data/.bss are set up: clocks, memory, the console UART.
void early_init();
// Polled console output (used by the logger and fault reports, so it must work in ISRs).
void console_putc(char c);
// The processor clock that SysTick counts.
uint32_t cpu_hz();
const char* name();
// Called on the boot thread once the scheduler runs: create the board's threads.
void start();

} // namespace oh::arm::board
