// The storage service: the mounted FAT32 volume behind one mutex, whole-file helpers for the
// shell and self-tests, the effective command line (/offhook.cfg under the boot one).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>
#include <string_view>

#include "lib/cmdline/cmdline.h"
#include "lib/fs/fat32.h"
#include "lib/inet.h"
#include "kernel/phone/recorder.h"
#include "kernel/sync/wait_queue.h"
#include "lib/result.h"

namespace oh::kernel {

bool fs_mounted();
// Every use of the volume holds this mutex (it is not thread-safe; I/O sleeps under it).
Mutex& fs_mutex();
fs::Fat32Volume& fs_volume();

// Whole-file helpers (take the mutex themselves).
Result<void> fs_write_file(std::string_view path, std::span<const uint8_t> data, bool append);
Result<size_t> fs_read_file(std::string_view path, std::span<uint8_t> out, uint32_t offset = 0);
Result<void> fs_sync();
// Create every missing directory of `path` (a directory path itself), mutex held by caller.
Result<void> fs_mkdirs_locked(std::string_view path);

// init.cpp's hook (strong definition here): returns the command line to use from now on.
const CommandLine& storage_init(const CommandLine& boot_cl);
// Before power-off (kernel_exit): write back what the cache holds; nothing when no disk.
void storage_shutdown();
// The CMOS clock as a FAT date/time (rtc.cpp); the volume's default date if it is invalid.
fs::DosTimestamp rtc_dos_timestamp();
// The volume's timestamp for what is created or written next (mutex held).
void fs_stamp_locked();

// The DHCP lease kept between boots (lease.cpp, /lease.txt). remembered: false without a
// disk or a usable file. keep: never waits (the network thread calls it); an unspecified
// address forgets the lease.
bool storage_remembered_lease(Ipv4Address& address, Ipv4Address& server);
void storage_keep_lease(Ipv4Address address, Ipv4Address server);

// The command line in effect after storage_init().
const CommandLine& storage_cmdline();

// Self-tests driven from boot keys (storage_selftest.cpp).
void storage_selftest(std::string_view mode);
void storage_fake_call(std::string_view spec);
// Run `storage.do=`: commands separated by ',', arguments by ':'.
void storage_run_commands(std::string_view list);
void storage_register_commands();

// Recorder (recorder.cpp).
enum class RecordMode : uint8_t { Off, Mono, Stereo };
void recorder_init(RecordMode mode);
void recorder_set_mode(RecordMode mode);
RecordMode recorder_mode();
RecordMode parse_record_mode(std::string_view v);
// Block until every queued call event and frame has been written (self-tests).
void recorder_drain();
// The recorder the boot code hands the phone: writes calls to WAV files when recording is on.
CallRecorder& storage_recorder();

} // namespace oh::kernel
