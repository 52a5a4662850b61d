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
    Spawn = 6,  // spawn(name, name_len, args, args_len) -> pid of a new child running program `name`
    Wait = 7,   // wait(pid, flags) -> the child's exit code (-1000 - vector when a fault killed it);
                // flags kWaitNoHang: -EAGAIN at once while the child still runs
    Args = 8,   // args(buf, len) -> bytes: the argument string this process was spawned with
    PhoneCommand = 9, // phone_command(line, len) -> 0: a phone console command ("dial 2000", "status")
    PhoneEvent = 10,  // phone_event(buf, len, timeout_ns) -> bytes of the next event, 0 on timeout
    Open = 11,    // open(path, path_len, flags) -> fd >= 3 on the FAT32 disk (kOpen* flags)
    Close = 12,   // close(fd) -> 0
    ReadDir = 13, // readdir(fd, buf, len) -> bytes of the next entry "NAME\tSIZE\tf|d", 0 at the end
    PowerOff = 14, // poweroff(code): the disk written back, then QEMU's isa-debug-exit (or a halt)
    Procs = 15,    // procs(buf, len) -> bytes: one line "PID PARENT NAME" per running process
    Ping = 16,     // ping(ipv4 as a.b.c.d = a<<24|..., sequence, timeout_ns) -> round trip in ns
    // kernel_command(line, len) -> 0: one of the kernel console's commands (netstat, stats,
    // pacer, df, exit ...), run as if typed there, its output on the console; -ENOENT when
    // there is no such command; -EPERM for any process but the console's shell (init=)
    KernelCommand = 17,
};
constexpr uint64_t kSysCount = 18;

// open() flags: read (the default), or write: truncate, or append.
constexpr uint64_t kOpenRead = 0;
constexpr uint64_t kOpenWrite = 1;  // created if missing, emptied
constexpr uint64_t kOpenAppend = 2; // created if missing, written at its end
constexpr uint64_t kMaxFiles = 4;   // open files per process
constexpr uint64_t kMaxPath = 63;

// Negative return values (the POSIX numbers, so they read familiarly).
constexpr int64_t kEPERM = 1;
constexpr int64_t kENOENT = 2;
constexpr int64_t kE2BIG = 7;
constexpr int64_t kEBADF = 9;
constexpr int64_t kECHILD = 10;
constexpr int64_t kEAGAIN = 11;
constexpr int64_t kENOMEM = 12;
constexpr int64_t kENODEV = 19;
constexpr int64_t kENOTDIR = 20;
constexpr int64_t kEISDIR = 21;
constexpr int64_t kEMFILE = 24;
constexpr int64_t kENOSPC = 28;
constexpr int64_t kEIO = 5;
constexpr int64_t kENETDOWN = 100;
constexpr int64_t kETIMEDOUT = 110;
constexpr int64_t kEHOSTUNREACH = 113;
constexpr int64_t kEFAULT = 14;
constexpr int64_t kEINVAL = 22;
constexpr int64_t kENOSYS = 38;

constexpr uint64_t kMaxIo = 65536; // bytes one write/read moves at most
constexpr uint64_t kMaxName = 23;  // a program's name
constexpr uint64_t kMaxArgs = 127; // a spawned program's argument string
constexpr uint64_t kWaitNoHang = 1;
constexpr uint64_t kMaxChildren = 4; // children spawned and not yet waited for, per process
constexpr uint64_t kMaxPhoneLine = 127; // a phone command line
constexpr uint64_t kMaxCommandLine = 159; // a kernel console command line (the console's own limit)

} // namespace oh::abi
