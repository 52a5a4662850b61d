// ATA/IDE driver core: identification, the command state machine, PIO and bus-master DMA.
#include "drivers/ata/ata.h"

#include "lib/bytes.h"

namespace oh::ata {

namespace {

constexpr uint32_t kMaxPolls = 100000; // polled waits also end by count: a stuck clock cannot hang us
constexpr uint64_t kLba28Limit = 1ull << 28;

void copy_ata_string(const uint16_t* words, size_t nwords, char* out)
{
    // [ATA-6 §8.15.x] strings hold two characters per word, the first in the high byte.
    size_t n = 0;
    for (size_t i = 0; i < nwords; i++) {
        out[n++] = char(words[i] >> 8);
        out[n++] = char(words[i] & 0xff);
    }
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == 0))
        n--;
    out[n] = 0;
}

} // namespace

bool AtaDisk::probe(const pci::Device& dev) { return dev.class_code == 0x01 && dev.subclass == 0x01; }

ChannelConfig AtaDisk::channel_config(const pci::Device& dev, uint8_t channel, uint8_t drive)
{
    ChannelConfig c;
    c.io_base = channel == 0 ? 0x1f0 : 0x170;
    c.control_base = channel == 0 ? 0x3f6 : 0x376;
    c.drive = drive & 1;
    const pci::Bar& bar4 = dev.bars[4];
    // prog-if bit 7: the controller can bus-master [PCI IDE Controller Specification §2].
    if (bar4.kind == pci::Bar::Kind::Io && bar4.base && (dev.prog_if & 0x80))
        c.bus_master_base = uint16_t(bar4.base + (channel ? 8 : 0));
    c.mode = c.bus_master_base ? TransferMode::Dma : TransferMode::Pio;
    return c;
}

Result<AtaDisk> AtaDisk::create(const ChannelConfig& config, hw::PortIo& io, hw::DmaAllocator& dma, const Clock& clock,
    CompletionSink& sink)
{
    hw::DmaBuffer prd, bounce;
    if (config.mode == TransferMode::Dma) {
        if (!config.bus_master_base)
            return Error::InvalidArgument;
        // One PRD entry; the PIIX wants the table dword aligned and not crossing 64 KiB.
        prd = TRY(dma.allocate(sizeof(Prd), 64, hw::kBusLimit32));
        bounce = TRY(dma.allocate(kMaxTransfer, kMaxTransfer, hw::kBusLimit32));
        if (prd.size < sizeof(Prd) || bounce.size < kMaxTransfer || (bounce.bus & (kMaxTransfer - 1))
            || bounce.bus + kMaxTransfer - 1 > hw::kBusLimit32 || prd.bus + sizeof(Prd) - 1 > hw::kBusLimit32)
            return Error::NoMemory;
    }
    AtaDisk disk(config, io, clock, sink, prd, bounce);
    TRY(disk.initialize());
    return disk;
}

AtaDisk::AtaDisk(const ChannelConfig& config, hw::PortIo& io, const Clock& clock, CompletionSink& sink, hw::DmaBuffer prd,
    hw::DmaBuffer bounce)
    : m_config(config), m_io(&io), m_clock(&clock), m_sink(&sink), m_prd(prd), m_bounce(bounce)
{
}

// [ATA-6 §9.x] the Status register is valid 400 ns after a device selection or command;
// four reads of Alternate Status take at least that long on ISA-timed ports.
void AtaDisk::delay_400ns()
{
    for (int i = 0; i < 4; i++)
        (void)alt_status(); // the read is the delay; its value is not needed
}

Result<uint8_t> AtaDisk::wait_not_busy(Nanoseconds timeout)
{
    Nanoseconds deadline = m_clock->now_ns() + timeout;
    for (uint32_t n = 0; n < kMaxPolls; n++) {
        uint8_t s = alt_status();
        if (!(s & status::kBusy))
            return s;
        if (m_clock->now_ns() > deadline)
            break;
    }
    return Error::Timeout;
}

// IDENTIFY DEVICE with interrupts masked (polled), then interrupts on.
Result<void> AtaDisk::initialize()
{
    // Interrupts off while we poll; a drive that never appears must not leave INTRQ pending.
    m_io->out8(m_config.control_base, control::kNoInterrupt);
    auto r = identify();
    m_io->out8(m_config.control_base, 0);
    if (r.is_error())
        return r;
    if (m_config.mode == TransferMode::Dma && !m_identity.dma)
        m_config.mode = TransferMode::Pio;
    return {};
}

