// The system call ABI shared by the kernel and userland/: numbers and error codes.
// A call puts its number in RAX and up to six arguments in RDI, RSI, RDX, R10, R8, R9, then
// executes SYSCALL (which clobbers RCX and R11); the result comes back in RAX, a negative
// value being -error [x86-64 psABI §A.2.1, the convention Linux uses too].
#pragma once

#include <stdint.h>

namespace oh::abi {

enum class Sys : uint64_t {
    Exit = 0,   // exit(code): never returns
    Write = 1,  // write(fd 1|2, buf, len) -> bytes written: the console
    Read = 2,   // read(fd 0, buf, len) -> bytes read (>= 1; blocks for console input)
    Clock = 3,  // clock() -> monotonic nanoseconds since boot
    Sleep = 4,  // sleep(ns) -> 0
    GetPid = 5, // getpid() -> this process's id
};
constexpr uint64_t kSysCount = 6;

// Negative return values (the POSIX numbers, so they read familiarly).
constexpr int64_t kEBADF = 9;
constexpr int64_t kEFAULT = 14;
constexpr int64_t kEINVAL = 22;
constexpr int64_t kENOSYS = 38;

constexpr uint64_t kMaxIo = 65536; // bytes one write/read moves at most

} // namespace oh::abi
