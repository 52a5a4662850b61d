// The filesystem's SectorDevice over the block cache (a cache of 512-byte blocks).
#pragma once

#include "lib/block/block_io.h"
#include "lib/fs/fat32.h"

namespace oh::fs {

class CachedSectorDevice final : public SectorDevice {
public:
    CachedSectorDevice(block::BlockIo& io, uint64_t sectors) : m_io(io), m_sectors(sectors) { }

    Result<void> read(uint64_t sector, uint32_t offset, std::span<uint8_t> out) override
    {
        if (m_io.block_size() != kSectorSize || sector >= m_sectors)
            return Error::InvalidArgument;
        return m_io.read(sector, offset, out);
    }
    Result<void> write(uint64_t sector, uint32_t offset, std::span<const uint8_t> in) override
    {
        if (m_io.block_size() != kSectorSize || sector >= m_sectors)
            return Error::InvalidArgument;
        return m_io.write(sector, offset, in);
    }
    Result<void> sync() override { return m_io.sync(); }
    uint64_t sector_count() const override { return m_sectors; }

private:
    block::BlockIo& m_io;
    uint64_t m_sectors;
};

} // namespace oh::fs
