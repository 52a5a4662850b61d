// User processes: a program image from the boot modules, its own address space, one thread
// in the normal scheduling class, and its end (exit or a fault that kills it).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>
#include <string_view>

#include "lib/boot/multiboot2.h"
#include "lib/cmdline/cmdline.h"
#include "lib/result.h"

namespace oh::kernel {

class AddressSpace;
struct InterruptFrame;
struct Thread;

struct Process {
    uint32_t pid;
    char name[24];
    AddressSpace* as;
    Thread* thread;
    uint64_t entry;     // where it starts in ring 3
    uint64_t stack_top; // its initial RSP
    char args[128];     // the argument string it was spawned with (NUL-terminated)
    Process* children[4] {}; // spawned by it and not yet waited for (abi::kMaxChildren)
    uint64_t event_seq { 0 }; // the next phone event it reads (set at spawn: events to come)
    uint32_t parent_pid { 0 }; // 0: started by the kernel
    struct File {
        bool used { false };
        bool directory { false };
        uint8_t mode { 0 };   // abi::kOpen*
        char path[64] {};
        uint32_t offset { 0 }; // next byte read
        uint32_t dir_index { 0 }; // entries already returned by readdir
    } files[4]; // fd 3 + i (abi::kMaxFiles)
};

// Programs are the boot modules, each named by its module string (`module2 FILE NAME`).
void programs_init(const BootInfo& boot);
std::span<const uint8_t> program_image(std::string_view name); // empty when unknown
size_t program_count();
std::string_view program_name(size_t i);

// Check, load and start a program; the caller must process_wait() for it.
Result<Process*> process_spawn(std::string_view name, std::string_view args = {}, uint32_t parent_pid = 0);
// The running processes as text, "PID PARENT NAME\n" each; returns the bytes written.
size_t process_list(char* out, size_t cap);
// Wait for it to end, report a normal exit on the console, free it; returns its exit code
// (-1000 - vector when a fault killed it).
int process_wait(Process* p);
// Spawn and wait; an error to start is reported and returned as -1.
int process_run(std::string_view name);
// The console's shell (init=, sh by default): its pid while it runs, 0 otherwise. Only it
// may run the kernel console's commands (the KernelCommand system call).
uint32_t console_shell_pid();

// The shell's `run` and `progs`; then `bg=` programs started, `run=` programs run in turn.
void processes_boot(const CommandLine& cl);

Process* current_process(); // nullptr in a kernel thread
[[noreturn]] void process_exit(int code);
// A CPU exception taken in ring 3: report it with the program's name, end that process.
[[noreturn]] void process_fault(const InterruptFrame& f, const char* what);

} // namespace oh::kernel
