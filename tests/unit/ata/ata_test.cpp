// ATA driver against a mock PIIX IDE channel: probe, IDENTIFY, LBA28/48 task files, PIO and
// DMA (PRD) transfers, error status, timeouts, queueing, and the driver under the block cache.
#include "tests/unit/ata/mock_ide.h"
#include "tests/unit/block/sim_disk.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace oh;
using namespace oh::ata;
using namespace oh::ata::test;
using block::IoOp;
using block::IoRequest;
using block::IoStatus;

namespace {

struct Recorder final : CompletionSink {
    void complete(const IoRequest& r, IoStatus s) override { done.push_back({ r, s }); }
    std::vector<std::pair<IoRequest, IoStatus>> done;
};

struct Rig {
    explicit Rig(TransferMode mode = TransferMode::Dma, uint64_t sectors = 1 << 20, bool lba48 = true, bool dma = true)
        : mock(sectors, lba48, dma)
    {
        cfg.bus_master_base = MockIde::kBm;
        cfg.mode = mode;
    }
    // create(): the drive identified (in `disk`), or create()'s error and no disk.
    Result<void> bring_up()
    {
        auto d = AtaDisk::create(cfg, mock.io, mock, clock, sink);
        if (d.is_error())
            return d.error_info();
        disk.emplace(d.release_value());
        return {};
    }
    // Deliver interrupts until the mock stops raising them.
    void run_irqs()
    {
        for (int i = 0; i < 10000 && mock.irq; i++)
            disk->handle_irq();
    }
    IoRequest req(IoOp op, uint64_t block, std::vector<uint8_t>& buf, uint32_t tag = 0)
    {
        return IoRequest { op, 0, block, buf.data(), uint32_t(buf.size()), tag };
    }
    MockIde mock;
    FakeClock clock;
    Recorder sink;
    ChannelConfig cfg;
    std::optional<AtaDisk> disk;
};

TEST(Ata, ProbeAndChannelConfig)
{
    pci::Device ide;
    ide.class_code = 0x01;
    ide.subclass = 0x01;
    ide.prog_if = 0x80;
    ide.bars[4] = { pci::Bar::Kind::Io, 0xc040, 16, false, false };
    EXPECT_TRUE(AtaDisk::probe(ide));
    pci::Device nic;
    nic.class_code = 0x02;
    EXPECT_FALSE(AtaDisk::probe(nic));
    ChannelConfig p = AtaDisk::channel_config(ide, 0, 0);
    EXPECT_EQ(p.io_base, 0x1f0);
    EXPECT_EQ(p.control_base, 0x3f6);
    EXPECT_EQ(p.bus_master_base, 0xc040);
    EXPECT_EQ(p.mode, TransferMode::Dma);
    ChannelConfig s = AtaDisk::channel_config(ide, 1, 1);
    EXPECT_EQ(s.io_base, 0x170);
    EXPECT_EQ(s.bus_master_base, 0xc048);
    EXPECT_EQ(s.drive, 1);
    ide.prog_if = 0;
    EXPECT_EQ(AtaDisk::channel_config(ide, 0, 0).mode, TransferMode::Pio);
}

// ATA-6 §8.15.15: IDENTIFY word 49 bit 8 says the drive does DMA; one that does not is driven
// by PIO even on a channel with a bus master, and mode() says so (the boot line prints it).
TEST(Ata, ADriveWithoutDmaIsDrivenByPio)
{
    Rig dma;
    ASSERT_TRUE(dma.bring_up().has_value());
    EXPECT_EQ(dma.disk->mode(), TransferMode::Dma);
    Rig pio(TransferMode::Dma, 1 << 20, true, false);
    ASSERT_TRUE(pio.bring_up().has_value());
    EXPECT_FALSE(pio.disk->identity().dma);
    EXPECT_EQ(pio.disk->mode(), TransferMode::Pio);
    std::vector<uint8_t> buf(512);
    ASSERT_TRUE(pio.disk->submit(pio.req(IoOp::Read, 5, buf)).has_value());
    pio.run_irqs();
    ASSERT_EQ(pio.sink.done.size(), 1u);
    EXPECT_EQ(pio.sink.done[0].second, IoStatus::Ok);
    EXPECT_EQ(pio.disk->stats().dma_transfers, 0u);
}

TEST(Ata, IdentifyReadsGeometryAndModelWithInterruptsMasked)
{
    Rig r;
    ASSERT_TRUE(r.bring_up().has_value());
    EXPECT_EQ(r.disk->identity().sectors, 1u << 20);
    EXPECT_TRUE(r.disk->identity().lba48);
    EXPECT_TRUE(r.disk->identity().dma);
    EXPECT_STREQ(r.disk->identity().model, "QEMU HARDDISK");
    EXPECT_STREQ(r.disk->identity().serial, "QM00001");
    EXPECT_EQ(r.disk->block_count(4096), (1u << 20) / 8);
    EXPECT_EQ(r.mock.last_command, cmd::kIdentify);
    auto log = r.mock.io.writes();
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log.front().port, MockIde::kCtl);
    EXPECT_EQ(log.front().value, control::kNoInterrupt);
    EXPECT_EQ(log.back().port, MockIde::kCtl);
    EXPECT_EQ(log.back().value, 0u);
    EXPECT_FALSE(r.mock.irq); // no interrupt leaked out of the polled phase
}

