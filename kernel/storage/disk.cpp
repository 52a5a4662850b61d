// The ATA disk under the block cache: port I/O and DMA adapters, the cache lock and wait
// queues (CacheGlue), the IRQ 14/15 handler and the flusher thread (lib/block/README.md).
#include "kernel/storage/disk.h"

#include <optional>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/interrupts.h"
#include "kernel/arch/x86_64/ioapic.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/console/console.h"
#include "kernel/dev/platform.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/spinlock.h"
#include "kernel/sync/wait_queue.h"
#include "kernel/time/time.h"

namespace oh::kernel {

namespace {

// 1024 x 512 B = 512 KiB of cache: room for a recording's write-behind and the FAT.
constexpr size_t kCacheBlocks = 1024;
constexpr size_t kSlotQueues = 64; // wake-ups are hints: slot % 64 is enough
constexpr uint8_t kVectorPrimary = kIrqVectorBase + 0x12;
constexpr uint8_t kVectorSecondary = kIrqVectorBase + 0x13;
constexpr uint64_t kPollPeriodNs = 100'000'000; // ATA command timeouts are checked this often
constexpr uint64_t kWaitSliceNs = 250'000'000;  // a waiter re-checks the cache at least this often
constexpr block::DeviceId kDevice = 0;

// The cache's environment: one IRQ-safe spinlock, generation-counted wait queues.
class Glue final : public block::CacheGlue, public ata::CompletionSink {
public:
    void lock() override
    {
        bool irq = x86::irq_save();
        m_lock.lock();
        m_irq = irq;
    }
    void unlock() override
    {
        bool irq = m_irq;
        m_lock.unlock();
        x86::irq_restore(irq);
    }
    Result<void> wait(const block::Acquired& what) override
    {
        size_t q = queue_of(what);
        uint64_t seen = __atomic_load_n(&m_gen[q], __ATOMIC_ACQUIRE);
        unlock();
        // A wake between unlock() and the sleep bumps the generation, so it is never lost.
        m_queues[q].wait([&] { return __atomic_load_n(&m_gen[q], __ATOMIC_ACQUIRE) != seen; },
            monotonic_ns() + kWaitSliceNs);
        lock();
        return {}; // the caller re-runs acquire(): a timeout is just an early re-check
    }
    void wake(const block::Wakeup& w) override
    {
        if (w.slot != block::kNoSlot)
            bump(w.slot % kSlotQueues);
        if (w.space)
            bump(kSlotQueues);
    }
    Nanoseconds now() override { return monotonic_ns(); }

    // From the driver, with the cache lock held (IRQ handler, poll, or a submit re-entry).
    void complete(const block::IoRequest& request, block::IoStatus status) override;

    SpinLock& raw_lock() { return m_lock; }

private:
    static size_t queue_of(const block::Acquired& a)
    {
        if (a.status == block::Acquired::Status::WaitBlock && a.slot != block::kNoSlot)
            return a.slot % kSlotQueues;
        return kSlotQueues; // WaitSpace and sync tickets
    }
    void bump(size_t q)
    {
        m_queues[q].update_and_wake_all([&] { __atomic_add_fetch(&m_gen[q], 1, __ATOMIC_RELEASE); });
    }