// [ATA-6 §8.15] IDENTIFY DEVICE.
Result<void> AtaDisk::identify()
{
    write_reg(Reg::Device, uint8_t(kDeviceObsolete | (m_config.drive << 4)));
    delay_400ns();
    if (read_reg(Reg::StatusCommand) == 0xff)
        return Error::NotFound; // floating bus: no drive
    write_reg(Reg::SectorCount, 0);
    write_reg(Reg::LbaLow, 0);
    write_reg(Reg::LbaMid, 0);
    write_reg(Reg::LbaHigh, 0);
    write_reg(Reg::StatusCommand, cmd::kIdentify);
    delay_400ns();
    if (read_reg(Reg::StatusCommand) == 0)
        return Error::NotFound;
    uint8_t s = TRY(wait_not_busy(m_config.command_timeout));
    // ATAPI and SATA signatures in LBA mid/high mean "not an ATA disk" [ATA-6 §9.12].
    if (read_reg(Reg::LbaMid) != 0 || read_reg(Reg::LbaHigh) != 0)
        return Error::Unsupported;
    if (s & (status::kError | status::kDeviceFault))
        return Error::IoError;
    if (!(s & status::kDataRequest))
        return Error::IoError;
    uint16_t w[256];
    for (auto& word : w)
        word = m_io->in16(uint16_t(m_config.io_base + uint16_t(Reg::Data)));
    (void)read_reg(Reg::StatusCommand); // acknowledge; the data phase is over
    if (!(w[49] & (1 << 9)))
        return Error::Unsupported; // CHS-only drives are not supported
    m_identity.lba48 = (w[83] & (1 << 10)) != 0;
    m_identity.dma = (w[49] & (1 << 8)) != 0;
    uint64_t lba28 = uint64_t(w[60]) | (uint64_t(w[61]) << 16);
    uint64_t lba48 = uint64_t(w[100]) | (uint64_t(w[101]) << 16) | (uint64_t(w[102]) << 32) | (uint64_t(w[103]) << 48);
    m_identity.sectors = (m_identity.lba48 && lba48) ? lba48 : lba28;
    copy_ata_string(w + 27, 20, m_identity.model);
    copy_ata_string(w + 10, 10, m_identity.serial);
    return {};
}

Result<void> AtaDisk::submit(const block::IoRequest& request)
{
    if (m_count == kQueueDepth)
        return Error::Busy;
    m_queue[(m_head + m_count) % kQueueDepth] = request;
    m_count++;
    if (m_phase == Phase::Idle)
        start_next();
    return {};
}

void AtaDisk::start_next()
{
    // A request the drive cannot take fails at once (reported, not dropped).
    while (m_phase == Phase::Idle && m_count > 0) {
        auto r = start(m_queue[m_head]);
        if (r.has_value())
            return;
        m_stats.errors++;
        finish(block::IoStatus::IoError);
    }
}

void AtaDisk::program_taskfile(uint64_t lba, uint32_t count, bool ext)
{
    if (ext) {
        // [ATA-6 §6.20] 48-bit: the "previous" (high-order) bytes go in first.
        write_reg(Reg::Device, uint8_t(kDeviceLba | (m_config.drive << 4)));
        write_reg(Reg::SectorCount, uint8_t(count >> 8));
        write_reg(Reg::LbaLow, uint8_t(lba >> 24));
        write_reg(Reg::LbaMid, uint8_t(lba >> 32));
        write_reg(Reg::LbaHigh, uint8_t(lba >> 40));
    } else {
        write_reg(Reg::Device, uint8_t(kDeviceObsolete | kDeviceLba | (m_config.drive << 4) | ((lba >> 24) & 0x0f)));
    }
    write_reg(Reg::SectorCount, uint8_t(count)); // 0 means 256 (LBA28) / 65536 (LBA48)
    write_reg(Reg::LbaLow, uint8_t(lba));
    write_reg(Reg::LbaMid, uint8_t(lba >> 8));
    write_reg(Reg::LbaHigh, uint8_t(lba >> 16));
}