TEST(Ata, IdentifyFailures)
{
    Rig absent;
    absent.mock.absent = true;
    EXPECT_EQ(absent.bring_up().error(), Error::NotFound);
    Rig atapi;
    atapi.mock.signature_mid = 0x14;
    atapi.mock.signature_high = 0xeb;
    EXPECT_EQ(atapi.bring_up().error(), Error::Unsupported);
    Rig hung;
    hung.mock.hang = true;
    EXPECT_EQ(hung.bring_up().error(), Error::Timeout);
    Rig err;
    err.mock.fail_status = status::kError;
    EXPECT_EQ(err.bring_up().error(), Error::IoError);
    for (Rig* r : { &absent, &atapi, &hung, &err }) {
        EXPECT_FALSE(r->disk.has_value()); // no disk to submit to
        EXPECT_FALSE(r->mock.irq);         // and no interrupt left pending
        EXPECT_EQ(r->mock.io.writes().back().port, MockIde::kCtl);
        EXPECT_EQ(r->mock.io.writes().back().value, 0u); // nIEN cleared again
    }
}

TEST(Ata, CreateRefusesDmaWithoutABusMasterBeforeTouchingThePorts)
{
    Rig r(TransferMode::Dma);
    r.cfg.bus_master_base = 0;
    EXPECT_EQ(r.bring_up().error(), Error::InvalidArgument);
    EXPECT_TRUE(r.mock.io.log.empty());
}

TEST(Ata, PioReadLba28)
{
    Rig r(TransferMode::Pio);
    ASSERT_TRUE(r.bring_up().has_value());
    std::vector<uint8_t> buf(2048);
    for (int i = 0; i < 4; i++)
        r.mock.sector(40 + i).assign(512, uint8_t(0x10 + i));
    r.mock.io.log.clear();
    ASSERT_TRUE(r.disk->submit(r.req(IoOp::Read, 10, buf, 77)).has_value()); // block 10 of 2 KiB = LBA 40
    EXPECT_EQ(r.mock.last_command, cmd::kReadSectors);
    EXPECT_EQ(r.mock.last_lba, 40u);
    EXPECT_EQ(r.mock.last_count, 4u);
    // LBA28 task file: device register carries LBA mode, master, LBA bits 24-27 = 0.
    bool saw_device = false;
    for (auto& w : r.mock.io.writes())
        if (w.port == MockIde::kIo + 6) {
            EXPECT_EQ(w.value, 0xe0u);
            saw_device = true;
        }
    EXPECT_TRUE(saw_device);
    EXPECT_TRUE(r.sink.done.empty());
    r.run_irqs();
    ASSERT_EQ(r.sink.done.size(), 1u);
    EXPECT_EQ(r.sink.done[0].second, IoStatus::Ok);
    EXPECT_EQ(r.sink.done[0].first.tag, 77u);
    for (int i = 0; i < 4; i++) {
        EXPECT_EQ(buf[i * 512], 0x10 + i);
        EXPECT_EQ(buf[i * 512 + 511], 0x10 + i);
    }
    EXPECT_FALSE(r.disk->busy());
}

