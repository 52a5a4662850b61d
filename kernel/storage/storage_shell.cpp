// Shell commands over the storage service: ls, cat, write/append, rm, sync, df/disk,
// recordings, record on|off|stereo, config KEY; and `storage.do=` to run them from boot.
#include "kernel/console/console.h"
#include "kernel/console/shell.h"
#include "kernel/storage/disk.h"
#include "kernel/storage/storage.h"
#include "kernel/time/time.h"
#include "lib/bytes.h"
#include "lib/format.h"

namespace oh::kernel {

namespace {

constexpr size_t kCatMax = 4096;
constexpr size_t kTextMax = 512;

bool need_fs()
{
    if (fs_mounted())
        return true;
    printk("no filesystem mounted\n");
    return false;
}

void cmd_ls(int argc, const char* const* argv)
{
    if (!need_fs())
        return;
    const char* path = argc > 1 ? argv[1] : "/";
    MutexGuard guard(fs_mutex());
    auto dir = fs_volume().open(path);
    if (dir.is_error() || !dir->is_directory()) {
        printk("ls: %s: %s\n", path, dir.is_error() ? dir.error_info().text() : "not a directory");
        return;
    }
    fs::DirCursor cur;
    fs::DirEntryInfo e;
    uint32_t count = 0;
    for (;;) {
        auto more = fs_volume().read_dir(*dir, cur, e);
        if (more.is_error()) {
            printk("ls: %s\n", more.error_info().text());
            break;
        }
        if (!*more)
            break;
        bool is_dir = e.attributes & fs::attr::kDirectory;
        printk("%10u %s %.*s%s\n", e.size, is_dir ? "d" : "-", int(e.name_length), e.name, is_dir ? "/" : "");
        count++;
    }
    printk("%u entries\n", count);
}

void cmd_cat(int argc, const char* const* argv)
{
    if (argc < 2 || !need_fs()) {
        printk("usage: cat FILE\n");
        return;
    }
    static char buf[kCatMax + 1];
    auto n = fs_read_file(argv[1], std::span(reinterpret_cast<uint8_t*>(buf), kCatMax));
    if (n.is_error()) {
        printk("cat: %s: %s\n", argv[1], n.error_info().text());
        return;
    }
    buf[*n] = 0;
    printk("%s%s", buf, *n && buf[*n - 1] != '\n' ? "\n" : "");
}

// write|append FILE WORDS...: the words joined by single spaces, then a newline.
void write_words(int argc, const char* const* argv, bool append)
{
    if (argc < 2 || !need_fs()) {
        printk("usage: %s FILE TEXT...\n", argv[0]);
        return;
    }
    static char text[kTextMax];
    size_t n = 0;
    for (int i = 2; i < argc; i++) {
        for (const char* p = argv[i]; *p && n + 2 < kTextMax; p++)
            text[n++] = *p;
        if (i + 1 < argc && n + 2 < kTextMax)
            text[n++] = ' ';
    }
    text[n++] = '\n';
    auto r = fs_write_file(argv[1], std::span(reinterpret_cast<const uint8_t*>(text), n), append);
    if (r.is_error())
        printk("%s: %s: %s\n", argv[0], argv[1], r.error_info().text());
    else
        printk("%s: %s: %zu bytes\n", argv[0], argv[1], n);
}

void cmd_write(int argc, const char* const* argv) { write_words(argc, argv, false); }
void cmd_append(int argc, const char* const* argv) { write_words(argc, argv, true); }

void cmd_rm(int argc, const char* const* argv)
{
    if (argc < 2 || !need_fs())
        return;
    MutexGuard guard(fs_mutex());
    auto r = fs_volume().remove(argv[1]);
    printk("rm: %s: %s\n", argv[1], r.is_error() ? r.error_info().text() : "removed");
}

// Reports how long the write-back took and its rate: the dirty blocks are 512 B each.
void cmd_sync(int, const char* const*)
{
    if (!need_fs())
        return;
    DiskStats before = disk_stats();
    uint64_t t0 = monotonic_ns();
    auto r = fs_sync();
    uint64_t us = (monotonic_ns() - t0) / 1000;
    DiskStats after = disk_stats();
    uint64_t writes = after.cache.writes_issued - before.cache.writes_issued;
    uint64_t kib_s = us ? writes * 512 * 1000000 / us / 1024 : 0;
    printk("sync: %s, %llu blocks written in %llu us (%llu KiB/s)\n", r.is_error() ? r.error_info().text() : "ok",
        (unsigned long long)writes, (unsigned long long)us, (unsigned long long)kib_s);
}

// fill FILE KIB: write KIB KiB through the cache, then sync; reports both phases' rates.
void cmd_fill(int argc, const char* const* argv)
{
    if (argc < 3 || !need_fs()) {
        printk("usage: fill FILE KIB\n");
        return;
    }
    static uint8_t chunk[4096];
    uint64_t kib = parse_u64(cstr(argv[2])).value_or(0);
    for (size_t i = 0; i < sizeof chunk; i++)
        chunk[i] = uint8_t(i * 7);
    // One open file (its chain-walk hint kept), like the recorder: reopening per chunk would
    // walk the cluster chain from the start every time.
    if (auto r = fs_write_file(argv[1], {}, false); r.is_error()) {
        printk("fill: %s: %s\n", argv[1], r.error_info().text());
        return;
    }
    uint64_t t0 = monotonic_ns();
    {
        MutexGuard guard(fs_mutex());
        auto f = fs_volume().open(argv[1]);
        for (uint64_t done = 0; !f.is_error() && done < kib; done += 4) {
            auto w = fs_volume().append(*f, chunk);
            if (w.is_error() || *w != sizeof chunk) {
                printk("fill: %s after %llu KiB\n", w.is_error() ? w.error_info().text() : "short write",
                    (unsigned long long)done);
                return;
            }
        }
    }
    uint64_t t1 = monotonic_ns();
    auto r = fs_sync();
    uint64_t t2 = monotonic_ns();
    uint64_t wus = (t1 - t0) / 1000 + 1, sus = (t2 - t1) / 1000 + 1;
    printk("fill: %llu KiB written in %llu us (%llu KiB/s), sync %s in %llu us; total %llu KiB/s\n",
        (unsigned long long)kib, (unsigned long long)wus, (unsigned long long)(kib * 1000000 / wus),
        r.is_error() ? r.error_info().text() : "ok", (unsigned long long)sus,
        (unsigned long long)(kib * 1000000 / (wus + sus)));
}

void cmd_disk(int, const char* const*)
{
    if (!disk_present()) {
        printk("no disk\n");
        return;
    }
    DiskStats s = disk_stats();
    printk("disk: %llu sectors; cache %u blocks, %u dirty\n", (unsigned long long)s.sectors, s.capacity, s.dirty);
    printk("cache: hits %llu misses %llu coalesced %llu evictions %llu\n", (unsigned long long)s.cache.hits,
        (unsigned long long)s.cache.misses, (unsigned long long)s.cache.coalesced,
        (unsigned long long)s.cache.evictions);
    printk("cache: reads %llu write-backs %llu read-errors %llu write-errors %llu flushes %llu waits %llu/%llu\n",
        (unsigned long long)s.cache.reads_issued, (unsigned long long)s.cache.writes_issued,
        (unsigned long long)s.cache.read_errors, (unsigned long long)s.cache.write_errors,
        (unsigned long long)s.cache.flushes, (unsigned long long)s.cache.waits_block,
        (unsigned long long)s.cache.waits_space);
    printk("ata: commands %llu errors %llu timeouts %llu resets %llu\n", (unsigned long long)s.ata.commands,
        (unsigned long long)s.ata.errors, (unsigned long long)s.ata.timeouts, (unsigned long long)s.ata.resets);
    printk("ata: dma %llu transfers %llu bytes, pio %llu sectors\n", (unsigned long long)s.ata.dma_transfers,
        (unsigned long long)s.ata.dma_bytes, (unsigned long long)s.ata.pio_sectors);
    if (fs_mounted()) {
        MutexGuard guard(fs_mutex());
        auto& v = fs_volume();
        uint64_t free_kib = uint64_t(v.free_clusters()) * v.cluster_bytes() / 1024;
        uint64_t total_kib = uint64_t(v.cluster_count()) * v.cluster_bytes() / 1024;
        printk("fat32: %llu KiB free of %llu KiB, malformed %llu, io-errors %llu\n", (unsigned long long)free_kib,
            (unsigned long long)total_kib, (unsigned long long)v.stats().malformed,
            (unsigned long long)v.stats().io_errors);
    }
}

void cmd_recordings(int, const char* const*)
{
    if (!need_fs())
        return;
    MutexGuard guard(fs_mutex());
    auto dir = fs_volume().open("/REC");
    if (dir.is_error()) {
        printk("no recordings\n");
        return;
    }
    fs::DirCursor cur;
    fs::DirEntryInfo e;
    for (;;) {
        auto more = fs_volume().read_dir(*dir, cur, e);
        if (more.is_error() || !*more)
            break;
        if (e.attributes & fs::attr::kDirectory)
            continue;
        // The duration from the header's byte rate [RIFF "fmt ": offset 28] and the data size.
        uint8_t h[44] = {};
        fs::FatFile f { e.first_cluster, e.size, e.entry_sector, e.entry_offset, e.attributes };
        auto got = fs_volume().read(f, 0, h);
        uint32_t rate = !got.is_error() && *got == 44 ? load_le32(h + 28) : 0;
        uint32_t data = e.size > 44 ? e.size - 44 : 0;
        uint32_t ms = rate ? uint32_t(uint64_t(data) * 1000 / rate) : 0;
        printk("%.*s %u bytes %u.%03u s %s\n", int(e.name_length), e.name, e.size, ms / 1000, ms % 1000,
            rate == 32000 ? "stereo" : rate == 16000 ? "mono" : "?");
    }
}

void cmd_record(int argc, const char* const* argv)
{
    if (argc > 1)
        recorder_set_mode(parse_record_mode(argv[1]));
    RecordMode m = recorder_mode();
    printk("record: %s (from the next call)\n", m == RecordMode::Off ? "off" : m == RecordMode::Stereo ? "stereo" : "mono");
}

// fakecall [HZ [SECONDS]]: a tone through the recorder hooks, as a call would.
void cmd_fakecall(int argc, const char* const* argv)
{
    char spec[32];
    format(spec, sizeof spec, "%s:%s", argc > 1 ? argv[1] : "1000", argc > 2 ? argv[2] : "3");
    storage_fake_call(spec);
}

void cmd_config(int argc, const char* const* argv)
{
    if (argc < 2) {
        printk("%.*s\n", int(storage_cmdline().text().size()), storage_cmdline().text().data());
        return;
    }
    auto v = storage_cmdline().get(argv[1]);
    if (v)
        printk("config: %s=%.*s\n", argv[1], int(v->size()), v->data());
    else
        printk("config: %s unset\n", argv[1]);
}

} // namespace

void storage_register_commands()
{
    shell_register("ls", "ls [DIR]: list a directory", cmd_ls);
    shell_register("cat", "cat FILE: print a small file", cmd_cat);
    shell_register("write", "write FILE TEXT: replace a file", cmd_write);
    shell_register("append", "append FILE TEXT: add a line", cmd_append);
    shell_register("rm", "rm PATH: remove a file or empty directory", cmd_rm);
    shell_register("sync", "write every dirty block to disk", cmd_sync);
    shell_register("fill", "fill FILE KIB: write-throughput test", cmd_fill);
    shell_register("df", "disk, cache and filesystem counters", cmd_disk);
    shell_register("disk", "disk, cache and filesystem counters", cmd_disk);
    shell_register("recordings", "list call recordings", cmd_recordings);
    shell_register("record", "record on|off|stereo", cmd_record);
    shell_register("fakecall", "fakecall [HZ [SECONDS]]: record a test tone call", cmd_fakecall);
    shell_register("config", "config [KEY]: the effective command line", cmd_config);
}

// `storage.do=write:A.TXT:hello,sync,ls`: ',' separates commands, ':' arguments (the
// command line has no quoting, so spaces cannot appear in a value).
void storage_run_commands(std::string_view list)
{
    static char line[256];
    while (!list.empty()) {
        size_t comma = list.find(',');
        std::string_view cmd = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view {} : list.substr(comma + 1);
        size_t n = cmd.size() < sizeof line - 1 ? cmd.size() : sizeof line - 1;
        for (size_t i = 0; i < n; i++)
            line[i] = cmd[i] == ':' ? ' ' : cmd[i];
        line[n] = 0;
        printk("storage.do: %s\n", line);
        shell_execute(line);
    }
}

} // namespace oh::kernel