Result<void> AtaDisk::start(const block::IoRequest& req)
{
    if (req.op == block::IoOp::Flush)
        return start_flush();
    if (req.length == 0 || req.length % kSectorSize || req.length > kMaxTransfer || !req.data)
        return Error::InvalidArgument;
    uint32_t count = req.length / kSectorSize;
    uint64_t lba = req.block * count;
    if (req.block > m_identity.sectors / count || lba + count > m_identity.sectors)
        return Error::InvalidArgument;
    bool ext = lba + count > kLba28Limit || count > 256;
    if (ext && !m_identity.lba48)
        return Error::Unsupported;
    bool write = req.op == block::IoOp::Write;
    bool dma = m_config.mode == TransferMode::Dma;
    TRY(wait_not_busy(m_config.command_timeout));

    if (dma) {
        // [BMIDE rev 1.0 §3] PRD table, direction, clear status, command, then start.
        auto* prd = reinterpret_cast<Prd*>(m_prd.cpu);
        prd->base = uint32_t(m_bounce.bus);
        prd->bytes = uint16_t(req.length); // 65536 wraps to 0, which the PIIX reads as 64 KiB
        prd->flags = kPrdEndOfTable;
        if (write)
            copy_bytes(m_bounce.cpu, req.data, req.length);
        uint16_t bm = m_config.bus_master_base;
        m_io->out8(uint16_t(bm + uint16_t(BmReg::Command)), 0);
        m_io->out32(uint16_t(bm + uint16_t(BmReg::PrdTable)), uint32_t(m_prd.bus));
        m_io->out8(uint16_t(bm + uint16_t(BmReg::Command)), write ? 0 : bm::kReadFromDevice);
        m_io->out8(uint16_t(bm + uint16_t(BmReg::Status)), bm::kStatusInterrupt | bm::kStatusError);
    }
    program_taskfile(lba, count, ext);
    uint8_t command = dma ? (write ? (ext ? cmd::kWriteDmaExt : cmd::kWriteDma) : (ext ? cmd::kReadDmaExt : cmd::kReadDma))
                          : (write ? (ext ? cmd::kWriteSectorsExt : cmd::kWriteSectors)
                                   : (ext ? cmd::kReadSectorsExt : cmd::kReadSectors));
    write_reg(Reg::StatusCommand, command);
    m_stats.commands++;
    m_started = m_clock->now_ns();
    m_sectors_left = count;
    m_sector_index = 0;
    if (dma) {
        uint16_t bm = m_config.bus_master_base;
        m_io->out8(uint16_t(bm + uint16_t(BmReg::Command)), uint8_t((write ? 0 : bm::kReadFromDevice) | bm::kStart));
        m_phase = Phase::Dma;
        return {};
    }
    if (!write) {
        m_phase = Phase::PioRead;
        return {};
    }
    // [ATA-6 §9.7] PIO data-out: the first sector goes without an interrupt, once DRQ is up.
    delay_400ns();
    m_phase = Phase::PioWrite;
    auto s = wait_not_busy(m_config.command_timeout);
    if (s.is_error() || failed(s.value()) || !(s.value() & status::kDataRequest)) {
        m_phase = Phase::Idle;
        if (s.has_value() && failed(s.value()))
            m_stats.last_error = read_reg(Reg::ErrorFeatures);
        return Error::IoError;
    }
    pio_transfer_sector(true);
    return {};
}

// [ATA-6 §8.13/§8.14] FLUSH CACHE (EXT): a non-data command ending in one interrupt.
Result<void> AtaDisk::start_flush()
{
    TRY(wait_not_busy(m_config.command_timeout));
    write_reg(Reg::Device, uint8_t(kDeviceObsolete | kDeviceLba | (m_config.drive << 4)));
    delay_400ns();
    write_reg(Reg::StatusCommand, m_identity.lba48 ? cmd::kFlushCacheExt : cmd::kFlushCache);
    m_stats.commands++;
    m_stats.flushes++;
    m_started = m_clock->now_ns();
    m_sectors_left = 0;
    m_phase = Phase::NonData;
    return {};
}

bool AtaDisk::failed(uint8_t s) { return (s & (status::kError | status::kDeviceFault)) != 0; }