TEST(Ata, PioWriteSendsFirstSectorWithoutInterrupt)
{
    Rig r(TransferMode::Pio);
    ASSERT_TRUE(r.bring_up().has_value());
    std::vector<uint8_t> buf(1024);
    for (size_t i = 0; i < buf.size(); i++)
        buf[i] = uint8_t(i * 3);
    ASSERT_TRUE(r.disk->submit(r.req(IoOp::Write, 6, buf)).has_value()); // LBA 12..13
    EXPECT_EQ(r.mock.last_command, cmd::kWriteSectors);
    EXPECT_TRUE(r.mock.irq); // first sector already taken, drive asks for the second
    r.run_irqs();
    ASSERT_EQ(r.sink.done.size(), 1u);
    EXPECT_EQ(r.sink.done[0].second, IoStatus::Ok);
    EXPECT_EQ(r.mock.sector(12), std::vector<uint8_t>(buf.begin(), buf.begin() + 512));
    EXPECT_EQ(r.mock.sector(13), std::vector<uint8_t>(buf.begin() + 512, buf.end()));
}

TEST(Ata, Lba48ForHighBlocksWritesHighOrderBytesFirst)
{
    uint64_t sectors = (1ull << 33);
    Rig r(TransferMode::Pio, sectors);
    ASSERT_TRUE(r.bring_up().has_value());
    EXPECT_EQ(r.disk->identity().sectors, sectors);
    std::vector<uint8_t> buf(512);
    uint64_t lba = 0x1'2345'6789ull;
    r.mock.sector(lba).assign(512, 0x5c);
    r.mock.io.log.clear();
    ASSERT_TRUE(r.disk->submit(r.req(IoOp::Read, lba, buf)).has_value());
    EXPECT_EQ(r.mock.last_command, cmd::kReadSectorsExt);
    EXPECT_EQ(r.mock.last_lba, lba);
    EXPECT_EQ(r.mock.last_count, 1u);
    std::vector<std::pair<uint16_t, uint32_t>> tf;
    for (auto& w : r.mock.io.writes())
        if (w.port >= MockIde::kIo + 2 && w.port <= MockIde::kIo + 6)
            tf.push_back({ w.port, w.value });
    std::vector<std::pair<uint16_t, uint32_t>> want {
        { 0x1f6, 0x40 }, { 0x1f2, 0x00 }, { 0x1f3, 0x23 }, { 0x1f4, 0x01 }, { 0x1f5, 0x00 },
        { 0x1f2, 0x01 }, { 0x1f3, 0x89 }, { 0x1f4, 0x67 }, { 0x1f5, 0x45 },
    };
    EXPECT_EQ(tf, want);
    r.run_irqs();
    ASSERT_EQ(r.sink.done.size(), 1u);
    EXPECT_EQ(buf[100], 0x5c);

    Rig old(TransferMode::Pio, sectors, false); // no LBA48: the high block is refused
    ASSERT_TRUE(old.bring_up().has_value());
    ASSERT_TRUE(old.disk->submit(old.req(IoOp::Read, 1ull << 28, buf)).has_value());
    ASSERT_EQ(old.sink.done.size(), 1u);
    EXPECT_EQ(old.sink.done[0].second, IoStatus::IoError);
}

