// The interface between the block cache and a disk driver: requests out, completions back.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/result.h"

namespace oh::block {

using BlockNumber = uint64_t;
using DeviceId = uint8_t;

enum class IoOp : uint8_t {
    Read,
    Write,
    Flush, // make every write completed so far durable (ATA FLUSH CACHE); no data
};

enum class IoStatus : uint8_t {
    Ok,
    IoError, // the device reported an error (ATA ERR/DF, media error)
    Timeout, // the device never answered; the driver gave up
};

// One block transfer. The driver keeps a copy and hands it back unchanged to
// BlockCache::complete(); `data` stays valid and untouched by the cache until then.
struct IoRequest {
    IoOp op { IoOp::Read };
    DeviceId device { 0 };
    BlockNumber block { 0 };
    uint8_t* data { nullptr };
    uint32_t length { 0 }; // bytes: the cache's block size
    uint32_t tag { 0 };    // the cache's slot; opaque to the driver
};

// A disk as the cache sees it. submit() only queues: the transfer finishes later and is
// reported through BlockCache::complete() (from the driver's IRQ path, or a test's loop).
// submit() may be called from within complete(), so drivers must allow that re-entry.
class BlockDevice {
public:
    // Error::Busy: the driver's queue is full; the cache retries after the next completion.
    // Device failures are reported through complete(), never here: any error from submit()
    // is taken as Busy and the request stays queued in the cache.
    virtual Result<void> submit(const IoRequest& request) = 0;

protected:
    ~BlockDevice() = default;
};

} // namespace oh::block
