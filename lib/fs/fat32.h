// FAT32 filesystem over a sector device: mount, paths, directories (long names read and
// created), files read, created, written, appended, truncated and removed.
// Reference: Microsoft "FAT: General Overview of On-Disk Format" v1.03 (cited as [FAT §n]).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <span>
#include <string_view>

#include "lib/result.h"

namespace oh::fs {

constexpr uint32_t kSectorSize = 512;
constexpr size_t kMaxNameBytes = 255;

// What the filesystem needs from a disk: byte ranges inside one 512-byte sector.
class SectorDevice {
public:
    virtual Result<void> read(uint64_t sector, uint32_t offset, std::span<uint8_t> out) = 0;
    virtual Result<void> write(uint64_t sector, uint32_t offset, std::span<const uint8_t> in) = 0;
    virtual Result<void> sync() = 0;
    virtual uint64_t sector_count() const = 0;

protected:
    ~SectorDevice() = default;
};

namespace attr {
constexpr uint8_t kReadOnly = 0x01, kHidden = 0x02, kSystem = 0x04, kVolumeId = 0x08, kDirectory = 0x10,
                  kArchive = 0x20, kLongName = 0x0f;
}

// An open file or directory. Plain data: the caller keeps it; the volume updates it.
struct FatFile {
    uint32_t first_cluster { 0 }; // 0: no data yet
    uint32_t size { 0 };
    uint64_t entry_sector { 0 }; // where its directory entry lives (0 for the root)
    uint16_t entry_offset { 0 };
    uint8_t attributes { 0 };
    // Chain walk cache: cluster number `hint_cluster` is the `hint_index`-th of the file.
    uint32_t hint_index { 0 };
    uint32_t hint_cluster { 0 };

    bool is_directory() const { return attributes & attr::kDirectory; }
};

struct DirEntryInfo {
    char name[kMaxNameBytes + 1] {}; // long name if present (UTF-8), else the 8.3 name
    uint8_t name_length { 0 };
    uint8_t attributes { 0 };
    uint32_t first_cluster { 0 };
    uint32_t size { 0 };
    uint64_t entry_sector { 0 };
    uint16_t entry_offset { 0 };
    uint32_t entry_index { 0 };     // index of the short entry in its directory
    uint32_t first_lfn_index { 0 }; // index of its first long-name entry (== entry_index if none)
};

// Position while listing a directory.
struct DirCursor {
    uint32_t cluster { 0 };       // the cluster holding entry `index`
    uint32_t cluster_index { 0 }; // its position in the directory's chain
    uint32_t index { 0 };         // entry index within the directory
    bool ended { false };
};

struct FatStats {
    uint64_t malformed { 0 }; // on-disk structures that made no sense (loops, bad clusters)
    uint64_t io_errors { 0 };
};

// A DOS date/time pair [FAT §"Date and Time Formats"].
struct DosTimestamp {
    uint16_t date { (46 << 9) | (1 << 5) | 1 }; // 2026-01-01
    uint16_t time { 0 };
};

class Fat32Volume {
public:
    Fat32Volume() = default;
    Fat32Volume(const Fat32Volume&) = delete;
    Fat32Volume& operator=(const Fat32Volume&) = delete;

    // Reads and checks the boot sector and FSInfo, counts free clusters.
    Result<void> mount(SectorDevice& device);
    bool mounted() const { return m_device != nullptr; }

    FatFile root() const;
    Result<FatFile> open(std::string_view path);
    Result<FatFile> create(std::string_view path); // Exists if already there
    Result<FatFile> mkdir(std::string_view path);
    Result<void> remove(std::string_view path); // files and empty directories

    Result<uint32_t> read(FatFile& file, uint32_t offset, std::span<uint8_t> out);
    Result<uint32_t> write(FatFile& file, uint32_t offset, std::span<const uint8_t> in);
    Result<uint32_t> append(FatFile& file, std::span<const uint8_t> in) { return write(file, file.size, in); }
    Result<void> truncate(FatFile& file, uint32_t size);

