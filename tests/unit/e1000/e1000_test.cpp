// e1000 driver core against a model of the 82540EM: registers, EEPROM, and a "wire" that
// consumes TX descriptors and fills RX descriptors the way the hardware does.
#include "drivers/net/e1000.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <vector>

using namespace oh::e1000;

namespace {

class FakeDma final : public DmaAllocator {
public:
    ~FakeDma()
    {
        for (void* p : m_blocks)
            free(p);
    }
    oh::Result<DmaBuffer> allocate(size_t bytes, size_t alignment) override
    {
        void* p = aligned_alloc(alignment < 16 ? 16 : alignment, (bytes + alignment - 1) / alignment * alignment);
        memset(p, 0, bytes);
        m_blocks.push_back(p);
        return DmaBuffer { p, reinterpret_cast<uint64_t>(p), bytes }; // physical == host address
    }

private:
    std::vector<void*> m_blocks;
};

class NoDelay final : public Delay {
public:
    void delay_us(uint32_t) override { }
};

class Model82540 final : public Mmio {
public:
    uint16_t eeprom[64] = { 0x5452, 0x0000, 0x0100 }; // MAC 52:54:00:00:00:01 low byte first
    bool eeprom_works = true;
    bool link = true;
    std::map<uint32_t, uint32_t> regs;
    std::vector<std::vector<uint8_t>> wire_out; // frames the device sent
    int reset_reads_left = 0;

    uint32_t read32(uint32_t off) override
    {
        switch (Reg(off)) {
        case Reg::Ctrl:
            if (reset_reads_left > 0 && --reset_reads_left == 0)
                regs[off] &= ~ctrl::kRst;
            return regs[off];
        case Reg::Status:
            return link ? status::kLu : 0;
        case Reg::Icr: {
            uint32_t v = regs[off];
            regs[off] = 0; // clear on read
            return v;
        }
        default:
            return regs[off];
        }
    }

    void write32(uint32_t off, uint32_t v) override
    {
        switch (Reg(off)) {
        case Reg::Ctrl:
            regs[off] = v;
            if (v & ctrl::kRst)
                reset_reads_left = 3;
            return;
        case Reg::Eerd:
            if (eeprom_works && (v & eerd::kStart)) {
                uint32_t word = (v >> eerd::kAddrShift) & 0xff;
                regs[off] = (uint32_t(eeprom[word % 64]) << eerd::kDataShift) | eerd::kDone;
            } else {
                regs[off] = 0;
            }
            return;
        case Reg::Tdt:
            regs[off] = v;
            run_tx();
            return;
        case Reg::Ims:
            regs[off] |= v;
            return;
        default:
            regs[off] = v;
        }
    }

    // The hardware's transmit engine: every descriptor from TDH to TDT goes on the wire.
    void run_tx()
    {
        auto* ring = reinterpret_cast<TxDescriptor*>(desc_base(Reg::Tdbal, Reg::Tdbah));
        size_t n = regs[uint32_t(Reg::Tdlen)] / sizeof(TxDescriptor);
        while (regs[uint32_t(Reg::Tdh)] != regs[uint32_t(Reg::Tdt)]) {
            TxDescriptor& d = ring[regs[uint32_t(Reg::Tdh)]];
            EXPECT_TRUE(d.cmd & txcmd::kEop);
            EXPECT_TRUE(d.cmd & txcmd::kRs);
            auto* data = reinterpret_cast<uint8_t*>(d.buffer);
            wire_out.emplace_back(data, data + d.length);
            d.status |= txstatus::kDd;
            regs[uint32_t(Reg::Tdh)] = (regs[uint32_t(Reg::Tdh)] + 1) % n;
        }
        raise(irq::kTxdw);
    }

    // A frame arrives from the wire. Returns false when the ring has no free descriptor.
    bool deliver(const std::vector<uint8_t>& frame, uint8_t errors = 0)
    {
        auto* ring = reinterpret_cast<RxDescriptor*>(desc_base(Reg::Rdbal, Reg::Rdbah));
        size_t n = regs[uint32_t(Reg::Rdlen)] / sizeof(RxDescriptor);
        uint32_t head = regs[uint32_t(Reg::Rdh)];
        if (!(regs[uint32_t(Reg::Rctl)] & rctl::kEn) || head == regs[uint32_t(Reg::Rdt)]) {
            raise(irq::kRxo);
            return false;
        }
        RxDescriptor& d = ring[head];
        memcpy(reinterpret_cast<void*>(d.buffer), frame.data(), frame.size());
        d.length = uint16_t(frame.size());
        d.errors = errors;
        d.status = rxstatus::kDd | rxstatus::kEop;
        regs[uint32_t(Reg::Rdh)] = (head + 1) % n;
        raise(irq::kRxt0);
        return true;
    }

