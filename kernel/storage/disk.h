// The kernel's disk: the PIIX IDE driver bound to ports, DMA memory and IRQ 14/15, under the
// block cache with its lock, wait queues and flusher thread (see lib/block/README.md).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "drivers/ata/ata.h"
#include "lib/block/block_io.h"

namespace oh::kernel {

struct DiskStats {
    block::CacheStats cache {};
    ata::AtaStats ata {};
    uint32_t dirty { 0 };
    uint32_t capacity { 0 };
    uint64_t sectors { 0 };
};

// Probe the IDE controller for a hard disk (primary master first), start the cache and the
// flusher. False when there is none (the reason is printed).
bool disk_init();
bool disk_present();
// The disk seen through the cache (valid after disk_init() returned true).
block::BlockIo& disk_io();
uint64_t disk_sectors();
const ata::Identity& disk_identity();
DiskStats disk_stats();

} // namespace oh::kernel
