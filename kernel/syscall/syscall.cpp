// The system call table: every argument checked before use, an error code (never a kernel
// fault) for anything bad. Entered from syscall_entry.S with the caller's saved registers.
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/console/console.h"
#include "kernel/console/shell.h"
#include "kernel/mm/address_space.h"
#include "kernel/phone/phone.h"
#include "kernel/phone/phone_events.h"
#include "kernel/proc/process.h"
#include "kernel/sched/sched.h"
#include "kernel/syscall/syscall.h"
#include "kernel/time/time.h"
#include "lib/abi/syscall.h"

namespace oh::kernel {

namespace {

using namespace oh::abi;

struct Args {
    uint64_t a0, a1, a2, a3, a4, a5;
};

using Handler = int64_t (*)(Process& p, const Args& a);

constinit uint64_t s_calls = 0;
constinit uint64_t s_refused = 0; // calls that returned an error

int64_t sys_exit(Process&, const Args& a) { process_exit(int(int32_t(a.a0))); }

int64_t sys_write(Process& p, const Args& a)
{
    if (a.a0 != 1 && a.a0 != 2)
        return -kEBADF;
    uint64_t len = a.a2 > kMaxIo ? kMaxIo : a.a2;
    // The whole range first: a bad pointer writes nothing.
    if (!p.as->range_ok(a.a1, len, UserAccess::Read))
        return -kEFAULT;
    char chunk[256];
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done < sizeof chunk ? size_t(len - done) : sizeof chunk;
        if (copy_from_user(*p.as, chunk, a.a1 + done, n).is_error())
            return done ? int64_t(done) : -kEFAULT;
        console_write(chunk, n);
        done += n;
    }
    return int64_t(len);
}

int64_t sys_read(Process& p, const Args& a)
{
    if (a.a0 != 0)
        return -kEBADF;
    char chunk[256];
    uint64_t len = a.a2 < sizeof chunk ? a.a2 : sizeof chunk;
    if (len == 0)
        return 0;
    // Checked before blocking, so typed bytes are never taken for a buffer that cannot hold them.
    if (!p.as->range_ok(a.a1, len, UserAccess::Write))
        return -kEFAULT;
    size_t n = shell_read_input(chunk, size_t(len));
    if (copy_to_user(*p.as, a.a1, chunk, n).is_error())
        return -kEFAULT;
    return int64_t(n);
}

int64_t sys_clock(Process&, const Args&) { return int64_t(monotonic_ns()); }

int64_t sys_sleep(Process&, const Args& a)
{
    constexpr uint64_t kMaxSleepNs = 3600ull * 1'000'000'000; // an hour; longer is refused
    if (a.a0 > kMaxSleepNs)
        return -kEINVAL;
    thread_sleep_ns(a.a0);
    return 0;
}

int64_t sys_getpid(Process& p, const Args&) { return p.pid; }

// A user string of at most `max` bytes into buf (NUL-terminated); the length or -error.
int64_t string_in(Process& p, uint64_t ptr, uint64_t len, char* buf, uint64_t max)
{
    if (len > max)
        return -kE2BIG;
    if (!p.as->range_ok(ptr, len, UserAccess::Read) || copy_from_user(*p.as, buf, ptr, size_t(len)).is_error())
        return -kEFAULT;
    buf[len] = 0;
    for (uint64_t i = 0; i < len; i++)
        if (buf[i] == 0)
            return -kEINVAL;
    return int64_t(len);
}

int64_t sys_spawn(Process& p, const Args& a)
{
    char name[kMaxName + 1];
    char args[kMaxArgs + 1];
    int64_t n = string_in(p, a.a0, a.a1, name, kMaxName);
    if (n < 0)
        return n;
    int64_t m = string_in(p, a.a2, a.a3, args, kMaxArgs);
    if (m < 0)
        return m;
    size_t slot = kMaxChildren;
    for (size_t i = 0; i < kMaxChildren && slot == kMaxChildren; i++)
        if (!p.children[i])
            slot = i;
    if (slot == kMaxChildren)
        return -kEAGAIN;
    auto c = process_spawn({ name, size_t(n) }, { args, size_t(m) });
    if (c.is_error())
        return c.error() == Error::NotFound ? -kENOENT : c.error() == Error::NoMemory ? -kENOMEM : -kEINVAL;
    p.children[slot] = c.value();
    return c.value()->pid;
}

int64_t sys_wait(Process& p, const Args& a)
{
    for (Process*& c : p.children) {
        if (c && c->pid == a.a0) {
            Process* child = c;
            c = nullptr;
            return process_wait(child);
        }
    }
    return -kECHILD;
}

int64_t sys_args(Process& p, const Args& a)
{
    size_t n = 0;
    while (p.args[n])
        n++;
    if (a.a1 < n)
        return -kEINVAL;
    if (!p.as->range_ok(a.a0, n, UserAccess::Write) || copy_to_user(*p.as, a.a0, p.args, n).is_error())
        return -kEFAULT;
    return int64_t(n);
}

int64_t sys_phone_command(Process& p, const Args& a)
{
    char line[kMaxPhoneLine + 1];
    int64_t n = string_in(p, a.a0, a.a1, line, kMaxPhoneLine);
    if (n < 0)
        return n;
    const char* argv[8] = {};
    int argc = 0;
    for (char* s = line; *s && argc < 8;) {
        while (*s == ' ')
            *s++ = 0;
        if (!*s)
            break;
        argv[argc++] = s;
        while (*s && *s != ' ')
            s++;
    }
    int r = phone_command(argc, argv);
    return r == 0 ? 0 : r == -2 ? -kENODEV : -kEINVAL;
}

int64_t sys_phone_event(Process& p, const Args& a)
{
    constexpr uint64_t kMaxWaitNs = 3600ull * 1'000'000'000;
    if (a.a2 > kMaxWaitNs || a.a1 == 0)
        return -kEINVAL;
    uint64_t len = a.a1 < kPhoneEventLength ? a.a1 : kPhoneEventLength;
    // Checked before blocking: an event is never taken for a buffer that cannot hold it.
    if (!p.as->range_ok(a.a0, len, UserAccess::Write))
        return -kEFAULT;
    char buf[kPhoneEventLength];
    size_t n = phone_event_wait(p.event_seq, buf, size_t(len), monotonic_ns() + a.a2);
    if (n && copy_to_user(*p.as, a.a0, buf, n).is_error())
        return -kEFAULT;
    return int64_t(n);
}

constexpr Handler kTable[kSysCount] = {
    sys_exit, sys_write, sys_read, sys_clock, sys_sleep, sys_getpid, sys_spawn, sys_wait, sys_args,
    sys_phone_command, sys_phone_event,
};
static_assert(uint64_t(Sys::PhoneEvent) + 1 == kSysCount);

} // namespace

SyscallStats syscall_stats()
{
    return { __atomic_load_n(&s_calls, __ATOMIC_RELAXED), __atomic_load_n(&s_refused, __ATOMIC_RELAXED) };
}

} // namespace oh::kernel

using namespace oh::kernel;

extern "C" void syscall_dispatch(InterruptFrame* f)
{
    Process* p = current_process();
    __atomic_add_fetch(&s_calls, 1, __ATOMIC_RELAXED);
    int64_t r;
    if (!p || f->rax >= oh::abi::kSysCount) {
        r = -oh::abi::kENOSYS;
    } else {
        Args a { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };
        r = kTable[f->rax](*p, a);
    }
    if (r < 0)
        __atomic_add_fetch(&s_refused, 1, __ATOMIC_RELAXED);
    f->rax = uint64_t(r);
}