TEST(Ata, DmaReadAndWriteThroughPrdTable)
{
    Rig r(TransferMode::Dma);
    ASSERT_TRUE(r.bring_up().has_value());
    std::vector<uint8_t> out(4096);
    for (size_t i = 0; i < out.size(); i++)
        out[i] = uint8_t(i ^ 0xa5);
    r.mock.io.log.clear();
    ASSERT_TRUE(r.disk->submit(r.req(IoOp::Write, 3, out)).has_value()); // LBA 24..31
    EXPECT_EQ(r.mock.last_command, cmd::kWriteDma);
    EXPECT_EQ(r.mock.last_lba, 24u);
    EXPECT_EQ(r.mock.last_count, 8u);
    // The PRD table: one entry, our bounce buffer, 4096 bytes, end-of-table.
    uint8_t* prd = r.mock.phys_to_cpu(r.mock.prd_address(), 8);
    ASSERT_NE(prd, nullptr);
    EXPECT_EQ(r.mock.prd_address() % 4, 0u);
    uint32_t base = prd[0] | (prd[1] << 8) | (prd[2] << 16) | (uint32_t(prd[3]) << 24);
    EXPECT_EQ(base % 65536, 0u); // never crosses a 64 KiB boundary
    EXPECT_EQ(prd[4] | (prd[5] << 8), 4096);
    EXPECT_EQ(prd[7], 0x80);
    // Direction (memory -> device) then start, as the last bus-master command.
    uint32_t last_bm = 0xffff;
    for (auto& w : r.mock.io.writes())
        if (w.port == MockIde::kBm)
            last_bm = w.value;
    EXPECT_EQ(last_bm, uint32_t(bm::kStart));
    r.run_irqs();
    ASSERT_EQ(r.sink.done.size(), 1u);
    EXPECT_EQ(r.sink.done[0].second, IoStatus::Ok);
    for (int s = 0; s < 8; s++)
        EXPECT_EQ(r.mock.sector(24 + s), std::vector<uint8_t>(out.begin() + s * 512, out.begin() + (s + 1) * 512));
    EXPECT_EQ(r.mock.bm_status() & bm::kStatusInterrupt, 0); // acknowledged

    std::vector<uint8_t> in(4096);
    ASSERT_TRUE(r.disk->submit(r.req(IoOp::Read, 3, in)).has_value());
    EXPECT_EQ(r.mock.last_command, cmd::kReadDma);
    EXPECT_EQ(r.mock.bm_command(), bm::kReadFromDevice | bm::kStart); // device -> memory, running
    r.run_irqs();
    EXPECT_EQ(r.mock.bm_command(), 0); // stopped by the interrupt handler
    ASSERT_EQ(r.sink.done.size(), 2u);
    EXPECT_EQ(in, out);
}

// The counters behind the storage e2e test's "dma_*_counted": a bus-master transfer counts
// only when BMIS says the PRD table was consumed (Interrupt set, Active clear).
TEST(Ata, CountsDmaTransfersAndPioSectorsApart)
{
    Rig r(TransferMode::Dma);
    ASSERT_TRUE(r.bring_up().has_value());
    std::vector<uint8_t> buf(4096, 0x5a);
    ASSERT_TRUE(r.disk->submit(r.req(IoOp::Write, 1, buf)).has_value());
    r.run_irqs();
    ASSERT_TRUE(r.disk->submit(r.req(IoOp::Read, 1, buf)).has_value());
    r.run_irqs();
    EXPECT_EQ(r.disk->stats().dma_transfers, 2u);
    EXPECT_EQ(r.disk->stats().dma_bytes, 8192u);
    EXPECT_EQ(r.disk->stats().pio_sectors, 0u); // IDENTIFY is not a data transfer

    // The drive interrupted but the engine still had PRD bytes left: not a whole transfer.
    ASSERT_TRUE(r.disk->submit(r.req(IoOp::Read, 1, buf)).has_value());
    r.mock.bm_status() |= bm::kStatusActive;
    r.run_irqs();
    r.mock.bm_status() &= uint8_t(~bm::kStatusActive);
    EXPECT_EQ(r.disk->stats().dma_transfers, 2u);

    Rig p(TransferMode::Pio);
    ASSERT_TRUE(p.bring_up().has_value());
    ASSERT_TRUE(p.disk->submit(p.req(IoOp::Write, 1, buf)).has_value());
    p.run_irqs();
    ASSERT_TRUE(p.disk->submit(p.req(IoOp::Read, 1, buf)).has_value());
    p.run_irqs();
    EXPECT_EQ(p.disk->stats().pio_sectors, 16u);
    EXPECT_EQ(p.disk->stats().dma_transfers, 0u);
}

