// e1000 driver tests against the register-level model: lifecycle, reset, MAC, rings end to
// end (TX consumed, RX filled, wraparound, overrun), interrupts, link, and a ping through
// the real Stack.
#include "drivers/net/e1000.h"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>

#include "lib/random.h"
#include "mock_e1000.h"
#include "net/stack.h"

namespace e1000test {
namespace {

using oh::Error;

struct Collector final : FrameSink {
    void on_frame(std::span<const uint8_t> frame) override { frames.emplace_back(frame.begin(), frame.end()); }
    std::vector<Bytes> frames;
};

Bytes frame_of(size_t n, uint8_t seed)
{
    Bytes f(n);
    for (size_t i = 0; i < n; ++i)
        f[i] = uint8_t(seed + i * 13);
    return f;
}

class E1000Test : public ::testing::Test {
protected:
    E1000Test()
        : hw(dma)
    {
    }
    void bring_up()
    {
        auto r = E1000::create(hw.io, dma);
        ASSERT_TRUE(r.has_value());
        dev.emplace(r.release_value());
    }

    FakeDma dma;
    MockE1000 hw;
    std::optional<E1000> dev;
};

TEST(E1000Probe, Matches82540EMAnd82574L)
{
    EXPECT_TRUE(E1000::probe(0x8086, 0x100e));
    EXPECT_TRUE(E1000::probe(0x8086, 0x10d3)); // 82574L (e1000e), legacy descriptors
    EXPECT_FALSE(E1000::probe(0x8086, 0x10d5)); // 82571: not modelled, not claimed
    EXPECT_FALSE(E1000::probe(0x10ec, 0x100e));
}

// The 82574L reads its MAC through its own EERD layout (DONE is bit 1, the address from bit
// 2): read with the 82540EM's, word 0 would come back as word 0 x 64 and never complete.
TEST_F(E1000Test, The82574LReadsItsEepromAndClearsIcrByWritingIt)
{
    hw.model_82574 = true;
    hw.eeprom[0] = 0x2202;
    hw.eeprom[1] = 0x4433;
    hw.eeprom[2] = 0x6655;
    hw.power_on();
    hw.io.regs[uint32_t(Reg::Ral0)] = 0x0200aa02; // RAL/RAH say otherwise: the MAC must come from EERD
    auto r = E1000::create(hw.io, dma, E1000::kDevice82574L);
    ASSERT_TRUE(r.has_value());
    dev.emplace(r.release_value());
    const uint8_t mac[] = { 0x02, 0x22, 0x33, 0x44, 0x55, 0x66 };
    EXPECT_EQ(dev->mac(), oh::net::MacAddress::from(mac));
    EXPECT_TRUE(dev->is_82574());
    // A received frame raises RXT0; handling the interrupt must leave the line quiet.
    ASSERT_TRUE(hw.inject_rx(frame_of(64, 9)));
    ASSERT_TRUE(hw.interrupt_asserted());
    auto ev = dev->handle_irq();
    EXPECT_TRUE(ev.ours());
    EXPECT_FALSE(hw.interrupt_asserted()) << "ICR still holds causes: a level-triggered line would storm";
    EXPECT_FALSE(dev->handle_irq().ours());
}

// FakeDma's memory (so the model still translates it), noting how many register accesses
// came before each allocation, and failing the one numbered fail_at (from 1; 0: none).
struct WatchedDma final : hw::DmaAllocator {
    WatchedDma(FakeDma& d, MockE1000& m) : dma(d), hw(m) { }
    oh::Result<hw::DmaBuffer> allocate(size_t size, size_t alignment, uint64_t limit) override
    {
        accesses_before.push_back(hw.io.accesses());
        if (accesses_before.size() == fail_at)
            return Error::NoMemory;
        return dma.allocate(size, alignment, limit);
    }
    FakeDma& dma;
    MockE1000& hw;
    size_t fail_at { 0 };
    std::vector<uint64_t> accesses_before;
};

TEST_F(E1000Test, CreateAllocatesBeforeTouchingRegisters)
{
    WatchedDma watched(dma, hw);
    auto r = E1000::create(hw.io, watched);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(watched.accesses_before, (std::vector<uint64_t> { 0, 0, 0, 0 }));
    EXPECT_EQ(dma.allocations(), 4u);
    // Any allocation failing, the last one included, leaves the device untouched.
    for (size_t fail_at = 1; fail_at <= 4; ++fail_at) {
        MockE1000 fresh(dma);
        WatchedDma failing(dma, fresh);
        failing.fail_at = fail_at;
        EXPECT_EQ(E1000::create(fresh.io, failing).error(), Error::NoMemory) << fail_at;
        EXPECT_EQ(fresh.io.accesses(), 0u) << fail_at;
    }
}

TEST_F(E1000Test, CreateReportsDmaFailure)
{
    dma.fail = true;
    EXPECT_EQ(E1000::create(hw.io, dma).error(), Error::NoMemory);
    EXPECT_EQ(hw.io.accesses(), 0u);
}

TEST_F(E1000Test, CreateProgramsTheDevice)
{
    hw.io.regs[uint32_t(Reg::Mta) + 8] = 0xdeadbeef; // stale multicast filter bits
    bring_up();
    EXPECT_EQ(hw.resets, 1);
    const uint8_t qemu_mac[] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    EXPECT_EQ(dev->mac(), oh::net::MacAddress::from(qemu_mac));
    EXPECT_EQ(hw.reg(Reg::Ral0), 0x12005452u);
    EXPECT_EQ(hw.reg(Reg::Rah0), 0x5634u | kRahAddressValid);
    EXPECT_EQ(hw.reg(Reg::Mta) + hw.reg(Reg(uint32_t(Reg::Mta) + 8)), 0u);
    uint32_t c = hw.reg(Reg::Ctrl);
    EXPECT_TRUE(c & ctrl::kSetLinkUp);
    EXPECT_FALSE(c & (ctrl::kPhyReset | ctrl::kLinkReset | ctrl::kReset));
    // Rings: bus addresses above 4 GiB split over the high/low registers.
    EXPECT_NE(hw.reg(Reg::Rdbah), 0u);
    EXPECT_EQ(hw.reg(Reg::Rdlen), kE1000RxDescriptors * 16);
    EXPECT_EQ(hw.reg(Reg::Rdh), 0u);
    EXPECT_EQ(hw.reg(Reg::Rdt), kE1000RxDescriptors - 1);
    EXPECT_EQ(hw.reg(Reg::Tdlen), kE1000TxDescriptors * 16);
    EXPECT_EQ(hw.reg(Reg::Tdh), 0u);
    EXPECT_EQ(hw.reg(Reg::Tdt), 0u);
    uint32_t r = hw.reg(Reg::Rctl);
    EXPECT_TRUE(r & rctl::kEnable);
    EXPECT_TRUE(r & rctl::kBroadcastAccept);
    EXPECT_TRUE(r & rctl::kStripCrc);
    EXPECT_FALSE(r & (rctl::kUnicastPromiscuous | rctl::kLongPackets));
    EXPECT_EQ(hw.reg(Reg::Tctl), tctl::kRecommended);
    EXPECT_EQ(hw.reg(Reg::Tipg), kTipgCopper);
    EXPECT_EQ(hw.reg(Reg::Ims), irq::kRxTimer | irq::kRxOverrun | irq::kRxDescMinThreshold | irq::kLinkStatusChange | irq::kTxDescWritten);
    EXPECT_TRUE(dev->link_up());
    EXPECT_EQ(dma.bad_dma, 0);
}

TEST_F(E1000Test, MacFromRalRahWhenEerdFails)
{
    hw.eerd_works = false;
    hw.eeprom[0] = 0x1102; // what RAL/RAH were loaded with at power-up
    hw.power_on();
    bring_up();
    const uint8_t mac[] = { 0x02, 0x11, 0x00, 0x12, 0x34, 0x56 };
    EXPECT_EQ(dev->mac(), oh::net::MacAddress::from(mac));
}

TEST_F(E1000Test, ResetTimeoutFailsCreate)
{
    hw.reset_stuck = true;
    EXPECT_EQ(E1000::create(hw.io, dma).error(), Error::Timeout);
    // No E1000 to transmit on, and the device cannot send or interrupt on its own: both rings
    // off, every cause masked.
    EXPECT_FALSE(hw.reg(Reg::Tctl) & tctl::kEnable);
    EXPECT_FALSE(hw.reg(Reg::Rctl) & rctl::kEnable);
    EXPECT_EQ(hw.reg(Reg::Ims), 0u);
    EXPECT_TRUE(hw.transmitted.empty());
}

// Neither EERD nor RAL/RAH has an address, or the EEPROM holds one no NIC may use.
TEST_F(E1000Test, CreateFailsWithoutAUsableMac)
{
    hw.eerd_works = false;
    hw.io.on_read[uint32_t(Reg::Rah0)] = [](uint32_t v) { return v & ~kRahAddressValid; };
    EXPECT_EQ(E1000::create(hw.io, dma).error(), Error::NotFound);
    EXPECT_FALSE(hw.reg(Reg::Rctl) & rctl::kEnable);

    MockE1000 multicast(dma);
    multicast.eeprom[0] = 0x5453; // first octet 0x53: the group bit
    EXPECT_EQ(E1000::create(multicast.io, dma).error(), Error::Malformed);
    EXPECT_FALSE(multicast.reg(Reg::Rctl) & rctl::kEnable);
}

// The kernel moves the NIC out of create()'s Result onto the heap. Where it was is then
// scribbled over: anything the device or the driver kept pointing into the old object would
// read garbage.
TEST_F(E1000Test, SendsAndReceivesAfterBeingMoved)
{
    bring_up();
    void* old = &*dev;
    E1000 moved(std::move(*dev));
    dev.reset();
    std::memset(old, 0xa5, sizeof(E1000));
    Collector sink;
    for (int i = 0; i < 40; ++i) { // past the end of both rings
        Bytes f = frame_of(64 + size_t(i), uint8_t(i));
        ASSERT_TRUE(moved.transmit(f).has_value()) << i;
        ASSERT_TRUE(hw.inject_rx(f)) << i;
        EXPECT_TRUE(moved.handle_irq().has(hw::IrqEvent::RxReady)) << i;
        EXPECT_EQ(moved.receive(sink), 1u) << i;
        EXPECT_EQ(sink.frames.back(), f) << i;
        EXPECT_EQ(hw.transmitted.back(), f) << i;
    }
    moved.reclaim_tx();
    EXPECT_EQ(moved.counters().tx_frames, 40u);
    EXPECT_EQ(moved.counters().rx_frames, 40u);
    EXPECT_EQ(dma.bad_dma, 0);
}

TEST_F(E1000Test, TransmitsThroughTheRing)
{
    bring_up();
    for (int i = 0; i < 100; ++i) { // wraps the 32-entry ring three times
        Bytes f = frame_of(60 + size_t(i) * 14, uint8_t(i));
        ASSERT_TRUE(dev->transmit(f).has_value()) << i;
        ASSERT_EQ(hw.transmitted.size(), size_t(i) + 1);
        EXPECT_EQ(hw.transmitted.back(), f) << i;
    }
    EXPECT_EQ(hw.reg(Reg::Tdt), 100 % kE1000TxDescriptors);
    EXPECT_TRUE(dev->handle_irq().has(hw::IrqEvent::TxDone));
    dev->reclaim_tx();
    EXPECT_EQ(dev->counters().tx_frames, 100u);
    EXPECT_EQ(dma.bad_dma, 0);
}

TEST_F(E1000Test, TransmitRingFullThenDrains)
{
    bring_up();
    hw.tx_paused = true; // the device stops consuming
    size_t accepted = 0;
    while (dev->transmit(frame_of(64, uint8_t(accepted))).has_value())
        ++accepted;
    EXPECT_EQ(accepted, kE1000TxDescriptors - 1);
    EXPECT_EQ(dev->counters().tx_ring_full, 1u);
    EXPECT_EQ(dev->transmit(frame_of(64, 0)).error(), Error::Busy);
    hw.tx_paused = false;
    hw.process_tx();
    EXPECT_EQ(hw.transmitted.size(), accepted);
    EXPECT_EQ(dev->reclaim_tx(), accepted);
    EXPECT_TRUE(dev->transmit(frame_of(64, 0)).has_value());
}

TEST_F(E1000Test, TransmitRejectsOversizedAndCountsCollisions)
{
    bring_up();
    EXPECT_EQ(dev->transmit(Bytes(kE1000BufferSize + 1)).error(), Error::InvalidArgument);
    EXPECT_EQ(dev->transmit(Bytes()).error(), Error::InvalidArgument);
    hw.tx_collision_status = tx_status::kExcessCollisions;
    ASSERT_TRUE(dev->transmit(frame_of(64, 0)).has_value());
    dev->reclaim_tx();
    EXPECT_EQ(dev->counters().tx_errors, 3u);
    EXPECT_EQ(dev->counters().tx_frames, 0u);
}

TEST_F(E1000Test, ReceivesInOrderAcrossWraparound)
{
    bring_up();
    Collector sink;
    std::vector<Bytes> sent;
    for (int round = 0; round < 10; ++round) {
        for (int i = 0; i < 20; ++i) {
            Bytes f = frame_of(60 + size_t(round * 20 + i) % 1400, uint8_t(round * 20 + i));
            ASSERT_TRUE(hw.inject_rx(f));
            sent.push_back(f);
        }
        EXPECT_TRUE(hw.interrupt_asserted());
        EXPECT_TRUE(dev->handle_irq().has(hw::IrqEvent::RxReady));
        EXPECT_FALSE(hw.interrupt_asserted()) << "ICR read acknowledged it";
        EXPECT_EQ(dev->receive(sink), 20u);
    }
    ASSERT_EQ(sink.frames.size(), sent.size());
    EXPECT_EQ(sink.frames, sent);
    EXPECT_EQ(dev->counters().rx_frames, 200u);
    EXPECT_EQ(hw.reg(Reg::Rdt), (200 + kE1000RxDescriptors - 1) % kE1000RxDescriptors);
    EXPECT_EQ(dma.bad_dma, 0);
}

TEST_F(E1000Test, OverrunCountsDropsAndRecovers)
{
    bring_up();
    Collector sink;
    size_t accepted = 0;
    for (int i = 0; i < 40; ++i)
        accepted += hw.inject_rx(frame_of(100, uint8_t(i)));
    EXPECT_EQ(accepted, kE1000RxDescriptors - 1);
    hw::IrqEvents events = dev->handle_irq();
    EXPECT_TRUE(events.has(hw::IrqEvent::RxOverrun));
    EXPECT_EQ(dev->counters().rx_dropped, 40 - accepted);
    EXPECT_EQ(dev->receive(sink, 10), 10u) << "budget respected";
    EXPECT_EQ(dev->receive(sink), accepted - 10);
    EXPECT_EQ(sink.frames.size(), accepted);
    EXPECT_TRUE(hw.inject_rx(frame_of(100, 0xaa)));
    EXPECT_EQ(dev->receive(sink), 1u);
    EXPECT_EQ(sink.frames.back(), frame_of(100, 0xaa));
}

TEST_F(E1000Test, BadFramesAreCountedNotDelivered)
{
    bring_up();
    Collector sink;
    hw.inject_rx(frame_of(100, 1), rx_error::kCrc);
    hw.inject_rx(frame_of(3000, 2)); // spills into two buffers (no EOP on the first)
    hw.inject_rx(frame_of(100, 3));
    EXPECT_EQ(dev->receive(sink), 4u);
    ASSERT_EQ(sink.frames.size(), 1u);
    EXPECT_EQ(sink.frames[0], frame_of(100, 3));
    EXPECT_EQ(dev->counters().rx_errors, 2u);
}

TEST_F(E1000Test, LinkStatusChanges)
{
    bring_up();
    EXPECT_FALSE(dev->handle_irq().ours()) << "nothing pending: not our interrupt";
    hw.set_link(false);
    EXPECT_TRUE(hw.interrupt_asserted());
    EXPECT_EQ(dev->handle_irq(), hw::IrqEvent::Ours | hw::IrqEvent::LinkChanged);
    EXPECT_FALSE(dev->link_up());
    hw.set_link(true);
    EXPECT_EQ(dev->handle_irq(), hw::IrqEvent::Ours | hw::IrqEvent::LinkChanged);
    EXPECT_TRUE(dev->link_up());
    EXPECT_EQ(dev->counters().link_changes, 2u);
}

// The driver and the real stack together: a ping arrives through the RX ring and the reply
// leaves through the TX ring.
struct StackSink final : FrameSink {
    explicit StackSink(oh::net::Stack& s) : stack(s) { }
    void on_frame(std::span<const uint8_t> frame) override { stack.receive_frame(frame); }
    oh::net::Stack& stack;
};

TEST_F(E1000Test, PingThroughDriverAndStack)
{
    bring_up();
    oh::FakeClock clock;
    oh::Xoshiro128 random(1);
    oh::net::Stack stack(*dev, clock, random, dev->mac());
    auto config = oh::net::parse_net_config("192.0.2.10/24");
    ASSERT_TRUE(config.has_value());
    stack.start(*config);
    stack.set_service(oh::net::Service::IcmpEcho, oh::net::ServiceState::Enabled);
    ASSERT_EQ(hw.transmitted.size(), 1u) << "the gratuitous ARP went out through the ring";

    const oh::net::MacAddress peer { { 0x02, 0, 0, 0, 0, 0x20 } };
    oh::Ipv4Address peer_ip(192, 0, 2, 20);
    // ARP request from the peer, then an echo request.
    Bytes arp(42);
    oh::net::write_ethernet_header(arp, oh::net::MacAddress::broadcast(), peer, oh::net::EtherType::Arp);
    oh::net::write_arp(std::span(arp).subspan(14), { oh::net::ArpOperation::Request, peer, peer_ip, {}, oh::Ipv4Address(192, 0, 2, 10) });
    Bytes ping(14 + 20 + 8 + 32);
    oh::net::write_ethernet_header(ping, dev->mac(), peer, oh::net::EtherType::Ipv4);
    oh::net::Ipv4HeaderFields ip { peer_ip, oh::Ipv4Address(192, 0, 2, 10), oh::net::IpProtocol::Icmp, 40, 1, 64 };
    oh::net::write_ipv4_header(std::span(ping).subspan(14), ip);
    oh::net::write_icmp_echo(std::span(ping).subspan(34), oh::net::IcmpType::EchoRequest, 7, 1, frame_of(32, 0));
    ASSERT_TRUE(hw.inject_rx(arp));
    ASSERT_TRUE(hw.inject_rx(ping));
    StackSink sink(stack);
    EXPECT_TRUE(dev->handle_irq().has(hw::IrqEvent::RxReady));
    EXPECT_EQ(dev->receive(sink), 2u);
    ASSERT_EQ(hw.transmitted.size(), 3u);
    const Bytes& reply = hw.transmitted[2];
    auto eth = oh::net::parse_ethernet(reply);
    ASSERT_TRUE(eth.has_value());
    EXPECT_EQ(eth->destination, peer);
    auto rip = oh::net::parse_ipv4(eth->payload);
    ASSERT_TRUE(rip.has_value());
    auto echo = oh::net::parse_icmp(rip->payload);
    ASSERT_TRUE(echo.has_value());
    EXPECT_EQ(echo->type, 0);
    EXPECT_EQ(Bytes(echo->payload.begin(), echo->payload.end()), frame_of(32, 0));
}

} // namespace
} // namespace e1000test
