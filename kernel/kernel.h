// What kernel_main hands on to the rest of the kernel once the core is up.
#pragma once

#include "lib/acpi/madt.h"
#include "lib/cmdline/cmdline.h"

namespace oh::kernel {

const CommandLine& kernel_cmdline();
const MadtInfo& kernel_madt();

// Runs in the "init" thread once every CPU is online: in-kernel tests, benchmarks or the
// normal services, as the command line asks.
void kernel_late_init(const CommandLine& cl);

// Leave QEMU through isa-debug-exit (exit status (code << 1) | 1, so 0 = success -> 1);
// halts on real hardware.
[[noreturn]] void kernel_exit(int code);

} // namespace oh::kernel