    // Next entry of `dir` (skipping deleted, volume-label and dot entries); false at the end.
    Result<bool> read_dir(const FatFile& dir, DirCursor& cursor, DirEntryInfo& out);

    // FSInfo (free count, next free) and the device's dirty blocks to disk.
    Result<void> sync();

    void set_timestamp(DosTimestamp ts) { m_now = ts; }
    uint32_t free_clusters() const { return m_free_clusters; }
    uint32_t cluster_bytes() const { return m_sectors_per_cluster * kSectorSize; }
    uint32_t cluster_count() const { return m_cluster_count; }
    const FatStats& stats() const { return m_stats; }

private:
    // Allocation table (fat32.cpp).
    Result<uint32_t> fat_get(uint32_t cluster);
    Result<void> fat_set(uint32_t cluster, uint32_t value);
    enum class Zero : uint8_t { No, Yes };
    Result<uint32_t> allocate_cluster(uint32_t previous, Zero zero); // linked after `previous` (0: none)
    Result<void> free_chain(uint32_t first);
    Result<uint32_t> cluster_at(FatFile& file, uint32_t index, bool extend);
    Result<uint32_t> count_free();
    uint64_t cluster_sector(uint32_t cluster) const;
    bool valid_cluster(uint32_t c) const { return c >= 2 && c < m_cluster_count + 2; }
    Error malformed();

    // Directories (fat_dir.cpp).
    Result<bool> next_raw(const FatFile& dir, DirCursor& cursor, uint8_t entry[32], uint64_t& sector, uint16_t& offset);
    Result<DirEntryInfo> lookup(const FatFile& dir, std::string_view name);
    Result<FatFile> resolve_parent(std::string_view path, std::string_view& leaf);
    Result<DirEntryInfo> add_entry(FatFile& dir, std::string_view name, uint8_t attributes, uint32_t cluster);
    Result<void> update_entry(const FatFile& file);
    Result<uint32_t> find_free_run(const FatFile& dir, uint32_t count);
    Result<void> write_entry(const FatFile& dir, uint32_t index, const uint8_t entry[32], uint64_t& sector, uint16_t& offset);
    Result<void> pick_alias(const FatFile& dir, std::string_view name, uint8_t raw[11]);
    Result<void> delete_entries(const FatFile& dir, uint32_t first, uint32_t last);
    static FatFile file_from(const DirEntryInfo& e);

    SectorDevice* m_device { nullptr };
    uint32_t m_sectors_per_cluster { 0 };
    uint32_t m_reserved { 0 };
    uint32_t m_fat_count { 0 };
    uint32_t m_fat_sectors { 0 };
    uint32_t m_root_cluster { 0 };
    uint32_t m_fsinfo_sector { 0 };
    uint64_t m_data_start { 0 };
    uint32_t m_cluster_count { 0 };
    uint32_t m_free_clusters { 0 };
    uint32_t m_next_free { 2 };
    bool m_fsinfo_valid { false };
    DosTimestamp m_now {};
    FatStats m_stats {};
};

// 8.3 name helpers (fat_name.cpp), public for tests.
// Pack `name` into an 11-byte short name; `nt_case` gets the lowercase flags (entry byte 12)
// when the base or extension is all lowercase. Unsupported for names that need a long name.
Result<void> make_short_name(std::string_view name, uint8_t out[11], uint8_t& nt_case);
// "NAME.EXT" (lowercased as nt_case says) from an entry's 11 bytes.
size_t format_short_name(const uint8_t raw[11], uint8_t nt_case, char* out);
uint8_t lfn_checksum(const uint8_t raw[11]);
// Whether `name` can be stored as a long name (ASCII, no `"*/:<>?\|`, no trailing dot/space).
bool long_name_ok(std::string_view name);
// The short alias BASIS~n.EXT of a long name [FAT §"Name Matching in Short File Names"].
void make_alias(std::string_view name, uint32_t n, uint8_t out[11]);
bool names_equal(std::string_view a, std::string_view b); // ASCII case-insensitive

} // namespace oh::fs
