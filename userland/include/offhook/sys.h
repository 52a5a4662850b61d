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

} // namespace sys

// userland/lib/util.cpp
size_t str_len(const char* s);
void print(const char* s);                 // to fd 1
void print_int(int64_t v);                 // decimal
void print_hex(uint64_t v);                // 0x...

int main();
