// libFuzzer target: a malformed FAT32 disk image must never crash the filesystem code (bad
// BPB, looping or out-of-range cluster chains, garbage directories), whether it is read or
// written. The input is the start of a disk; the rest of the (larger) disk reads as zeros.
#include "lib/fs/fat32.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <algorithm>

namespace {

// The disk is one static 2 MiB buffer: a sector is filled from the input (or zeros) the first
// time it is touched in a run, so a run costs what it reads and writes, with no allocation
// (under ASan, a map of per-sector vectors made each run ~10x slower on large images).
class FuzzDisk final : public oh::fs::SectorDevice {
public:
    FuzzDisk(const uint8_t* data, size_t size) : m_data(data), m_size(size) { memset(s_touched, 0, sizeof s_touched); }
    oh::Result<void> read(uint64_t sector, uint32_t offset, std::span<uint8_t> out) override
    {
        if (sector >= kSectors || offset > 512 || out.size() > 512 - offset)
            return oh::Error::InvalidArgument;
        memcpy(out.data(), at(sector) + offset, out.size());
        return {};
    }
    oh::Result<void> write(uint64_t sector, uint32_t offset, std::span<const uint8_t> in) override
    {
        if (sector >= kSectors || offset > 512 || in.size() > 512 - offset)
            return oh::Error::InvalidArgument;
        if (++m_writes > 20000)
            return oh::Error::IoError; // keep each run short
        memcpy(at(sector) + offset, in.data(), in.size());
        return {};
    }
    oh::Result<void> sync() override { return {}; }
    uint64_t sector_count() const override { return kSectors; }

private:
    static constexpr uint64_t kSectors = 4096; // 2 MiB
    uint8_t* at(uint64_t sector)
    {
        uint8_t* s = s_disk[sector];
        if (!(s_touched[sector / 64] >> (sector % 64) & 1)) {
            s_touched[sector / 64] |= uint64_t(1) << (sector % 64);
            size_t start = sector * 512, n = start < m_size ? std::min<size_t>(512, m_size - start) : 0;
            memcpy(s, m_data + start, n);
            memset(s + n, 0, 512 - n);
        }
        return s;
    }
    static inline uint8_t s_disk[kSectors][512];
    static inline uint64_t s_touched[kSectors / 64];
    const uint8_t* m_data;
    size_t m_size;
    uint32_t m_writes { 0 };
};

void walk(oh::fs::Fat32Volume& vol, const oh::fs::FatFile& dir, int depth, int& budget)
{
    oh::fs::DirCursor cur;
    oh::fs::DirEntryInfo e;
    while (budget-- > 0) {
        auto r = vol.read_dir(dir, cur, e);
        if (r.is_error() || !r.value())
            return;
        oh::fs::FatFile f;
        f.first_cluster = e.first_cluster;
        f.size = e.size;
        f.attributes = e.attributes;
        f.entry_sector = e.entry_sector;
        f.entry_offset = e.entry_offset;
        if (f.is_directory()) {
            if (depth < 4)
                walk(vol, f, depth + 1, budget);
        } else {
            uint8_t buf[700];
            auto n = vol.read(f, e.size > 300 ? e.size - 300 : 0, buf);
            if (n.has_value() && n.value() > sizeof buf)
                __builtin_trap();
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    FuzzDisk disk(data, size);
    oh::fs::Fat32Volume vol;
    if (vol.mount(disk).is_error())
        return 0;
    int budget = 2000;
    walk(vol, vol.root(), 0, budget);
    // Then change it: every write path must cope with the same garbage.
    auto f = vol.create("/fuzz.txt");
    if (f.has_value()) {
        static const uint8_t text[1500] = { 'x' };
        (void)vol.write(*f, 0, text);
        (void)vol.truncate(*f, 100);
        (void)vol.append(*f, text);
    }
    (void)vol.create("/A rather long name for a file.txt");
    (void)vol.mkdir("/newdir");
    (void)vol.create("/newdir/a.b");
    {
        auto any = vol.open("/music/jazz/x");
        (void)any;
    }
    (void)vol.remove("/fuzz.txt");
    (void)vol.remove("/newdir/a.b");
    (void)vol.remove("/newdir");
    (void)vol.sync();
    return 0;
}
