// The system call table's counters (the entry is syscall_entry.S -> syscall_dispatch).
#pragma once

#include <stdint.h>

namespace oh::kernel {

struct SyscallStats {
    uint64_t calls;
    uint64_t refused; // returned an error: bad pointer, bad fd, unknown number, ...
};
SyscallStats syscall_stats();

} // namespace oh::kernel
