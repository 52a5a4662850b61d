// The init thread: picks what the kernel does after boot from the command line.
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/console/console.h"
#include "kernel/console/shell.h"
#include "kernel/dev/platform.h"
#include "kernel/net/network.h"
#include "kernel/phone/audio.h"
#include "kernel/phone/phone.h"
#include "kernel/phone/recorder.h"
#include "kernel/proc/process.h"
#include "kernel/kernel.h"
#include "kernel/sched/sched.h"
#include "kernel/storage/storage.h"
#include "kernel/tests/ktest.h"
#include "kernel/time/time.h"

namespace oh::kernel {

namespace {
// The audio drivers, in the order the phone tries them (a driver table, not link order).
constexpr AudioDriver kAudioDrivers[] = {
    { "ac97", audio_open_ac97 },   // an Intel ICH AC'97 codec on PCI
    { "timer", audio_open_timer }, // no sound card: a timer paces silent frames (always opens)
};
}

[[noreturn]] void kernel_exit(int code)
{
    storage_shutdown();
    // QEMU's isa-debug-exit at port 0xf4 (the Makefile and tests add the device).
    x86::outl(0xf4, uint32_t(code));
    printk("kernel_exit(%d): no debug-exit device, halting\n", code);
    x86::halt_forever();
}

void audio_self_test(uint32_t hz, uint32_t seconds);
void audio_register_commands();

void kernel_late_init(const CommandLine& boot_cl)
{
    // The audio device table before anything can open it (the phone, audio.test, ktests).
    audio_set_drivers(kAudioDrivers);
    if (auto tests = boot_cl.get("ktest")) {
        int failed = run_kernel_tests(*tests);
        kernel_exit(failed ? 1 : 0);
    }
    if (auto bench = boot_cl.get("kbench")) {
        run_kernel_bench(*bench);
        kernel_exit(0);
    }
    shell_start();
    // Storage first: the disk's /offhook.cfg merges under the boot command line (which wins),
    // and the result configures everything below.
    const CommandLine& cl = storage_init(boot_cl);
    boot_mark("storage ready");
    Ipv4Address leased, lease_server;
    if (storage_remembered_lease(leased, lease_server))
        network_remember_lease(leased, lease_server);
    network_set_lease_hook(storage_keep_lease);
    network_init(cl);
    boot_mark("network started");
    // Calls are recorded to the disk (when storage.record asks for it) by the storage layer.
    phone_set_recorder(&storage_recorder());
    phone_init(cl);
    audio_register_commands();
    kbench_register_commands();
    if (auto t = cl.get("audio.test")) {
        size_t colon = t->find(':');
        uint32_t hz = uint32_t(parse_u64(t->substr(0, colon)).value_or(1000));
        uint32_t secs = colon == std::string_view::npos ? 3 : uint32_t(parse_u64(t->substr(colon + 1)).value_or(3));
        audio_self_test(hz, secs);
        kernel_exit(0);
    }
    // User programs last: the phone and the shell are up, and keep running whatever they do.
    processes_boot(cl);
    printk("offhook: up\n");
    if (cl.get_bool("exit", false))
        kernel_exit(0);
}

} // namespace oh::kernel