    void raise(uint32_t cause) { regs[uint32_t(Reg::Icr)] |= cause; }

private:
    uint8_t* desc_base(Reg lo, Reg hi)
    {
        return reinterpret_cast<uint8_t*>(uint64_t(regs[uint32_t(lo)]) | (uint64_t(regs[uint32_t(hi)]) << 32));
    }
};

struct Fixture {
    Model82540 hw;
    FakeDma dma;
    NoDelay delay;
};

std::vector<uint8_t> frame_of(size_t n, uint8_t seed)
{
    std::vector<uint8_t> f(n);
    for (size_t i = 0; i < n; i++)
        f[i] = uint8_t(seed + i);
    return f;
}

TEST(E1000, ProbeOnlyThe82540EM)
{
    EXPECT_TRUE(E1000::probe(0x8086, 0x100e));
    EXPECT_FALSE(E1000::probe(0x8086, 0x10d3));
    EXPECT_FALSE(E1000::probe(0x10ec, 0x8139));
}

TEST(E1000, InitializeResetsReadsMacAndProgramsRings)
{
    Fixture f;
    auto dev = E1000::create(f.hw, f.dma, f.delay);
    ASSERT_TRUE(dev.has_value());
    ASSERT_FALSE(dev->initialize().is_error());
    const uint8_t want[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
    EXPECT_EQ(memcmp(dev->mac(), want, 6), 0);
    EXPECT_EQ(f.hw.regs[uint32_t(Reg::Ral0)], 0x00005452u);
    EXPECT_EQ(f.hw.regs[uint32_t(Reg::Rah0)], 0x80000100u);
    EXPECT_EQ(f.hw.regs[uint32_t(Reg::Rdlen)], E1000::kRxDescriptors * 16);
    EXPECT_EQ(f.hw.regs[uint32_t(Reg::Rdt)], E1000::kRxDescriptors - 1);
    EXPECT_EQ(f.hw.regs[uint32_t(Reg::Tdlen)], E1000::kTxDescriptors * 16);
    EXPECT_TRUE(f.hw.regs[uint32_t(Reg::Rctl)] & rctl::kEn);
    EXPECT_TRUE(f.hw.regs[uint32_t(Reg::Rctl)] & rctl::kSecrc);
    EXPECT_TRUE(f.hw.regs[uint32_t(Reg::Tctl)] & tctl::kEn);
    EXPECT_TRUE(f.hw.regs[uint32_t(Reg::Ims)] & irq::kRxt0);
    EXPECT_TRUE(f.hw.regs[uint32_t(Reg::Ctrl)] & ctrl::kSlu);
    EXPECT_EQ(f.hw.regs[uint32_t(Reg::Rdbal)] % 128, 0u);
    EXPECT_TRUE(dev->link_up());
}

TEST(E1000, MacFromRalWhenEepromIsSilent)
{
    Fixture f;
    f.hw.eeprom_works = false;
    f.hw.regs[uint32_t(Reg::Ral0)] = 0x33221102;
    f.hw.regs[uint32_t(Reg::Rah0)] = 0x80005544;
    auto dev = E1000::create(f.hw, f.dma, f.delay);
    ASSERT_FALSE(dev->initialize().is_error());
    const uint8_t want[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    EXPECT_EQ(memcmp(dev->mac(), want, 6), 0);
}

TEST(E1000, NoMacAnywhereIsAnError)
{
    Fixture f;
    f.hw.eeprom_works = false;
    auto dev = E1000::create(f.hw, f.dma, f.delay);
    auto r = dev->initialize();
    EXPECT_TRUE(r.is_error());
}

TEST(E1000, ResetThatNeverCompletesTimesOut)
{
    Fixture f;
    auto dev = E1000::create(f.hw, f.dma, f.delay);
    f.hw.reset_reads_left = -1; // RST never clears
    struct Stuck final : Mmio {
        Model82540& inner;
        explicit Stuck(Model82540& m) : inner(m) { }
        uint32_t read32(uint32_t off) override { return off == 0 ? ctrl::kRst : inner.read32(off); }
        void write32(uint32_t off, uint32_t v) override { inner.write32(off, v); }
    } stuck(f.hw);
    auto dev2 = E1000::create(stuck, f.dma, f.delay);
    auto r = dev2->initialize();
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error(), oh::Error::Timeout);
}

TEST(E1000, TransmitPutsExactFramesOnTheWireAndWraps)
{
    Fixture f;
    auto dev = E1000::create(f.hw, f.dma, f.delay);
    ASSERT_FALSE(dev->initialize().is_error());
    for (int i = 0; i < 100; i++) {
        auto fr = frame_of(60 + i * 13, uint8_t(i));
        ASSERT_FALSE(dev->transmit(fr).is_error()) << i;
        ASSERT_EQ(f.hw.wire_out.back(), fr);
    }
    EXPECT_EQ(f.hw.wire_out.size(), 100u);
    EXPECT_EQ(dev->counters().tx_frames, 100u);
    EXPECT_TRUE(dev->handle_irq().tx());
    EXPECT_FALSE(dev->handle_irq().ours()); // ICR cleared by the first read
}

TEST(E1000, TransmitRingFullIsReportedNotOverwritten)
{
    Fixture f;
    struct Paused final : Mmio { // a device whose TX engine is stopped
        Model82540& inner;
        explicit Paused(Model82540& m) : inner(m) { }
        uint32_t read32(uint32_t off) override { return inner.read32(off); }
        void write32(uint32_t off, uint32_t v) override
        {
            if (off == uint32_t(Reg::Tdt))
                inner.regs[off] = v;
            else
                inner.write32(off, v);
        }
    } paused(f.hw);
    auto dev = E1000::create(paused, f.dma, f.delay);
    ASSERT_FALSE(dev->initialize().is_error());
    size_t sent = 0;
    while (!dev->transmit(frame_of(64, 1)).is_error())
        sent++;
    EXPECT_EQ(sent, E1000::kTxDescriptors - 1);
    EXPECT_EQ(dev->counters().tx_dropped, 1u);
    EXPECT_TRUE(dev->transmit({}).is_error());
    std::vector<uint8_t> huge(4000);
    EXPECT_TRUE(dev->transmit(huge).is_error());
}

TEST(E1000, ReceiveReturnsFramesInOrderAndRecyclesDescriptors)
{
    Fixture f;
    auto dev = E1000::create(f.hw, f.dma, f.delay);
    ASSERT_FALSE(dev->initialize().is_error());
    uint8_t buf[2048];
    EXPECT_EQ(dev->receive(buf), 0u);
    for (int round = 0; round < 10; round++) {
        std::deque<std::vector<uint8_t>> sent;
        for (int i = 0; i < 20; i++) {
            sent.push_back(frame_of(60 + (round * 20 + i) * 7 % 1454, uint8_t(i + round)));
            ASSERT_TRUE(f.hw.deliver(sent.back()));
        }
        EXPECT_TRUE(dev->handle_irq().rx());
        while (!sent.empty()) {
            size_t n = dev->receive(buf);
            ASSERT_EQ(n, sent.front().size());
            EXPECT_EQ(std::vector<uint8_t>(buf, buf + n), sent.front());
            sent.pop_front();
        }
        EXPECT_EQ(dev->receive(buf), 0u);
    }
    EXPECT_EQ(dev->counters().rx_frames, 200u);
}

TEST(E1000, FullRingOverrunsAndErroredFramesAreCounted)
{
    Fixture f;
    auto dev = E1000::create(f.hw, f.dma, f.delay);
    ASSERT_FALSE(dev->initialize().is_error());
    size_t accepted = 0;
    while (f.hw.deliver(frame_of(100, 3)))
        accepted++;
    EXPECT_EQ(accepted, E1000::kRxDescriptors - 1);
    EXPECT_EQ(dev->handle_irq().cause & irq::kRxo, irq::kRxo);
    EXPECT_EQ(dev->counters().rx_overruns, 1u);
    uint8_t buf[2048];
    while (dev->receive(buf))
        ;
    ASSERT_TRUE(f.hw.deliver(frame_of(100, 4), /*errors=*/0x01)); // CRC error
    ASSERT_TRUE(f.hw.deliver(frame_of(1500, 5)));
    uint8_t small[64];
    EXPECT_EQ(dev->receive(small), 0u); // errored frame skipped, too-big frame dropped
    EXPECT_EQ(dev->counters().rx_errors, 1u);
    EXPECT_EQ(dev->counters().rx_dropped, 1u);
    ASSERT_TRUE(f.hw.deliver(frame_of(80, 6)));
    EXPECT_EQ(dev->receive(buf), 80u); // and the ring still works
}

TEST(E1000, LinkChangeInterrupt)
{
    Fixture f;
    auto dev = E1000::create(f.hw, f.dma, f.delay);
    ASSERT_FALSE(dev->initialize().is_error());
    f.hw.link = false;
    f.hw.raise(irq::kLsc);
    auto ev = dev->handle_irq();
    EXPECT_TRUE(ev.link());
    EXPECT_FALSE(dev->link_up());
    EXPECT_EQ(dev->counters().link_changes, 1u);
}

} // namespace
