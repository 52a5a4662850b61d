// storage_init(): the disk, the cache, FAT32 mounted (superfloppy or the first FAT32 MBR
// partition), /offhook.cfg merged under the boot command line; whole-file helpers.
#include "kernel/storage/storage.h"

#include "kernel/console/console.h"
#include "lib/fs/config_file.h"
#include "kernel/storage/disk.h"
#include "lib/bytes.h"

namespace oh::kernel {

namespace {

constexpr size_t kConfigFileMax = 4096;
constexpr size_t kCmdlineMax = 8192;

// A window of the disk (a partition, or the whole disk) as the filesystem's SectorDevice.
class WindowDevice final : public fs::SectorDevice {
public:
    void set(uint64_t first, uint64_t count)
    {
        m_first = first;
        m_count = count;
    }
    Result<void> read(uint64_t sector, uint32_t offset, std::span<uint8_t> out) override
    {
        if (sector >= m_count)
            return Error::InvalidArgument;
        return disk_io().read(m_first + sector, offset, out);
    }
    Result<void> write(uint64_t sector, uint32_t offset, std::span<const uint8_t> in) override
    {
        if (sector >= m_count)
            return Error::InvalidArgument;
        return disk_io().write(m_first + sector, offset, in);
    }
    Result<void> sync() override { return disk_io().sync(); }
    uint64_t sector_count() const override { return m_count; }

private:
    uint64_t m_first { 0 };
    uint64_t m_count { 0 };
};

constinit WindowDevice s_window;
constinit fs::Fat32Volume s_volume;
constinit Mutex s_mutex;
constinit CommandLine s_cmdline;
bool s_mounted = false;
char s_config_text[kConfigFileMax];
char s_cmdline_text[kCmdlineMax];

// The first MBR partition of a FAT32 type (0x0b CHS, 0x0c LBA) [MBR: entries at 0x1be, 16 B].
bool find_fat32_partition(uint64_t& first, uint64_t& count)
{
    uint8_t mbr[512];
    if (disk_io().read(0, 0, mbr).is_error() || mbr[510] != 0x55 || mbr[511] != 0xaa)
        return false;
    for (int i = 0; i < 4; i++) {
        const uint8_t* e = mbr + 0x1be + 16 * i;
        if (e[4] != 0x0b && e[4] != 0x0c)
            continue;
        first = load_le32(e + 8);
        count = load_le32(e + 12);
        if (first == 0 || count == 0 || first + count > disk_sectors())
            continue;
        return true;
    }
    return false;
}

bool mount()
{
    // Superfloppy first (mformat without a partition table), then an MBR partition.
    s_window.set(0, disk_sectors());
    auto r = s_volume.mount(s_window);
    if (r.is_error()) {
        uint64_t first = 0, count = 0;
        if (!find_fat32_partition(first, count)) {
            printk("storage: no FAT32 filesystem on the disk (%s) and no FAT32 partition\n", r.error_info().text());
            return false;
        }
        s_window.set(first, count);
        r = s_volume.mount(s_window);
        if (r.is_error()) {
            printk("storage: FAT32 partition at sector %llu does not mount: %s\n", (unsigned long long)first,
                r.error_info().text());
            return false;
        }
        printk("storage: FAT32 partition at sector %llu, %llu sectors\n", (unsigned long long)first,
            (unsigned long long)count);
    }
    printk("storage: FAT32 mounted, %u clusters of %u bytes, %u free\n", s_volume.cluster_count(),
        s_volume.cluster_bytes(), s_volume.free_clusters());
    return true;
}

// "<file as key=value words> <boot command line>": the boot line comes last, so it wins.
const CommandLine& merge_config(const CommandLine& boot_cl)
{
    auto n = fs_read_file("/offhook.cfg", std::span(reinterpret_cast<uint8_t*>(s_config_text), kConfigFileMax));
    if (n.is_error()) {
        printk("storage: no /offhook.cfg (%s)\n", n.error_info().text());
        return boot_cl;
    }
    if (*n == kConfigFileMax)
        printk("storage: /offhook.cfg is longer than %zu bytes; the rest is ignored\n", kConfigFileMax);
    std::string_view boot = boot_cl.text();
    fs::ConfigParseStats stats;
    size_t room = kCmdlineMax - boot.size() - 2;
    if (boot.size() + 2 > kCmdlineMax) {
        printk("storage: boot command line too long to merge /offhook.cfg\n");
        return boot_cl;
    }
    auto len = fs::config_to_cmdline(std::string_view(s_config_text, *n), std::span(s_cmdline_text, room), stats);
    if (len.is_error()) {
        printk("storage: /offhook.cfg does not fit (%s); ignored\n", len.error_info().text());
        return boot_cl;
    }
    size_t at = *len;
    s_cmdline_text[at++] = ' ';
    copy_bytes(s_cmdline_text + at, boot.data(), boot.size());
    at += boot.size();
    s_cmdline_text[at] = 0;
    s_cmdline = CommandLine(std::string_view(s_cmdline_text, at));
    printk("storage: config sets %u keys (%u malformed words skipped)\n", stats.entries, stats.malformed);
    return s_cmdline;
}

} // namespace

bool fs_mounted() { return s_mounted; }
Mutex& fs_mutex() { return s_mutex; }
fs::Fat32Volume& fs_volume() { return s_volume; }
const CommandLine& storage_cmdline() { return s_cmdline; }

void fs_stamp_locked() { s_volume.set_timestamp(rtc_dos_timestamp()); }

Result<void> fs_mkdirs_locked(std::string_view path)
{
    fs_stamp_locked();
    for (size_t i = 1; i <= path.size(); i++) {
        if (i != path.size() && path[i] != '/')
            continue;
        auto r = s_volume.mkdir(path.substr(0, i));
        if (r.is_error() && r.error() != Error::Exists)
            return r.error_info();
    }
    return {};
}

Result<void> fs_write_file(std::string_view path, std::span<const uint8_t> data, bool append)
{
    if (!s_mounted)
        return Error::NotFound;
    MutexGuard guard(s_mutex);
    fs_stamp_locked();
    fs::FatFile f;
    if (auto opened = s_volume.open(path); !opened.is_error())
        f = *opened;
    else if (opened.error() == Error::NotFound)
        f = TRY(s_volume.create(path));
    else
        return opened.error_info();
    if (f.is_directory())
        return Error::InvalidArgument;
    if (!append)
        TRY(s_volume.truncate(f, 0));
    uint32_t off = f.size;
    auto w = TRY(s_volume.write(f, off, data));
    if (w != data.size())
        return Error::NoSpace;
    return {};
}

Result<size_t> fs_read_file(std::string_view path, std::span<uint8_t> out, uint32_t offset)
{
    if (!s_mounted)
        return Error::NotFound;
    MutexGuard guard(s_mutex);
    auto f = TRY(s_volume.open(path));
    if (f.is_directory())
        return Error::InvalidArgument;
    return size_t(TRY(s_volume.read(f, offset, out)));
}

Result<void> fs_sync()
{
    if (!s_mounted)
        return Error::NotFound;
    MutexGuard guard(s_mutex);
    return s_volume.sync();
}

const CommandLine& storage_init(const CommandLine& boot_cl)
{
    s_cmdline = boot_cl;
    storage_register_commands();
    if (!disk_init())
        return boot_cl; // disk_init() said why
    if (!mount())
        return boot_cl;
    s_mounted = true;
    const CommandLine& cl = merge_config(boot_cl);
    recorder_init(parse_record_mode(cl.get_or("phone.record", "0")));
    if (auto t = cl.get("storage.selftest"))
        storage_selftest(*t);
    if (auto t = cl.get("storage.fakecall"))
        storage_fake_call(*t);
    if (auto t = cl.get("storage.do"))
        storage_run_commands(*t);
    return cl;
}

} // namespace oh::kernel