void AtaDisk::pio_transfer_sector(bool to_device)
{
    uint16_t port = uint16_t(m_config.io_base + uint16_t(Reg::Data));
    uint8_t* p = m_queue[m_head].data + size_t(m_sector_index) * kSectorSize;
    for (uint32_t i = 0; i < kSectorSize; i += 2) {
        if (to_device)
            m_io->out16(port, load_le16(p + i));
        else
            store_le16(p + i, m_io->in16(port));
    }
    m_sector_index++;
    m_sectors_left--;
    m_stats.pio_sectors++;
}

hw::IrqEvents AtaDisk::handle_irq()
{
    constexpr hw::IrqEvents kDone = hw::IrqEvent::Ours | hw::IrqEvent::Completed;
    if (m_phase == Phase::Idle) {
        (void)read_reg(Reg::StatusCommand); // acknowledge whatever it was
        m_stats.spurious_irqs++;
        return {};
    }
    uint8_t bm_status = 0;
    uint16_t bm = m_config.bus_master_base;
    if (m_phase == Phase::Dma) {
        bm_status = m_io->in8(uint16_t(bm + uint16_t(BmReg::Status)));
        if (!(bm_status & bm::kStatusInterrupt)) { // shared line, not our channel
            m_stats.spurious_irqs++;
            return {};
        }
        m_io->out8(uint16_t(bm + uint16_t(BmReg::Command)), 0); // stop the engine
    }
    uint8_t s = read_reg(Reg::StatusCommand); // reading Status clears INTRQ
    if (m_phase == Phase::Dma)
        m_io->out8(uint16_t(bm + uint16_t(BmReg::Status)), bm::kStatusInterrupt | bm::kStatusError);
    if (s & status::kBusy) {
        m_stats.spurious_irqs++;
        return {};
    }
    if (failed(s) || (bm_status & bm::kStatusError)) {
        m_stats.errors++;
        m_stats.last_error = read_reg(Reg::ErrorFeatures);
        finish(block::IoStatus::IoError);
        return kDone;
    }
    switch (m_phase) {
    case Phase::NonData:
        finish(block::IoStatus::Ok);
        return kDone;
    case Phase::Dma:
        if (m_queue[m_head].op == block::IoOp::Read)
            copy_bytes(m_queue[m_head].data, m_bounce.cpu, m_queue[m_head].length);
        if (!(bm_status & bm::kStatusActive)) { // the PRD table was consumed to its end
            m_stats.dma_transfers++;
            m_stats.dma_bytes += m_queue[m_head].length;
        }
        finish(block::IoStatus::Ok);
        return kDone;
    case Phase::PioRead:
        if (!(s & status::kDataRequest)) {
            m_stats.errors++;
            finish(block::IoStatus::IoError);
            return kDone;
        }
        pio_transfer_sector(false);
        if (m_sectors_left == 0) {
            finish(block::IoStatus::Ok);
            return kDone;
        }
        return hw::IrqEvent::Ours;
    case Phase::PioWrite:
        if (m_sectors_left == 0) {
            finish(block::IoStatus::Ok); // the interrupt after the last sector
        } else if (s & status::kDataRequest) {
            pio_transfer_sector(true);
            return hw::IrqEvent::Ours;
        } else {
            m_stats.errors++;
            finish(block::IoStatus::IoError);
        }
        return kDone;
    case Phase::Idle:
        break;
    }
    return {};
}

void AtaDisk::poll(Nanoseconds now)
{
    // `now` may have been read before the command started (another CPU started it since):
    // that is not a timeout.
    if (m_phase == Phase::Idle || now < m_started || now - m_started < m_config.command_timeout)
        return;
    m_stats.timeouts++;
    reset_channel();
    finish(block::IoStatus::Timeout);
}

// [ATA-6 §9.2] software reset through Device Control, with the bus master stopped.
void AtaDisk::reset_channel()
{
    m_stats.resets++;
    if (m_config.bus_master_base)
        m_io->out8(uint16_t(m_config.bus_master_base + uint16_t(BmReg::Command)), 0);
    m_io->out8(m_config.control_base, control::kSoftReset);
    delay_400ns();
    m_io->out8(m_config.control_base, 0);
    delay_400ns();
}

void AtaDisk::finish(block::IoStatus status)
{
    block::IoRequest done = m_queue[m_head];
    m_head = (m_head + 1) % kQueueDepth;
    m_count--;
    m_phase = Phase::Idle;
    // The sink may submit again from here (the cache dispatches on completion).
    m_sink->complete(done, status);
    start_next();
}

} // namespace oh::ata
