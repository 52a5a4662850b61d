// FAT32 volume: boot sector checks, the allocation table, cluster chains, FSInfo, sync.
#include "lib/fs/fat32.h"

#include "lib/bytes.h"

namespace oh::fs {

namespace {

constexpr uint32_t kClusterMask = 0x0fffffff; // FAT32 entries are 28 bits [FAT §4]
constexpr uint32_t kEndOfChain = 0x0ffffff8;
constexpr uint32_t kEocMark = 0x0fffffff;

bool is_power_of_two(uint32_t v) { return v && !(v & (v - 1)); }

} // namespace

Error Fat32Volume::malformed()
{
    m_stats.malformed++;
    return Error::Malformed;
}

// [FAT §3.1-3.3] BPB and FAT32 extended BPB; [FAT §5] FSInfo.
Result<void> Fat32Volume::mount(SectorDevice& device)
{
    m_device = nullptr;
    uint8_t bs[kSectorSize];
    if (device.read(0, 0, bs).is_error())
        return Error::IoError;
    if (bs[510] != 0x55 || bs[511] != 0xAA || load_le16(bs + 11) != kSectorSize)
        return malformed();
    uint32_t spc = bs[13];
    uint32_t reserved = load_le16(bs + 14);
    uint32_t fats = bs[16];
    uint32_t total = load_le16(bs + 19) ? load_le16(bs + 19) : load_le32(bs + 32);
    uint32_t fat_sectors = load_le32(bs + 36);
    if (!is_power_of_two(spc) || spc > 128 || reserved == 0 || fats == 0 || fats > 4)
        return malformed();
    if (load_le16(bs + 17) != 0 || load_le16(bs + 22) != 0 || fat_sectors == 0)
        return malformed(); // FAT12/16 layout: not ours
    if (total > device.sector_count())
        return malformed();
    uint64_t data_start = reserved + uint64_t(fats) * fat_sectors;
    if (data_start >= total)
        return malformed();
    uint64_t clusters = (total - data_start) / spc;
    // The FAT must have an entry for every cluster (plus the two reserved ones).
    uint64_t fat_entries = uint64_t(fat_sectors) * (kSectorSize / 4);
    if (clusters + 2 > fat_entries)
        clusters = fat_entries - 2;
    if (clusters == 0 || clusters > kEndOfChain - 2)
        return malformed();
    m_sectors_per_cluster = spc;
    m_reserved = reserved;
    m_fat_count = fats;
    m_fat_sectors = fat_sectors;
    m_data_start = data_start;
    m_cluster_count = uint32_t(clusters);
    m_root_cluster = load_le32(bs + 44) & kClusterMask;
    m_fsinfo_sector = load_le16(bs + 48);
    if (!valid_cluster(m_root_cluster))
        return malformed();
    m_device = &device;

    m_fsinfo_valid = false;
    uint8_t fsi[kSectorSize];
    if (m_fsinfo_sector > 0 && m_fsinfo_sector < reserved && device.read(m_fsinfo_sector, 0, fsi).has_value()
        && load_le32(fsi) == 0x41615252 && load_le32(fsi + 484) == 0x61417272 && load_le32(fsi + 508) == 0xAA550000) {
        m_fsinfo_valid = true;
        uint32_t hint = load_le32(fsi + 492);
        m_next_free = valid_cluster(hint) ? hint : 2;
    }
    // The FSInfo count is only a hint [FAT §5]: count for real.
    auto free = count_free();
    if (free.is_error()) {
        m_device = nullptr;
        return free.error_info();
    }
    m_free_clusters = free.value();
    return {};
}

Result<uint32_t> Fat32Volume::count_free()
{
    uint32_t free = 0;
    uint8_t sector[kSectorSize];
    uint32_t last = m_cluster_count + 2;
    for (uint32_t s = 0; s * (kSectorSize / 4) < last; s++) {
        TRY(m_device->read(m_reserved + s, 0, sector));
        for (uint32_t i = 0; i < kSectorSize / 4; i++) {
            uint32_t c = s * (kSectorSize / 4) + i;
            if (c >= 2 && c < last && (load_le32(sector + i * 4) & kClusterMask) == 0)
                free++;
        }
    }
    return free;
}

uint64_t Fat32Volume::cluster_sector(uint32_t cluster) const
{
    return m_data_start + uint64_t(cluster - 2) * m_sectors_per_cluster;
}

Result<uint32_t> Fat32Volume::fat_get(uint32_t cluster)
{
    if (!valid_cluster(cluster))
        return malformed();
    uint8_t v[4];
    uint64_t byte = uint64_t(cluster) * 4;
    if (m_device->read(m_reserved + byte / kSectorSize, uint32_t(byte % kSectorSize), v).is_error()) {
        m_stats.io_errors++;
        return Error::IoError;
    }
    return load_le32(v) & kClusterMask;
}

// Every copy of the FAT is kept identical; the top four bits are preserved [FAT §4].
Result<void> Fat32Volume::fat_set(uint32_t cluster, uint32_t value)
{
    if (!valid_cluster(cluster))
        return malformed();
    uint64_t byte = uint64_t(cluster) * 4;
    for (uint32_t f = 0; f < m_fat_count; f++) {
        uint64_t sector = m_reserved + uint64_t(f) * m_fat_sectors + byte / kSectorSize;
        uint32_t offset = uint32_t(byte % kSectorSize);
        uint8_t v[4];
        TRY(m_device->read(sector, offset, v));
        store_le32(v, (load_le32(v) & ~kClusterMask) | (value & kClusterMask));
        TRY(m_device->write(sector, offset, v));
    }
    return {};
}

Result<uint32_t> Fat32Volume::allocate_cluster(uint32_t previous, Zero zero)
{
    uint32_t c = valid_cluster(m_next_free) ? m_next_free : 2;
    for (uint32_t tried = 0; tried < m_cluster_count; tried++, c = (c + 1 < m_cluster_count + 2) ? c + 1 : 2) {
        if (TRY(fat_get(c)) != 0)
            continue;
        TRY(fat_set(c, kEocMark));
        if (previous)
            TRY(fat_set(previous, c));
        if (zero == Zero::Yes) {
            static constexpr uint8_t zeros[kSectorSize] {};
            for (uint32_t s = 0; s < m_sectors_per_cluster; s++)
                TRY(m_device->write(cluster_sector(c) + s, 0, zeros));
        }
        if (m_free_clusters > 0)
            m_free_clusters--;
        m_next_free = c + 1;
        return c;
    }
    return Error::NoSpace;
}

Result<void> Fat32Volume::free_chain(uint32_t first)
{
    uint32_t c = first;
    // A chain can visit each cluster once; anything longer is a loop.
    for (uint32_t n = 0; n <= m_cluster_count; n++) {
        if (!valid_cluster(c))
            return malformed();
        uint32_t next = TRY(fat_get(c));
        if (next == 0)
            return malformed(); // already free: a cross-linked or looping chain
        TRY(fat_set(c, 0));
        m_free_clusters++;
        if (next >= kEndOfChain)
            return {};
        c = next;
    }
    return malformed();
}

// The `index`-th cluster of the file, walking from the cached position when possible.
Result<uint32_t> Fat32Volume::cluster_at(FatFile& file, uint32_t index, bool extend)
{
    if (file.first_cluster == 0) {
        if (!extend)
            return Error::NotFound;
        file.first_cluster = TRY(allocate_cluster(0, Zero::No));
        file.hint_index = 0;
        file.hint_cluster = file.first_cluster;
    }
    // A chain visits each cluster at most once, so no file has more clusters than the volume:
    // a larger index is a looping chain or a size that cannot be (a crafted directory entry
    // claiming 4 GiB over a cyclic chain would otherwise walk the loop ~2^23 times per read).
    if (index >= m_cluster_count)
        return extend ? Result<uint32_t>(Error::NoSpace) : Result<uint32_t>(malformed());
    uint32_t i = 0, c = file.first_cluster;
    if (valid_cluster(file.hint_cluster) && file.hint_index <= index) {
        i = file.hint_index;
        c = file.hint_cluster;
    }
    if (!valid_cluster(c))
        return malformed();
    while (i < index) {
        uint32_t next = TRY(fat_get(c));
        if (next >= kEndOfChain || next == 0) {
            if (!extend)
                return next == 0 ? Result<uint32_t>(malformed()) : Result<uint32_t>(Error::NotFound);
            next = TRY(allocate_cluster(c, Zero::No));
        } else if (!valid_cluster(next)) {
            return malformed();
        }
        c = next;
        i++;
    }
    file.hint_index = index;
    file.hint_cluster = c;
    return c;
}

Result<uint32_t> Fat32Volume::read(FatFile& file, uint32_t offset, std::span<uint8_t> out)
{
    if (!m_device)
        return Error::InvalidArgument;
    if (file.is_directory() || offset >= file.size)
        return uint32_t(0);
    uint32_t n = uint32_t(out.size() < file.size - offset ? out.size() : file.size - offset);
    uint32_t done = 0, cb = cluster_bytes();
    while (done < n) {
        uint32_t pos = offset + done;
        auto c = cluster_at(file, pos / cb, false);
        if (c.is_error())
            return c.error() == Error::NotFound ? Result<uint32_t>(malformed()) : Result<uint32_t>(c.error_info());
        uint32_t in_cluster = pos % cb;
        uint32_t in_sector = in_cluster % kSectorSize;
        uint32_t chunk = kSectorSize - in_sector;
        if (chunk > n - done)
            chunk = n - done;
        TRY(m_device->read(cluster_sector(c.value()) + in_cluster / kSectorSize, in_sector,
            out.subspan(done, chunk)));
        done += chunk;
    }
    return done;
}

Result<uint32_t> Fat32Volume::write(FatFile& file, uint32_t offset, std::span<const uint8_t> in)
{
    if (!m_device || file.is_directory())
        return Error::InvalidArgument;
    if (in.size() > 0xffffffffu - offset)
        return Error::Overflow; // FAT file sizes are 32-bit
    if (offset > file.size)
        TRY(truncate(file, offset)); // zero-fill the gap
    uint32_t n = uint32_t(in.size()), done = 0, cb = cluster_bytes();
    Result<void> status {};
    while (done < n) {
        uint32_t pos = offset + done;
        auto c = cluster_at(file, pos / cb, true);
        if (c.is_error()) {
            status = c.error_info();
            break;
        }
        uint32_t in_cluster = pos % cb;
        uint32_t in_sector = in_cluster % kSectorSize;
        uint32_t chunk = kSectorSize - in_sector;
        if (chunk > n - done)
            chunk = n - done;
        status = m_device->write(cluster_sector(c.value()) + in_cluster / kSectorSize, in_sector, in.subspan(done, chunk));
        if (status.is_error())
            break;
        done += chunk;
        if (offset + done > file.size)
            file.size = offset + done;
    }
    // Whatever part made it is recorded, so a full disk still leaves a consistent file.
    TRY(update_entry(file));
    if (status.is_error() && done == 0)
        return status.error_info();
    return done;
}

Result<void> Fat32Volume::truncate(FatFile& file, uint32_t size)
{
    if (!m_device || file.is_directory())
        return Error::InvalidArgument;
    static constexpr uint8_t zeros[kSectorSize] {};
    while (file.size < size) {
        uint32_t chunk = size - file.size < kSectorSize ? size - file.size : kSectorSize;
        uint32_t wrote = TRY(write(file, file.size, std::span<const uint8_t>(zeros, chunk)));
        if (wrote == 0)
            return Error::NoSpace;
    }
    if (file.size == size)
        return {};
    uint32_t keep = uint32_t((uint64_t(size) + cluster_bytes() - 1) / cluster_bytes());
    if (file.first_cluster) {
        if (keep == 0) {
            TRY(free_chain(file.first_cluster));
            file.first_cluster = 0;
        } else {
            uint32_t last = TRY(cluster_at(file, keep - 1, false));
            uint32_t next = TRY(fat_get(last));
            TRY(fat_set(last, kEocMark));
            if (next < kEndOfChain && next != 0)
                TRY(free_chain(next));
        }
    }
    file.size = size;
    file.hint_index = 0;
    file.hint_cluster = file.first_cluster;
    return update_entry(file);
}

Result<void> Fat32Volume::sync()
{
    if (!m_device)
        return Error::InvalidArgument;
    if (m_fsinfo_valid) {
        uint8_t v[8];
        store_le32(v, m_free_clusters);
        store_le32(v + 4, valid_cluster(m_next_free) ? m_next_free : 0xffffffffu);
        TRY(m_device->write(m_fsinfo_sector, 488, v));
    }
    return m_device->sync();
}

} // namespace oh::fs