TEST(Ata, ErrorStatusIsReportedAndTheQueueMovesOn)
{
    for (TransferMode mode : { TransferMode::Pio, TransferMode::Dma }) {
        Rig r(mode);
        ASSERT_TRUE(r.bring_up().has_value());
        std::vector<uint8_t> a(1024), b(512), c(512);
        r.mock.fail_status = status::kError;
        r.mock.fail_error = error_bits::kUncorrectable;
        r.mock.fail_after_data = mode == TransferMode::Pio; // media error after the first sector
        ASSERT_TRUE(r.disk->submit(r.req(IoOp::Read, 0, a, 1)).has_value());
        ASSERT_TRUE(r.disk->submit(r.req(IoOp::Read, 5, b, 2)).has_value());
        r.run_irqs();
        ASSERT_EQ(r.sink.done.size(), 2u);
        EXPECT_EQ(r.sink.done[0].second, IoStatus::IoError);
        EXPECT_EQ(r.sink.done[1].second, IoStatus::Ok);
        EXPECT_EQ(r.disk->stats().last_error, error_bits::kUncorrectable);
        r.mock.fail_status = status::kDeviceFault;
        r.mock.fail_after_data = false;
        ASSERT_TRUE(r.disk->submit(r.req(IoOp::Write, 7, c, 3)).has_value());
        r.run_irqs();
        ASSERT_EQ(r.sink.done.size(), 3u);
        EXPECT_EQ(r.sink.done[2].second, IoStatus::IoError);
        EXPECT_EQ(r.disk->stats().errors, 2u);
    }
}

TEST(Ata, DmaBusErrorIsAnIoError)
{
    Rig r;
    ASSERT_TRUE(r.bring_up().has_value());
    std::vector<uint8_t> a(512);
    r.mock.dma_bus_error = true;
    ASSERT_TRUE(r.disk->submit(r.req(IoOp::Read, 0, a)).has_value());
    r.run_irqs();
    ASSERT_EQ(r.sink.done.size(), 1u);
    EXPECT_EQ(r.sink.done[0].second, IoStatus::IoError);
}

TEST(Ata, TimeoutResetsTheChannelAndRunsTheNextRequest)
{
    Rig r;
    ASSERT_TRUE(r.bring_up().has_value());
    std::vector<uint8_t> a(512), b(512);
    r.mock.hang = true;
    ASSERT_TRUE(r.disk->submit(r.req(IoOp::Read, 1, a, 1)).has_value());
    r.mock.hang = false; // only that command hangs
    ASSERT_TRUE(r.disk->submit(r.req(IoOp::Read, 2, b, 2)).has_value());
    r.run_irqs();
    EXPECT_TRUE(r.sink.done.empty());
    r.clock.advance(4 * kNsPerSec);
    r.disk->poll(r.clock.now_ns());
    EXPECT_TRUE(r.sink.done.empty()); // not yet
    r.clock.advance(2 * kNsPerSec);
    r.disk->poll(r.clock.now_ns());
    ASSERT_GE(r.sink.done.size(), 1u);
    EXPECT_EQ(r.sink.done[0].first.tag, 1u);
    EXPECT_EQ(r.sink.done[0].second, IoStatus::Timeout);
    EXPECT_EQ(r.mock.resets, 1u);
    EXPECT_EQ(r.disk->stats().timeouts, 1u);
    r.run_irqs();
    ASSERT_EQ(r.sink.done.size(), 2u);
    EXPECT_EQ(r.sink.done[1].second, IoStatus::Ok);
    EXPECT_EQ(b[0], uint8_t(2 * 7));
}

