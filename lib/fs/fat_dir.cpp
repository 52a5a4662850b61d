// FAT32 directories: walking entries, long names, path lookup, creating and removing entries.
#include "lib/fs/fat32.h"

#include "lib/bytes.h"

namespace oh::fs {

namespace {

constexpr uint32_t kEntrySize = 32;
constexpr uint32_t kEndOfChain = 0x0ffffff8;
constexpr uint8_t kDeleted = 0xE5;
constexpr size_t kMaxLfnEntries = 20; // 20 * 13 = 260 UTF-16 units >= 255 characters

// Long-name character positions inside a 32-byte entry [FAT §"FAT Long Directory Entries"].
constexpr uint8_t kLfnOffsets[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

struct LongName {
    uint16_t units[kMaxLfnEntries * 13] {};
    uint8_t expected { 0 }; // next sequence number we expect (counting down to 1)
    uint8_t checksum { 0 };
    uint32_t first_index { 0 };
    bool active { false };
};

size_t utf16_to_utf8(const uint16_t* units, size_t count, char* out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < count && units[i] != 0 && units[i] != 0xffff; i++) {
        uint16_t u = units[i];
        char enc[3];
        size_t len;
        if (u < 0x80) {
            enc[0] = char(u);
            len = 1;
        } else if (u < 0x800) {
            enc[0] = char(0xc0 | (u >> 6));
            enc[1] = char(0x80 | (u & 0x3f));
            len = 2;
        } else { // surrogate halves are kept as-is (CESU-style): names stay readable
            enc[0] = char(0xe0 | (u >> 12));
            enc[1] = char(0x80 | ((u >> 6) & 0x3f));
            enc[2] = char(0x80 | (u & 0x3f));
            len = 3;
        }
        if (n + len > cap)
            break;
        for (size_t k = 0; k < len; k++)
            out[n++] = enc[k];
    }
    return n;
}

} // namespace

FatFile Fat32Volume::root() const
{
    FatFile f;
    f.first_cluster = m_root_cluster;
    f.attributes = attr::kDirectory;
    return f;
}

FatFile Fat32Volume::file_from(const DirEntryInfo& e)
{
    FatFile f;
    f.first_cluster = e.first_cluster;
    f.size = (e.attributes & attr::kDirectory) ? 0 : e.size;
    f.entry_sector = e.entry_sector;
    f.entry_offset = e.entry_offset;
    f.attributes = e.attributes;
    f.hint_cluster = e.first_cluster;
    return f;
}

// The next raw 32-byte entry of `dir`, following its cluster chain; false past its end.
Result<bool> Fat32Volume::next_raw(const FatFile& dir, DirCursor& cur, uint8_t entry[32], uint64_t& sector,
    uint16_t& offset)
{
    if (!m_device || cur.ended)
        return false;
    uint32_t per_cluster = cluster_bytes() / kEntrySize;
    if (cur.index == 0) {
        cur.cluster = dir.first_cluster;
        cur.cluster_index = 0;
        if (!valid_cluster(cur.cluster)) {
            cur.ended = true;
            if (cur.cluster == 0)
                return false; // an empty directory file
            return malformed();
        }
    }
    if (cur.index / per_cluster != cur.cluster_index) {
        uint32_t next = TRY(fat_get(cur.cluster));
        if (next >= kEndOfChain) {
            cur.ended = true;
            return false;
        }
        // A directory cannot have more clusters than the volume: more means a loop.
        if (!valid_cluster(next) || cur.cluster_index >= m_cluster_count) {
            cur.ended = true;
            return malformed();
        }
        cur.cluster = next;
        cur.cluster_index++;
    }
    uint32_t byte = (cur.index % per_cluster) * kEntrySize;
    sector = cluster_sector(cur.cluster) + byte / kSectorSize;
    offset = uint16_t(byte % kSectorSize);
    TRY(m_device->read(sector, offset, std::span<uint8_t>(entry, kEntrySize)));
    cur.index++;
    return true;
}

Result<bool> Fat32Volume::read_dir(const FatFile& dir, DirCursor& cur, DirEntryInfo& out)
{
    LongName lfn;
    uint8_t e[kEntrySize];
    uint64_t sector;
    uint16_t offset;
    while (TRY(next_raw(dir, cur, e, sector, offset))) {
        if (e[0] == 0x00) { // [FAT §DIR_Name]: no entries follow
            cur.ended = true;
            return false;
        }
        if (e[0] == kDeleted) {
            lfn.active = false;
            continue;
        }
        if ((e[11] & 0x3f) == attr::kLongName) {
            uint8_t seq = e[0] & 0x1f;
            if (e[0] & 0x40) { // the last (highest) part comes first on disk
                lfn = LongName {};
                lfn.active = seq >= 1 && seq <= kMaxLfnEntries;
                lfn.expected = seq;
                lfn.checksum = e[13];
                lfn.first_index = cur.index - 1;
            }
            if (!lfn.active || seq != lfn.expected || e[13] != lfn.checksum) {
                lfn.active = false;
                continue;
            }
            for (size_t k = 0; k < 13; k++)
                lfn.units[(seq - 1) * 13 + k] = load_le16(e + kLfnOffsets[k]);
            lfn.expected--;
            continue;
        }
        if ((e[11] & attr::kVolumeId) || e[0] == '.') {
            lfn.active = false;
            continue;
        }
        out = DirEntryInfo {};
        bool use_lfn = lfn.active && lfn.expected == 0 && lfn.checksum == lfn_checksum(e);
        if (use_lfn)
            out.name_length = uint8_t(utf16_to_utf8(lfn.units, kMaxLfnEntries * 13, out.name, kMaxNameBytes));
        if (!use_lfn || out.name_length == 0)
            out.name_length = uint8_t(format_short_name(e, e[12], out.name));
        out.name[out.name_length] = 0;
        out.attributes = e[11];
        out.first_cluster = (uint32_t(load_le16(e + 20)) << 16 | load_le16(e + 26)) & 0x0fffffff;
        out.size = load_le32(e + 28);
        out.entry_sector = sector;
        out.entry_offset = offset;
        out.entry_index = cur.index - 1;
        out.first_lfn_index = use_lfn ? lfn.first_index : out.entry_index;
        return true;
    }
    return false;
}

Result<DirEntryInfo> Fat32Volume::lookup(const FatFile& dir, std::string_view name)
{
    DirCursor cur;
    DirEntryInfo e;
    while (TRY(read_dir(dir, cur, e))) {
        if (names_equal(std::string_view(e.name, e.name_length), name))
            return e;
        // A file with a long name also answers to its short name.
        if (e.first_lfn_index != e.entry_index) {
            uint8_t raw[11];
            char short_name[13];
            TRY(m_device->read(e.entry_sector, e.entry_offset, std::span<uint8_t>(raw, 11)));
            size_t n = format_short_name(raw, 0, short_name);
            if (names_equal(std::string_view(short_name, n), name))
                return e;
        }
    }
    return Error::NotFound;
}

Result<FatFile> Fat32Volume::resolve_parent(std::string_view path, std::string_view& leaf)
{
    if (!m_device)
        return Error::InvalidArgument;
    FatFile dir = root();
    leaf = {};
    size_t i = 0;
    while (i < path.size()) {
        while (i < path.size() && path[i] == '/')
            i++;
        size_t start = i;
        while (i < path.size() && path[i] != '/')
            i++;
        std::string_view part = path.substr(start, i - start);
        if (part.empty())
            break;
        if (!leaf.empty()) { // the previous component must be a directory
            DirEntryInfo e = TRY(lookup(dir, leaf));
            if (!(e.attributes & attr::kDirectory))
                return Error::NotFound;
            dir = file_from(e);
        }
        leaf = part;
    }
    return dir;
}

Result<FatFile> Fat32Volume::open(std::string_view path)
{
    std::string_view leaf;
    FatFile dir = TRY(resolve_parent(path, leaf));
    if (leaf.empty())
        return dir; // the root
    return file_from(TRY(lookup(dir, leaf)));
}

Result<void> Fat32Volume::update_entry(const FatFile& file)
{
    if (file.entry_sector == 0)
        return {}; // the root has no entry
    uint8_t e[kEntrySize];
    TRY(m_device->read(file.entry_sector, file.entry_offset, std::span<uint8_t>(e, kEntrySize)));
    store_le16(e + 18, m_now.date);
    store_le16(e + 20, uint16_t(file.first_cluster >> 16));
    store_le16(e + 22, m_now.time);
    store_le16(e + 24, m_now.date);
    store_le16(e + 26, uint16_t(file.first_cluster));
    store_le32(e + 28, file.is_directory() ? 0 : file.size);
    return m_device->write(file.entry_sector, file.entry_offset, std::span<const uint8_t>(e, kEntrySize));
}

Result<FatFile> Fat32Volume::create(std::string_view path)
{
    std::string_view leaf;
    FatFile dir = TRY(resolve_parent(path, leaf));
    if (leaf.empty())
        return Error::Exists;
    return file_from(TRY(add_entry(dir, leaf, attr::kArchive, 0)));
}

Result<FatFile> Fat32Volume::mkdir(std::string_view path)
{
    std::string_view leaf;
    FatFile parent = TRY(resolve_parent(path, leaf));
    if (leaf.empty())
        return Error::Exists;
    uint8_t probe[11], nt;
    if (make_short_name(leaf, probe, nt).is_error() && !long_name_ok(leaf))
        return Error::InvalidArgument;
    if (lookup(parent, leaf).has_value())
        return Error::Exists;
    uint32_t c = TRY(allocate_cluster(0, Zero::Yes));
    auto added = add_entry(parent, leaf, attr::kDirectory, c);
    if (added.is_error()) {
        if (free_chain(c).is_error()) // best effort: the entry failure is what we report
            m_stats.malformed++;
        return added.error_info();
    }
    // "." and ".." [FAT §"Directory Structure"]; ".." of a child of the root holds 0.
    uint8_t e[kEntrySize] {};
    for (int i = 0; i < 2; i++) {
        fill_bytes(e, 0, kEntrySize);
        fill_bytes(e, ' ', 11);
        e[0] = '.';
        if (i == 1)
            e[1] = '.';
        uint32_t target = i == 0 ? c : (parent.first_cluster == m_root_cluster ? 0 : parent.first_cluster);
        e[11] = attr::kDirectory;
        store_le16(e + 16, m_now.date);
        store_le16(e + 20, uint16_t(target >> 16));
        store_le16(e + 24, m_now.date);
        store_le16(e + 26, uint16_t(target));
        TRY(m_device->write(cluster_sector(c), uint32_t(i) * kEntrySize, std::span<const uint8_t>(e, kEntrySize)));
    }
    return file_from(added.value());
}

Result<void> Fat32Volume::delete_entries(const FatFile& dir, uint32_t first, uint32_t last)
{
    DirCursor cur;
    uint8_t e[kEntrySize];
    uint64_t sector;
    uint16_t offset;
    while (cur.index <= last && TRY(next_raw(dir, cur, e, sector, offset))) {
        if (cur.index - 1 < first)
            continue;
        const uint8_t mark = kDeleted;
        TRY(m_device->write(sector, offset, std::span<const uint8_t>(&mark, 1)));
    }
    return {};
}

Result<void> Fat32Volume::remove(std::string_view path)
{
    std::string_view leaf;
    FatFile dir = TRY(resolve_parent(path, leaf));
    if (leaf.empty())
        return Error::InvalidArgument;
    DirEntryInfo e = TRY(lookup(dir, leaf));
    if (e.attributes & attr::kDirectory) {
        DirCursor cur;
        DirEntryInfo child;
        if (TRY(read_dir(file_from(e), cur, child)))
            return Error::Busy; // not empty
    }
    if (valid_cluster(e.first_cluster))
        TRY(free_chain(e.first_cluster));
    return delete_entries(dir, e.first_lfn_index, e.entry_index);
}

} // namespace oh::fs
