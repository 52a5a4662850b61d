// The system call table: every argument checked before use, an error code (never a kernel
// fault) for anything bad. Entered from syscall_entry.S with the caller's saved registers.
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/console/console.h"
#include "kernel/console/shell.h"
#include "kernel/kernel.h"
#include "kernel/mm/address_space.h"
#include "kernel/net/network.h"
#include "kernel/phone/phone.h"
#include "kernel/phone/phone_events.h"
#include "kernel/proc/process.h"
#include "kernel/sched/sched.h"
#include "kernel/storage/storage.h"
#include "lib/format.h"
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

int64_t fs_error(Error e)
{
    switch (e) {
    case Error::NotFound: return -kENOENT;
    case Error::NoSpace: return -kENOSPC;
    case Error::InvalidArgument: return -kEINVAL;
    case Error::Malformed: return -kEIO;
    default: return -kEIO;
    }
}

Process::File* file_of(Process& p, uint64_t fd)
{
    if (fd < 3 || fd >= 3 + kMaxFiles || !p.files[fd - 3].used)
        return nullptr;
    return &p.files[fd - 3];
}

int64_t file_write(Process& p, Process::File& f, const Args& a)
{
    if (f.directory || f.mode == kOpenRead)
        return -kEBADF;
    uint64_t len = a.a2 > kMaxIo ? kMaxIo : a.a2;
    if (!p.as->range_ok(a.a1, len, UserAccess::Read))
        return -kEFAULT;
    uint8_t chunk[256];
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done < sizeof chunk ? size_t(len - done) : sizeof chunk;
        if (copy_from_user(*p.as, chunk, a.a1 + done, n).is_error())
            return done ? int64_t(done) : -kEFAULT;
        if (auto r = fs_write_file(f.path, { chunk, n }, true); r.is_error())
            return done ? int64_t(done) : fs_error(r.error());
        done += n;
    }
    return int64_t(len);
}

int64_t file_read(Process& p, Process::File& f, const Args& a)
{
    if (f.directory)
        return -kEISDIR;
    if (f.mode != kOpenRead)
        return -kEBADF;
    constexpr uint64_t kMaxRead = 4096; // per call: a read is bounded work
    uint64_t len = a.a2 > kMaxRead ? kMaxRead : a.a2;
    if (!p.as->range_ok(a.a1, len, UserAccess::Write))
        return -kEFAULT;
    uint8_t chunk[512];
    uint64_t done = 0;
    while (done < len) {
        size_t want = len - done < sizeof chunk ? size_t(len - done) : sizeof chunk;
        auto n = fs_read_file(f.path, { chunk, want }, f.offset);
        if (n.is_error())
            return done ? int64_t(done) : fs_error(n.error());
        if (*n == 0)
            break;
        if (copy_to_user(*p.as, a.a1 + done, chunk, *n).is_error())
            return done ? int64_t(done) : -kEFAULT;
        f.offset += uint32_t(*n);
        done += *n;
        if (*n < want)
            break;
    }
    return int64_t(done);
}

int64_t sys_write(Process& p, const Args& a)
{
    if (Process::File* f = file_of(p, a.a0))
        return file_write(p, *f, a);
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
    if (Process::File* f = file_of(p, a.a0))
        return file_read(p, *f, a);
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
    auto c = process_spawn({ name, size_t(n) }, { args, size_t(m) }, p.pid);
    if (c.is_error())
        return c.error() == Error::NotFound ? -kENOENT : c.error() == Error::NoMemory ? -kENOMEM : -kEINVAL;
    p.children[slot] = c.value();
    return c.value()->pid;
}