TEST(Ata, QueueHoldsEightAndRunsThemInOrder)
{
    Rig r(TransferMode::Pio);
    ASSERT_TRUE(r.bring_up().has_value());
    std::vector<std::vector<uint8_t>> bufs(9, std::vector<uint8_t>(512));
    for (uint32_t i = 0; i < 8; i++)
        ASSERT_TRUE(r.disk->submit(r.req(IoOp::Read, 100 + i, bufs[i], i)).has_value());
    EXPECT_EQ(r.disk->submit(r.req(IoOp::Read, 200, bufs[8], 8)).error(), Error::Busy);
    EXPECT_EQ(r.disk->queued(), 8u);
    r.run_irqs();
    ASSERT_EQ(r.sink.done.size(), 8u);
    for (uint32_t i = 0; i < 8; i++) {
        EXPECT_EQ(r.sink.done[i].first.tag, i);
        EXPECT_EQ(bufs[i][0], uint8_t((100 + i) * 7));
    }
}

TEST(Ata, FlushCacheIsANonDataCommand)
{
    for (bool lba48 : { true, false }) {
        Rig r(TransferMode::Dma, 1 << 20, lba48);
        ASSERT_TRUE(r.bring_up().has_value());
        IoRequest flush { IoOp::Flush, 0, 0, nullptr, 0, 5 };
        ASSERT_TRUE(r.disk->submit(flush).has_value());
        EXPECT_EQ(r.mock.last_command, lba48 ? cmd::kFlushCacheExt : cmd::kFlushCache);
        r.run_irqs();
        ASSERT_EQ(r.sink.done.size(), 1u);
        EXPECT_EQ(r.sink.done[0].second, IoStatus::Ok);
        EXPECT_EQ(r.mock.flushes, 1u);
        r.mock.fail_status = status::kError;
        r.mock.fail_error = error_bits::kAbort;
        ASSERT_TRUE(r.disk->submit(flush).has_value());
        r.run_irqs();
        ASSERT_EQ(r.sink.done.size(), 2u);
        EXPECT_EQ(r.sink.done[1].second, IoStatus::IoError);
    }
}

TEST(Ata, BadRequestsFailWithoutTouchingTheDrive)
{
    Rig r(TransferMode::Pio, 1000);
    ASSERT_TRUE(r.bring_up().has_value());
    std::vector<uint8_t> odd(100), ok(512);
    uint8_t before = r.mock.last_command;
    ASSERT_TRUE(r.disk->submit(r.req(IoOp::Read, 0, odd)).has_value());
    ASSERT_TRUE(r.disk->submit(r.req(IoOp::Read, 1000, ok)).has_value()); // past the end
    EXPECT_EQ(r.mock.last_command, before);
    ASSERT_EQ(r.sink.done.size(), 2u);
    EXPECT_EQ(r.sink.done[0].second, IoStatus::IoError);
    EXPECT_EQ(r.sink.done[1].second, IoStatus::IoError);
    EXPECT_FALSE(r.disk->handle_irq().ours()); // nothing active: counted as spurious, not ours
    EXPECT_EQ(r.disk->stats().spurious_irqs, 1u);
}

