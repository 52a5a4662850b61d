// Processes: the program table (boot modules), loading an ELF image into a new address
// space by the plan lib/elf makes, the process's thread, exit and fault reports.
#include "kernel/proc/process.h"

#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/usermode.h"
#include "kernel/console/console.h"
#include "kernel/mm/address_space.h"
#include "kernel/mm/layout.h"
#include "kernel/mm/memory.h"
#include "kernel/phone/phone_events.h"
#include "kernel/storage/storage.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/spinlock.h"
#include "lib/bytes.h"
#include "lib/format.h"
#include "lib/elf/elf64.h"
#include "lib/elf/user_map.h"

namespace oh::kernel {

namespace {

struct Program {
    std::string_view name;
    std::span<const uint8_t> image;
};

constinit Program s_programs[BootInfo::kMaxModules] {};
constinit size_t s_program_count = 0;
constinit uint32_t s_next_pid = 1;
// Every process from spawn until it has been waited for.
constexpr size_t kMaxProcesses = 32;
constinit SpinLock s_table_lock;
constinit Process* s_table[kMaxProcesses] {};

void user_main(void* arg)
{
    auto* p = static_cast<Process*>(arg);
    enter_user(p->entry, p->stack_top);
}

UserPerm region_perm(const UserRegion& r)
{
    if (r.writable)
        return UserPerm::ReadWrite;
    return r.executable ? UserPerm::ReadExec : UserPerm::ReadOnly;
}

// Every page the plan names, zeroed, with its file bytes copied in through the direct map.
Result<void> load_image(AddressSpace& as, const ElfImage& img, const UserMapPlan& plan,
                        std::span<const uint8_t> file)
{
    for (size_t i = 0; i < plan.region_count; i++) {
        const UserRegion& r = plan.regions[i];
        for (uint64_t va = r.start; va < r.end; va += kPageSize) {
            uint8_t* page = TRY(as.map_new_page(va, region_perm(r)));
            if (r.kind != RegionKind::Segment)
                continue;
            PageFill fill = segment_page_fill(img.segments[r.segment], va);
            if (fill.length)
                copy_bytes(page + fill.page_offset, file.data() + fill.file_offset, fill.length);
        }
    }
    return {};
}

} // namespace

void programs_init(const BootInfo& boot)
{
    if (boot.modules_ignored)
        printk("user: %zu boot modules beyond the first %zu ignored\n", boot.modules_ignored, BootInfo::kMaxModules);
    for (size_t i = 0; i < boot.module_count && s_program_count < BootInfo::kMaxModules; i++) {
        const BootModule& m = boot.modules[i];
        if (m.cmdline.empty())
            continue;
        s_programs[s_program_count++] = {
            m.cmdline, { static_cast<const uint8_t*>(phys_to_virt(m.start)), size_t(m.end - m.start) } };
    }
}

std::span<const uint8_t> program_image(std::string_view name)
{
    for (size_t i = 0; i < s_program_count; i++)
        if (s_programs[i].name == name)
            return s_programs[i].image;
    return {};
}

size_t program_count() { return s_program_count; }
std::string_view program_name(size_t i) { return i < s_program_count ? s_programs[i].name : std::string_view {}; }

namespace {

// A program not among the boot modules: /bin/NAME on the FAT32 disk, read whole into the
// heap (the loader copies it into the new address space; the caller frees it).
constexpr size_t kMaxDiskProgram = 1u << 20;

void forget(Process* p)
{
    SpinLockIrqGuard g(s_table_lock);
    for (Process*& e : s_table)
        if (e == p)
            e = nullptr;
}

Result<std::span<const uint8_t>> program_from_disk(std::string_view name)
{
    if (!fs_mounted())
        return { Error::NotFound, "no such program" };
    for (char c : name)
        if (c == '/' || c == '\\')
            return { Error::InvalidArgument, "a program name has no '/'" };
    char path[40];
    format(path, sizeof path, "/bin/%.*s", int(name.size()), name.data());
    auto* buf = static_cast<uint8_t*>(kmalloc(kMaxDiskProgram));
    if (!buf)
        return Error::NoMemory;
    auto n = fs_read_file(path, { buf, kMaxDiskProgram });
    if (n.is_error() || *n == 0 || *n == kMaxDiskProgram) {
        kfree(buf);
        if (n.is_error() && n.error() != Error::NotFound)
            return n.error_info();
        return { Error::NotFound, n.has_value() && *n ? "program file too large" : "no such program" };
    }
    return std::span<const uint8_t>(buf, *n);
}

} // namespace

Result<Process*> process_spawn(std::string_view name, std::string_view args, uint32_t parent_pid)
{
    if (args.size() >= sizeof Process::args)
        return { Error::InvalidArgument, "arguments too long" };
    if (name.empty() || name.size() >= sizeof Process::name)
        return { Error::NotFound, "no such program" };
    auto file = program_image(name);
    const uint8_t* from_disk = nullptr;
    if (file.empty()) {
        file = TRY(program_from_disk(name));
        from_disk = file.data();
    }
    struct FreeAfter {
        const uint8_t* p;
        ~FreeAfter()
        {
            if (p)
                kfree(const_cast<uint8_t*>(p));
        }
    } free_after { from_disk };
    UserLayout layout;
    ElfImage img = TRY(elf_parse(file, user_range(layout)));
    UserMapPlan plan = TRY(plan_user_map(img, layout));
    AddressSpace* as = TRY(AddressSpace::create());
    if (auto r = load_image(*as, img, plan, file); r.is_error()) {
        as->destroy();
        return r.error_info();
    }
    auto* p = new Process {};
    if (!p) {
        as->destroy();
        return Error::NoMemory;
    }
    p->pid = __atomic_fetch_add(&s_next_pid, 1, __ATOMIC_RELAXED);
    size_t n = name.size() < sizeof p->name - 1 ? name.size() : sizeof p->name - 1;
    copy_bytes(p->name, name.data(), n);
    p->name[n] = 0;
    copy_bytes(p->args, args.data(), args.size());
    p->args[args.size()] = 0;
    p->event_seq = phone_event_next_seq();
    p->parent_pid = parent_pid;
    {
        SpinLockIrqGuard g(s_table_lock);
        size_t i = 0;
        while (i < kMaxProcesses && s_table[i])
            i++;
        if (i == kMaxProcesses) {
            delete p;
            as->destroy();
            return { Error::NoMemory, "process table full" };
        }
        s_table[i] = p;
    }
    p->as = as;
    p->entry = plan.entry;
    p->stack_top = plan.stack_top;
    // The normal class: the phone's real-time threads always run first.
    ThreadOptions o;
    o.cls = SchedClass::Normal;
    o.joinable = true;
    o.user_cr3 = as->cr3();
    o.process = p;
    p->thread = thread_create(p->name, user_main, p, o);
    if (!p->thread) {
        forget(p);
        as->destroy();
        delete p;
        return Error::NoMemory;
    }
    return p;
}

namespace {
// A child its parent did not wait for is waited for here, so its memory comes back.
void orphan_main(void* arg) { process_wait(static_cast<Process*>(arg)); }
}

int process_wait(Process* p)
{
    int code = thread_join(p->thread);
    if (code > -1000)
        printk("user: '%s' (pid %u) exited with %d\n", p->name, p->pid, code);
    for (Process* c : p->children)
        if (c && !thread_create("orphan-wait", orphan_main, c))
            printk("user: cannot wait for orphan '%s' (pid %u)\n", c->name, c->pid);
    forget(p);
    // Its thread is off every CPU now, and no CPU has these tables loaded.
    p->as->destroy();
    delete p;
    return code;
}

int process_run(std::string_view name)
{
    auto p = process_spawn(name);
    if (p.is_error()) {
        printk("user: cannot start '%.*s': %s\n", int(name.size()), name.data(), p.error_info().text());
        return -1;
    }
    return process_wait(p.value());
}

size_t process_list(char* out, size_t cap)
{
    size_t n = 0;
    SpinLockIrqGuard g(s_table_lock);
    for (Process* e : s_table) {
        if (!e || n + 1 >= cap)
            continue;
        size_t w = format(out + n, cap - n, "%u %u %s\n", e->pid, e->parent_pid, e->name);
        if (w >= cap - n) { // cut: only whole lines
            out[n] = 0;
            break;
        }
        n += w;
    }
    return n;
}

Process* current_process() { return static_cast<Process*>(thread_process(thread_current())); }

[[noreturn]] void process_exit(int code) { thread_exit(code); }

[[noreturn]] void process_fault(const InterruptFrame& f, const char* what)
{
    Process* p = current_process();
    // [intel/vol3 6.15 "#PF", error code bits: P, W/R, U/S, RSVD, I/D]
    if (f.vector == 14) {
        printk("user: '%s' (pid %u) killed: %s at 0x%lx (%s, %s%s), rip 0x%lx, rsp 0x%lx\n", p->name,
               p->pid, what, x86::read_cr2(), f.error & 2 ? "write" : f.error & 16 ? "instruction fetch" : "read",
               f.error & 1 ? "protection" : "not present", f.error & 8 ? ", reserved bit" : "", f.rip, f.rsp);
    } else {
        printk("user: '%s' (pid %u) killed: %s, error 0x%lx, rip 0x%lx, rsp 0x%lx\n", p->name, p->pid, what,
               f.error, f.rip, f.rsp);
    }
    process_exit(-1000 - int(f.vector));
}

} // namespace oh::kernel