int64_t sys_wait(Process& p, const Args& a)
{
    if (a.a1 & ~kWaitNoHang)
        return -kEINVAL;
    for (Process*& c : p.children) {
        if (c && c->pid == a.a0) {
            if ((a.a1 & kWaitNoHang) && !thread_has_exited(c->thread))
                return -kEAGAIN;
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
    const char* argv[kShellMaxArgs + 1] = {};
    int r = phone_command(shell_split(line, argv), argv); // the same words the console would see
    return r == 0 ? 0 : r == -2 ? -kENODEV : -kEINVAL;
}

// The kernel console's commands for the user shell that replaced it on the console: only
// that process (the console's user) may run them; any other program gets -EPERM, so a
// program cannot power the machine off or start load generators behind the user's back.
int64_t sys_kernel_command(Process& p, const Args& a)
{
    if (p.pid != console_shell_pid())
        return -kEPERM;
    char line[kMaxCommandLine + 1];
    int64_t n = string_in(p, a.a0, a.a1, line, kMaxCommandLine);
    if (n < 0)
        return n;
    return shell_run_command(line) ? 0 : -kENOENT;
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

int64_t sys_open(Process& p, const Args& a)
{
    char path[kMaxPath + 1];
    int64_t n = string_in(p, a.a0, a.a1, path, kMaxPath);
    if (n < 0)
        return n;
    if (n == 0 || a.a2 > kOpenAppend)
        return -kEINVAL;
    if (!fs_mounted())
        return -kENODEV;
    size_t slot = kMaxFiles;
    for (size_t i = 0; i < kMaxFiles && slot == kMaxFiles; i++)
        if (!p.files[i].used)
            slot = i;
    if (slot == kMaxFiles)
        return -kEMFILE;
    bool directory = false;
    if (a.a2 == kOpenRead) {
        MutexGuard g(fs_mutex());
        auto f = fs_volume().open({ path, size_t(n) });
        if (f.is_error())
            return fs_error(f.error());
        directory = f->is_directory();
    } else if (auto r = fs_write_file({ path, size_t(n) }, {}, a.a2 == kOpenAppend); r.is_error()) {
        return fs_error(r.error()); // created (or emptied) now: writes then append
    }
    Process::File& f = p.files[slot];
    f = {};
    f.used = true;
    f.directory = directory;
    f.mode = uint8_t(a.a2);
    copy_bytes(f.path, path, size_t(n) + 1);
    return int64_t(3 + slot);
}

int64_t sys_close(Process& p, const Args& a)
{
    Process::File* f = file_of(p, a.a0);
    if (!f)
        return -kEBADF;
    *f = {};
    return 0;
}

int64_t sys_readdir(Process& p, const Args& a)
{
    Process::File* f = file_of(p, a.a0);
    if (!f)
        return -kEBADF;
    if (!f->directory)
        return -kENOTDIR;
    if (a.a2 == 0)
        return -kEINVAL;
    fs::DirEntryInfo e;
    {
        // Walked from the start each time, skipping what was returned: no cursor to go stale
        // when the directory changes between calls.
        MutexGuard g(fs_mutex());
        auto dir = fs_volume().open(f->path);
        if (dir.is_error())
            return fs_error(dir.error());
        fs::DirCursor cur;
        for (uint32_t i = 0;; i++) {
            auto more = fs_volume().read_dir(*dir, cur, e);
            if (more.is_error())
                return fs_error(more.error());
            if (!*more)
                return 0;
            if (i == f->dir_index)
                break;
        }
    }
    char line[fs::kMaxNameBytes + 24];
    size_t n = format(line, sizeof line, "%.*s\t%u\t%c", int(e.name_length), e.name, e.size,
                      e.attributes & fs::attr::kDirectory ? 'd' : 'f');
    if (n >= sizeof line)
        n = sizeof line - 1;
    if (n > a.a2)
        return -kEINVAL; // too small for this entry: it stays next
    if (!p.as->range_ok(a.a1, n, UserAccess::Write) || copy_to_user(*p.as, a.a1, line, n).is_error())
        return -kEFAULT;
    f->dir_index++;
    return int64_t(n);
}

int64_t sys_poweroff(Process& p, const Args& a)
{
    if (a.a0 > 255)
        return -kEINVAL;
    printk("user: '%s' (pid %u) powers off (%lu)\n", p.name, p.pid, a.a0);
    kernel_exit(int(a.a0));
}

int64_t sys_procs(Process& p, const Args& a)
{
    char text[1024];
    size_t n = process_list(text, sizeof text);
    if (a.a1 < n)
        return -kEINVAL; // too small: ask with room for every line
    if (!p.as->range_ok(a.a0, n, UserAccess::Write) || copy_to_user(*p.as, a.a0, text, n).is_error())
        return -kEFAULT;
    return int64_t(n);
}

int64_t sys_ping(Process&, const Args& a)
{
    constexpr uint64_t kMaxWaitNs = 10'000'000'000ull;
    if (a.a0 > 0xffffffffull || a.a1 > 0xffff || a.a2 > kMaxWaitNs)
        return -kEINVAL;
    Ipv4Address to(uint8_t(a.a0 >> 24), uint8_t(a.a0 >> 16), uint8_t(a.a0 >> 8), uint8_t(a.a0));
    if (to.is_unspecified())
        return -kEINVAL;
    auto r = network_ping_once(to, uint16_t(a.a1), a.a2);
    if (r.has_value())
        return int64_t(*r);
    switch (r.error()) {
    case Error::NotFound: return -kENETDOWN;
    case Error::Timeout: return -kETIMEDOUT;
    case Error::Unreachable: return -kEHOSTUNREACH;
    default: return -kEINVAL;
    }
}

constexpr Handler kTable[kSysCount] = {
    sys_exit, sys_write, sys_read, sys_clock, sys_sleep, sys_getpid, sys_spawn, sys_wait, sys_args,
    sys_phone_command, sys_phone_event, sys_open, sys_close, sys_readdir, sys_poweroff, sys_procs, sys_ping,
    sys_kernel_command,
};
static_assert(uint64_t(Sys::Ping) + 2 == kSysCount && uint64_t(Sys::KernelCommand) + 1 == kSysCount);

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