// The kernel moves the disk out of create()'s Result into its optional. Where it was is then
// scribbled over: anything the controller or the driver kept pointing into the old object
// (the PRD table, the queue) would read garbage.
TEST(Ata, ServesRequestsAfterBeingMoved)
{
    for (TransferMode mode : { TransferMode::Pio, TransferMode::Dma }) {
        Rig r(mode);
        ASSERT_TRUE(r.bring_up().has_value());
        void* old = &*r.disk;
        AtaDisk disk(std::move(*r.disk));
        r.disk.reset();
        std::memset(old, 0xa5, sizeof(AtaDisk));
        std::vector<uint8_t> out(1024, 0x3c), in(1024);
        ASSERT_TRUE(disk.submit(r.req(IoOp::Write, 2, out, 1)).has_value()); // LBA 4..5
        ASSERT_TRUE(disk.submit(r.req(IoOp::Read, 2, in, 2)).has_value());   // queued behind it
        for (int i = 0; i < 10000 && r.mock.irq; i++)
            disk.handle_irq();
        ASSERT_EQ(r.sink.done.size(), 2u);
        EXPECT_EQ(r.sink.done[0].first.tag, 1u);
        EXPECT_EQ(r.sink.done[0].second, IoStatus::Ok);
        EXPECT_EQ(r.sink.done[1].second, IoStatus::Ok);
        EXPECT_EQ(r.mock.sector(5), std::vector<uint8_t>(512, 0x3c));
        EXPECT_EQ(in, out);
        EXPECT_EQ(disk.stats().dma_transfers, mode == TransferMode::Dma ? 2u : 0u);
    }
}

// The driver under the real cache: the kernel's shape, with IRQs delivered by the glue.
struct CacheSink final : CompletionSink {
    block::BlockCache* cache { nullptr };
    void complete(const IoRequest& r, IoStatus s) override { cache->complete(r, s); }
};

TEST(Ata, ServesTheBlockCache)
{
    for (TransferMode mode : { TransferMode::Pio, TransferMode::Dma }) {
        MockIde mock(1 << 16);
        FakeClock clock;
        CacheSink sink;
        ChannelConfig cfg;
        cfg.bus_master_base = MockIde::kBm;
        cfg.mode = mode;
        auto d = AtaDisk::create(cfg, mock.io, mock, clock, sink);
        ASSERT_TRUE(d.has_value());
        AtaDisk disk = d.release_value();
        block::test::TestCache tc(16, 4096);
        sink.cache = &tc.cache;
        ASSERT_TRUE(tc.cache.attach(0, disk, disk.block_count(4096), 4).has_value());
        struct Glue final : block::CacheGlue {
            MockIde* m;
            AtaDisk* d;
            FakeClock* c;
            void lock() override { }
            void unlock() override { }
            Result<void> wait(const block::Acquired&) override
            {
                if (!m->irq)
                    return Error::Timeout;
                d->handle_irq();
                return {};
            }
            void wake(const block::Wakeup&) override { }
            Nanoseconds now() override { return c->now_ns(); }
        } glue;
        glue.m = &mock;
        glue.d = &disk;
        glue.c = &clock;
        block::BlockIo io(tc.cache, glue, 0);
        uint8_t v[4];
        ASSERT_TRUE(io.read(5, 512, v).has_value()); // block 5 = LBA 40..47; byte 512 is LBA 41
        EXPECT_EQ(v[0], uint8_t(41 * 7));
        uint8_t patch[3] = { 9, 8, 7 };
        ASSERT_TRUE(io.write(5, 1024, patch).has_value());
        ASSERT_TRUE(io.sync().has_value());
        EXPECT_EQ(mock.flushes, 1u); // sync ends with FLUSH CACHE
        EXPECT_EQ(mock.sector(42)[0], 9);
        EXPECT_EQ(mock.sector(42)[2], 7);
        EXPECT_EQ(mock.sector(42)[3], uint8_t(42 * 7));
    }
}

} // namespace
