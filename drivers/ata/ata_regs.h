// ATA task-file and PIIX bus-master IDE registers, status bits and commands.
// References: ATA/ATAPI-6 (T13/1410D) §7 (registers), §8 (commands); Intel PIIX4 datasheet
// §2.7.9 (BMIDE: BMICx, BMISx, BMIDTPx) and the "Programming Interface for Bus Master IDE
// Controller" rev 1.0 (PRD format).
#pragma once

#include <stdint.h>

namespace oh::ata {

// Command block, offsets from the channel's I/O base (0x1f0 / 0x170) [ATA-6 §7.1].
enum class Reg : uint16_t {
    Data = 0,
    ErrorFeatures = 1, // read: Error, write: Features
    SectorCount = 2,
    LbaLow = 3,
    LbaMid = 4,
    LbaHigh = 5,
    Device = 6,
    StatusCommand = 7, // read: Status (clears INTRQ), write: Command
};
// Control block, offset from the control base (0x3f6 / 0x376).
constexpr uint16_t kAltStatusDeviceControl = 0;

namespace status {
constexpr uint8_t kBusy = 0x80, kReady = 0x40, kDeviceFault = 0x20, kDataRequest = 0x08, kError = 0x01;
}
namespace error_bits {
constexpr uint8_t kAbort = 0x04, kUncorrectable = 0x40, kIdNotFound = 0x10;
}
namespace control {
constexpr uint8_t kNoInterrupt = 0x02, kSoftReset = 0x04, kHighOrderByte = 0x80;
}
// Device register: bit 6 selects LBA addressing, bit 4 the device (0 master, 1 slave);
// bits 7 and 5 are obsolete and set for old drives.
constexpr uint8_t kDeviceLba = 0x40;
constexpr uint8_t kDeviceObsolete = 0xa0;

namespace cmd {
constexpr uint8_t kReadSectors = 0x20, kReadSectorsExt = 0x24, kReadDma = 0xc8, kReadDmaExt = 0x25;
constexpr uint8_t kWriteSectors = 0x30, kWriteSectorsExt = 0x34, kWriteDma = 0xca, kWriteDmaExt = 0x35;
constexpr uint8_t kFlushCache = 0xe7, kFlushCacheExt = 0xea, kIdentify = 0xec;
}

// Bus-master IDE registers, offsets from BAR4 (+8 for the secondary channel) [PIIX4 §2.7.9].
enum class BmReg : uint16_t {
    Command = 0,  // BMICx
    Status = 2,   // BMISx
    PrdTable = 4, // BMIDTPx, 32-bit, dword aligned
};
namespace bm {
constexpr uint8_t kStart = 0x01;
constexpr uint8_t kReadFromDevice = 0x08; // direction: the controller writes memory
constexpr uint8_t kStatusActive = 0x01, kStatusError = 0x02, kStatusInterrupt = 0x04;
}

// Physical Region Descriptor: 32-bit base, byte count (0 = 64 KiB), bit 31 of the last
// word marks the table's end. A region must not cross a 64 KiB boundary.
struct Prd {
    uint32_t base;
    uint16_t bytes;
    uint16_t flags;
};
static_assert(sizeof(Prd) == 8);
constexpr uint16_t kPrdEndOfTable = 0x8000;

constexpr uint32_t kSectorSize = 512;

} // namespace oh::ata
