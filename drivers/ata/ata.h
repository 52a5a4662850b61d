// ATA/IDE disk driver core (QEMU -M pc PIIX IDE): IDENTIFY, LBA28/LBA48, PIO and bus-master
// DMA, interrupt-driven completion, timeouts, a small request queue. Hardware is reached
// through an injected hw::PortIo and hw::DmaAllocator, so the same code runs against a mock in tests.
// Lifecycle: probe() -> create() (the drive identified, or why not) -> submit()/handle_irq()/poll().
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "drivers/ata/ata_regs.h"
#include "lib/hw/io.h"
#include "lib/hw/irq.h"
#include "drivers/pci/pci.h"
#include "lib/block/block_device.h"
#include "lib/clock.h"
#include "lib/result.h"

namespace oh::ata {

// Hardware through lib/hw/io.h. The bounce buffer asks the DmaAllocator for 64 KiB
// alignment below 4 GiB: a PRD region must not cross a 64 KiB boundary.

// Where finished requests go (the block cache's complete(), through the kernel glue).
class CompletionSink {
public:
    virtual void complete(const block::IoRequest& request, block::IoStatus status) = 0;

protected:
    ~CompletionSink() = default;
};

enum class TransferMode : uint8_t { Pio, Dma };

// Immutable description of one drive on one channel.
struct ChannelConfig {
    uint16_t io_base { 0x1f0 };
    uint16_t control_base { 0x3f6 };
    uint16_t bus_master_base { 0 }; // 0: no bus master, PIO only
    uint8_t drive { 0 };            // 0 master, 1 slave
    TransferMode mode { TransferMode::Dma };
    Nanoseconds command_timeout { 5 * kNsPerSec };
};

struct Identity {
    uint64_t sectors { 0 };
    bool lba48 { false };
    bool dma { false };
    char model[41] {};
    char serial[21] {};
};

struct AtaStats {
    uint64_t commands { 0 };
    uint64_t errors { 0 };
    uint64_t timeouts { 0 };
    uint64_t spurious_irqs { 0 };
    uint64_t resets { 0 };
    uint64_t flushes { 0 };
    // Data moved, by the path the device reports: a bus-master transfer counts when its
    // interrupt came with BMIS Interrupt set and Active clear (the drive finished and the
    // controller consumed the whole PRD table: BMIDE rev 1.0, Status register); PIO counts the sectors
    // moved through the Data register (IDENTIFY's not included).
    uint64_t dma_transfers { 0 };
    uint64_t dma_bytes { 0 };
    uint64_t pio_sectors { 0 };
    uint8_t last_error { 0 }; // the Error register of the last failed command
};

constexpr size_t kQueueDepth = 8;
constexpr size_t kMaxTransfer = 64 * 1024; // one PRD region, the DMA bounce buffer

class AtaDisk final : public block::BlockDevice {
public:
    // A PCI IDE controller (class 01h, subclass 01h). No side effects.
    static bool probe(const pci::Device& dev);
    // The legacy channel ports (compatibility mode, as QEMU's PIIX3/4 runs) and BAR4's
    // bus-master block (+8 for the secondary channel).
    static ChannelConfig channel_config(const pci::Device& dev, uint8_t channel, uint8_t drive);
    // An identified drive ready for submit(), or why not: InvalidArgument for DMA mode without
    // a bus master, NoMemory when the PRD table or the 64 KiB bounce buffer cannot be had below
    // 4 GiB, NotFound when no drive answers, Unsupported for an ATAPI/SATA signature or a
    // CHS-only drive, IoError when IDENTIFY fails, Timeout when BSY never clears. IDENTIFY
    // DEVICE runs polled with interrupts masked, which are on again whatever the outcome; a
    // drive without DMA is driven by PIO. The disk may be moved: it points only at the
    // injected objects and its DMA memory (the PIIX finds the PRD table by bus address).
    static Result<AtaDisk> create(const ChannelConfig& config, hw::PortIo& io, hw::DmaAllocator& dma, const Clock& clock,
        CompletionSink& sink);

    const Identity& identity() const { return m_identity; }
    // What transfers use: the configured mode, or PIO for a drive without DMA.
    TransferMode mode() const { return m_config.mode; }
    // How many blocks of `block_size` bytes the disk holds.
    uint64_t block_count(uint32_t block_size) const { return m_identity.sectors / (block_size / kSectorSize); }

    // Queue a transfer; the result arrives through the CompletionSink.
    Result<void> submit(const block::IoRequest& request) override;
    // The channel's interrupt (IRQ 14/15): advances or finishes the active command.
    // Ours (acknowledged), plus Completed when a request finished; nothing: not our channel.
    hw::IrqEvents handle_irq();
    // Called periodically: a command older than command_timeout is abandoned (Timeout)
    // and the channel reset, so a dead drive cannot hang its callers.
    void poll(Nanoseconds now);

    bool busy() const { return m_phase != Phase::Idle; }
    size_t queued() const { return m_count; }
    const AtaStats& stats() const { return m_stats; }

private:
    enum class Phase : uint8_t { Idle, PioRead, PioWrite, Dma, NonData };

    AtaDisk(const ChannelConfig& config, hw::PortIo& io, const Clock& clock, CompletionSink& sink, hw::DmaBuffer prd,
        hw::DmaBuffer bounce);
    Result<void> initialize();

    uint8_t read_reg(Reg r) { return m_io->in8(uint16_t(m_config.io_base + uint16_t(r))); }
    void write_reg(Reg r, uint8_t v) { m_io->out8(uint16_t(m_config.io_base + uint16_t(r)), v); }
    uint8_t alt_status() { return m_io->in8(m_config.control_base + kAltStatusDeviceControl); }
    void delay_400ns();
    Result<uint8_t> wait_not_busy(Nanoseconds timeout);
    Result<void> identify();

    void start_next();
    Result<void> start(const block::IoRequest& req);
    Result<void> start_flush();
    void program_taskfile(uint64_t lba, uint32_t count, bool ext);
    void pio_transfer_sector(bool to_device);
    void finish(block::IoStatus status);
    void reset_channel();
    bool failed(uint8_t status);

    ChannelConfig m_config;
    hw::PortIo* m_io;
    const Clock* m_clock;
    CompletionSink* m_sink;
    hw::DmaBuffer m_prd;
    hw::DmaBuffer m_bounce;
    Identity m_identity {};
    AtaStats m_stats {};

    block::IoRequest m_queue[kQueueDepth] {};
    size_t m_head { 0 };
    size_t m_count { 0 };
    Phase m_phase { Phase::Idle };
    uint32_t m_sectors_left { 0 };
    uint32_t m_sector_index { 0 };
    Nanoseconds m_started { 0 };
};

} // namespace oh::ata