    SpinLock m_lock;
    bool m_irq { false };
    WaitQueue m_queues[kSlotQueues + 1];
    uint64_t m_gen[kSlotQueues + 1] {};
};

constinit block::BlockCacheStorage<kCacheBlocks, 512> s_storage {};
constinit KernelClock s_clock;
constinit Glue s_glue;
constinit std::optional<block::BlockCache> s_cache;
constinit std::optional<ata::AtaDisk> s_disk;
constinit std::optional<block::BlockIo> s_io;
constinit WaitQueue s_flusher_wq;
uint64_t s_sectors = 0;

void Glue::complete(const block::IoRequest& request, block::IoStatus status)
{
    // Waking under the cache lock is safe: waiters never hold a queue lock while taking it.
    wake(s_cache->complete(request, status));
}

void disk_irq(void*)
{
    if (!s_disk)
        return;
    SpinLockIrqGuard guard(s_glue.raw_lock());
    s_disk->handle_irq();
}

// Writes blocks back once they are max_dirty_age old; checks ATA timeouts every 100 ms.
void flusher_main(void*)
{
    for (;;) {
        s_glue.lock();
        uint64_t now = monotonic_ns();
        Nanoseconds next = s_cache->flush(now);
        // Read the clock again: flush() may just have started a command stamped after `now`,
        // and poll() takes `now - started` as unsigned (an earlier `now` looks like a timeout).
        s_disk->poll(monotonic_ns());
        s_glue.unlock();
        uint64_t deadline = now + kPollPeriodNs;
        if (next && next < deadline)
            deadline = next;
        s_flusher_wq.wait([] { return false; }, deadline);
    }
}

Result<void> try_drive(const pci::Device& dev, uint8_t channel, uint8_t drive)
{
    ata::ChannelConfig cfg = ata::AtaDisk::channel_config(dev, channel, drive);
    // create() identifies the drive: on any error s_disk stays empty and the caller tries the
    // next position (the IRQ below is routed only for the drive that answered).
    s_disk.emplace(TRY(ata::AtaDisk::create(cfg, kernel_port_io(), kernel_dma(), s_clock, s_glue)));
    uint8_t vector = channel ? kVectorSecondary : kVectorPrimary;
    irq_register(vector, disk_irq, nullptr);
    if (!ioapic_route_isa(channel ? 15 : 14, vector, g_cpus[0].apic_id))
        printk("disk: could not route IRQ %u\n", channel ? 15u : 14u);
    printk("disk: ata%u.%u \"%s\" %llu sectors (%llu MiB), %s, %s\n", channel, drive, s_disk->identity().model,
        (unsigned long long)s_disk->identity().sectors, (unsigned long long)(s_disk->identity().sectors >> 11),
        s_disk->identity().lba48 ? "LBA48" : "LBA28", s_disk->mode() == ata::TransferMode::Dma ? "DMA" : "PIO");
    return {};
}

} // namespace

bool disk_init()
{
    const pci::Device* ide = nullptr;
    for (size_t i = 0; i < pci_device_count() && !ide; i++)
        if (ata::AtaDisk::probe(pci_devices()[i]))
            ide = &pci_devices()[i];
    if (!ide) {
        printk("disk: no IDE controller\n");
        return false;
    }
    pci::enable(pci_config(), *ide, true);
    // Primary master, primary slave, then the secondary channel (the boot CD-ROM usually
    // sits at secondary master; IDENTIFY DEVICE rejects ATAPI drives).
    static constexpr uint8_t kOrder[][2] = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } };
    bool found = false;
    for (auto& cd : kOrder) {
        if (!try_drive(*ide, cd[0], cd[1]).is_error()) {
            found = true;
            break;
        }
    }
    if (!found) {
        printk("disk: no ATA hard disk on the IDE channels\n");
        return false;
    }
    s_sectors = s_disk->identity().sectors;
    block::CacheConfig config;
    s_cache.emplace(std::span(s_storage.entries), std::span(s_storage.buckets), std::span(s_storage.data), config);
    if (auto r = s_cache->attach(kDevice, *s_disk, s_disk->block_count(512), uint32_t(ata::kQueueDepth));
        r.is_error()) {
        printk("disk: cache attach failed: %s\n", r.error_info().text());
        return false;
    }
    s_io.emplace(*s_cache, s_glue, kDevice);
    thread_create("flusher", flusher_main, nullptr);
    return true;
}

bool disk_present() { return s_io.has_value(); }
block::BlockIo& disk_io() { return *s_io; }
uint64_t disk_sectors() { return s_sectors; }
const ata::Identity& disk_identity() { return s_disk->identity(); }

DiskStats disk_stats()
{
    DiskStats s;
    if (!s_io)
        return s;
    s_glue.lock();
    s.cache = s_cache->stats();
    s.ata = s_disk->stats();
    s.dirty = s_cache->dirty_count();
    s.capacity = s_cache->capacity();
    s.sectors = s_sectors;
    s_glue.unlock();
    return s;
}

} // namespace oh::kernel
