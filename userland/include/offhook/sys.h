// The user runtime: system call wrappers (the ABI in lib/abi/syscall.h) and a few helpers.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/abi/syscall.h"

namespace sys {

// SYSCALL clobbers RCX and R11 [intel/vol2b SYSCALL]; the kernel preserves everything else.
inline int64_t call(oh::abi::Sys nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0)
{
    int64_t r;
    asm volatile("syscall"
                 : "=a"(r)
                 : "a"(uint64_t(nr)), "D"(a0), "S"(a1), "d"(a2)
                 : "rcx", "r11", "memory");
    return r;
}

// Any number and all six argument registers, for tests of the kernel's refusals.
inline int64_t call_raw(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0,
                        uint64_t a4 = 0, uint64_t a5 = 0)
{
    int64_t r;
    register uint64_t r10 asm("r10") = a3;
    register uint64_t r8 asm("r8") = a4;
    register uint64_t r9 asm("r9") = a5;
    asm volatile("syscall"
                 : "=a"(r)
                 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                 : "rcx", "r11", "memory");
    return r;
}

[[noreturn]] inline void exit(int code)
{
    call(oh::abi::Sys::Exit, uint64_t(int64_t(code)));
    __builtin_unreachable();
}
inline int64_t write(int fd, const void* buf, size_t len) { return call(oh::abi::Sys::Write, uint64_t(fd), uint64_t(buf), len); }
inline int64_t read(int fd, void* buf, size_t len) { return call(oh::abi::Sys::Read, uint64_t(fd), uint64_t(buf), len); }
inline uint64_t clock_ns() { return uint64_t(call(oh::abi::Sys::Clock)); }
inline int64_t sleep_ns(uint64_t ns) { return call(oh::abi::Sys::Sleep, ns); }
inline int64_t getpid() { return call(oh::abi::Sys::GetPid); }
// A child running program `name` with the argument string `args`: its pid, or -error.
inline int64_t spawn(const char* name, size_t name_len, const char* args, size_t args_len)
{
    return call_raw(uint64_t(oh::abi::Sys::Spawn), uint64_t(name), name_len, uint64_t(args), args_len);
}
inline int64_t wait(int64_t pid, uint64_t flags = 0) { return call(oh::abi::Sys::Wait, uint64_t(pid), flags); }
inline int64_t args(char* buf, size_t len) { return call(oh::abi::Sys::Args, uint64_t(buf), len); }
inline int64_t phone_command(const char* line, size_t len)
{
    return call(oh::abi::Sys::PhoneCommand, uint64_t(line), len);
}
// One of the kernel console's commands (only for the console's shell): 0, -ENOENT, -EPERM.
inline int64_t kernel_command(const char* line, size_t len)
{
    return call(oh::abi::Sys::KernelCommand, uint64_t(line), len);
}
inline int64_t open(const char* path, size_t len, uint64_t flags = oh::abi::kOpenRead)
{
    return call(oh::abi::Sys::Open, uint64_t(path), len, flags);
}
inline int64_t close(int64_t fd) { return call(oh::abi::Sys::Close, uint64_t(fd)); }
inline int64_t readdir(int64_t fd, char* buf, size_t len)
{
    return call(oh::abi::Sys::ReadDir, uint64_t(fd), uint64_t(buf), len);
}
inline int64_t phone_event(char* buf, size_t len, uint64_t timeout_ns)
{
    return call(oh::abi::Sys::PhoneEvent, uint64_t(buf), len, timeout_ns);
}

} // namespace sys

// userland/lib/util.cpp
size_t str_len(const char* s);
void print(const char* s);                 // to fd 1
void print_int(int64_t v);                 // decimal
void print_hex(uint64_t v);                // 0x...
// The argument string this program was started with, NUL-terminated, leading spaces gone.
const char* program_args();
void print_error(const char* what, int64_t err); // "what: error N (name)\n" to fd 2
// Formatted output to fd 1 through the kernel's shared formatter (lib/format.h: %d %u %x %s
// %c %p, l/ll/z, width, '-', '0', %.*s); returns the length of the output.
size_t printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

int main();
