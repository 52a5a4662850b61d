// Symbolized backtraces from frame pointers and the kernel's embedded symbol table.
#pragma once

#include <stdint.h>

namespace oh::kernel {

struct Symbol {
    const char* name;
    uint64_t offset; // from the symbol's start
};

// nullptr name when the address is not inside kernel text.
Symbol symbolize(uint64_t address);

// Print up to `max_frames` frames, starting at `rip` with frame pointer `rbp`. Every frame
// pointer is checked against [stack_low, stack_high) before it is read.
// `rsp` (optional) lets a fault inside a frameless leaf function still show its caller:
// GCC sets up no frame in functions that need none, whatever -fno-omit-frame-pointer says.
void print_backtrace(uint64_t rip, uint64_t rbp, uint64_t stack_low, uint64_t stack_high, int max_frames = 16,
                     uint64_t rsp = 0);

} // namespace oh::kernel
