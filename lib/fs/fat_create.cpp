// FAT32 directory entry creation: 8.3 names as they are, other names as long-name entries
// with a generated short alias [FAT §"FAT Long Directory Entries"].
#include "lib/fs/fat32.h"

#include "lib/bytes.h"

namespace oh::fs {

namespace {

constexpr uint32_t kEntrySize = 32;
constexpr uint8_t kDeleted = 0xE5;
constexpr uint8_t kLfnOffsets[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

// Entry for part `seq` (1-based) of `name`: 13 characters, then a 0x0000 terminator and
// 0xFFFF padding.
void build_lfn_entry(uint8_t e[kEntrySize], std::string_view name, uint32_t seq, bool last, uint8_t checksum)
{
    fill_bytes(e, 0, kEntrySize);
    e[0] = uint8_t(seq | (last ? 0x40 : 0));
    e[11] = attr::kLongName;
    e[13] = checksum;
    for (size_t k = 0; k < 13; k++) {
        size_t i = (seq - 1) * 13 + k;
        uint16_t unit = i < name.size() ? uint16_t(uint8_t(name[i])) : (i == name.size() ? 0x0000 : 0xffff);
        store_le16(e + kLfnOffsets[k], unit);
    }
}

} // namespace

// The first index of `count` consecutive free entries, growing the directory if needed.
Result<uint32_t> Fat32Volume::find_free_run(const FatFile& dir, uint32_t count)
{
    DirCursor cur;
    uint8_t e[kEntrySize];
    uint64_t sector;
    uint16_t offset;
    uint32_t start = 0, run = 0;
    while (TRY(next_raw(dir, cur, e, sector, offset))) {
        if (e[0] == 0x00 || e[0] == kDeleted) {
            if (run == 0)
                start = cur.index - 1;
            if (++run == count)
                return start;
        } else {
            run = 0;
        }
    }
    if (!valid_cluster(cur.cluster))
        return malformed();
    if (run == 0)
        start = cur.index;
    uint32_t last = cur.cluster;
    uint32_t per_cluster = cluster_bytes() / kEntrySize;
    while (run < count) { // new clusters are zeroed: all their entries are free
        last = TRY(allocate_cluster(last, Zero::Yes));
        run += per_cluster;
    }
    return start;
}

Result<void> Fat32Volume::write_entry(const FatFile& dir, uint32_t index, const uint8_t entry[32], uint64_t& sector,
    uint16_t& offset)
{
    DirCursor cur;
    uint8_t e[kEntrySize];
    while (TRY(next_raw(dir, cur, e, sector, offset))) {
        if (cur.index - 1 == index)
            return m_device->write(sector, offset, std::span<const uint8_t>(entry, kEntrySize));
    }
    return malformed();
}

Result<void> Fat32Volume::pick_alias(const FatFile& dir, std::string_view name, uint8_t raw[11])
{
    for (uint32_t n = 1; n < 1000000; n++) {
        make_alias(name, n, raw);
        char alias[13];
        size_t len = format_short_name(raw, 0, alias);
        auto taken = lookup(dir, std::string_view(alias, len));
        if (taken.is_error() && taken.error() == Error::NotFound)
            return {};
        if (taken.is_error())
            return taken.error_info();
    }
    return Error::Exists;
}

Result<DirEntryInfo> Fat32Volume::add_entry(FatFile& dir, std::string_view name, uint8_t attributes, uint32_t cluster)
{
    uint8_t raw[11];
    uint8_t nt_case = 0;
    auto packed = make_short_name(name, raw, nt_case);
    bool long_name = packed.is_error();
    if (long_name && (packed.error() != Error::Unsupported || !long_name_ok(name)))
        return Error::InvalidArgument;
    auto existing = lookup(dir, name);
    if (existing.has_value())
        return Error::Exists;
    if (existing.error() != Error::NotFound)
        return existing.error_info();
    if (long_name)
        TRY(pick_alias(dir, name, raw));

    uint32_t parts = long_name ? uint32_t((name.size() + 12) / 13) : 0;
    uint32_t first = TRY(find_free_run(dir, parts + 1));
    uint8_t e[kEntrySize];
    uint64_t sector = 0;
    uint16_t offset = 0;
    uint8_t checksum = lfn_checksum(raw);
    // The highest part comes first on disk, flagged as the last one.
    for (uint32_t i = 0; i < parts; i++) {
        uint32_t seq = parts - i;
        build_lfn_entry(e, name, seq, i == 0, checksum);
        TRY(write_entry(dir, first + i, e, sector, offset));
    }
    fill_bytes(e, 0, kEntrySize);
    copy_bytes(e, raw, 11);
    e[11] = attributes;
    e[12] = nt_case;
    store_le16(e + 14, m_now.time);
    store_le16(e + 16, m_now.date);
    store_le16(e + 18, m_now.date);
    store_le16(e + 20, uint16_t(cluster >> 16));
    store_le16(e + 22, m_now.time);
    store_le16(e + 24, m_now.date);
    store_le16(e + 26, uint16_t(cluster));
    TRY(write_entry(dir, first + parts, e, sector, offset));

    DirEntryInfo info;
    if (long_name) {
        copy_bytes(info.name, name.data(), name.size());
        info.name_length = uint8_t(name.size());
    } else {
        info.name_length = uint8_t(format_short_name(raw, nt_case, info.name));
    }
    info.name[info.name_length] = 0;
    info.attributes = attributes;
    info.first_cluster = cluster;
    info.entry_sector = sector;
    info.entry_offset = offset;
    info.first_lfn_index = first;
    info.entry_index = first + parts;
    return info;
}

} // namespace oh::fs
