// The serial console shell: a line editor on COM1 and a table of commands subsystems add.
#pragma once

#include <stddef.h>

namespace oh::kernel {

constexpr size_t kShellMaxArgs = 8;
using ShellCommand = void (*)(int argc, const char* const* argv);

// Add a command (before or after the shell starts). Returns false when the table is full.
bool shell_register(const char* name, const char* help, ShellCommand fn);
// Run one command line as if typed (used by `cmd=` on the command line and tests).
void shell_execute(char* line);
// Start the shell thread; COM1 receive interrupts feed it.
void shell_start();

} // namespace oh::kernel
