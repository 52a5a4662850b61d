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
// The same, for the user shell's KernelCommand system call: false (and nothing printed)
// when the line names no command.
bool shell_run_command(char* line);
// Start the shell thread; COM1 receive interrupts feed it.
void shell_start();
// Console input for a program: while any reader waits here, typed bytes go to it (echoed,
// CR as LF) instead of the shell's line editor. Blocks until at least one byte came; returns
// how many were stored (at most `len`).
size_t shell_read_input(char* buf, size_t len);
// A line split in place into words at spaces (at most kShellMaxArgs); returns their count.
int shell_split(char* line, const char* (&argv)[kShellMaxArgs + 1]);
// While a user shell owns the console (init=sh), every typed byte is queued for programs,
// read or not yet, so nothing typed ahead is lost to the kernel's shell.
void shell_set_console_owned(bool owned);
// The kernel console takes the console for good (no user shell, or it cannot start): it
// shows its "> " prompt from then on.
void shell_take_console();

} // namespace oh::kernel
