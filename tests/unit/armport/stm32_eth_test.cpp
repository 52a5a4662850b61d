// STM32 ETH driver against a MAC/DMA/PHY model that walks the descriptor rings like the DMA.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "drivers/stm32_eth/stm32_eth.h"
#include "tests/unit/common/reg_file.h"

namespace oh::arm::stm32 {
namespace {

using namespace eth;
using hw::test::FakeBus;
using hw::test::NoDelayMock;
using hw::test::RegFile;

const net::MacAddress kMac { { 0x02, 0x4f, 0x11, 0x22, 0x33, 0x44 } };

struct EthModel : RegFile {
    // LAN8742A datasheet §4.2 (IEEE 802.3 clause 22 register 2): PHY ID 1 = 0x0007, the OUI's
    // bits 3-18 for SMSC/Microchip.
    std::map<uint8_t, uint16_t> phy { { kPhyId1, 0x0007 }, { kPhyBsr, kBsrLink | kBsrAnDone },
        { kPhyScsr, 6u << 2 } };
    bool phy_present { true };
    bool ref_clock { true };
    FakeBus* bus { nullptr };
    std::vector<std::vector<uint8_t>> sent;
    uint32_t tx_cursor { 0 }, rx_cursor { 0 };

    EthModel()
    {
        on_write[kDmaBmr] = [this](uint32_t v) { return ref_clock ? v & ~kDmaBmrSr : v; };
        on_write[kMacMiiAr] = [this](uint32_t v) {
            uint8_t reg = (v >> 6) & 31;
            if (v & kMiiWrite) {
                phy[reg] = uint16_t(regs[kMacMiiDr]);
                if (reg == kPhyBcr)
                    phy[kPhyBcr] &= uint16_t(~kBcrReset); // reset completes at once
            } else {
                regs[kMacMiiDr] = phy_present ? phy[reg] : 0xffff;
            }
            return v & ~kMiiBusy;
        };
        on_write[kDmaTpdr] = [this](uint32_t v) { walk_tx(); return v; };
        on_write[kDmaSr] = [this](uint32_t v) { return regs[kDmaSr] & ~v; }; // write 1 to clear
    }

    void walk_tx()
    {
        if (!tx_cursor)
            tx_cursor = regs[kDmaTdlar];
        for (;;) {
            auto* d = bus->from_bus<EthDescriptor>(tx_cursor);
            ASSERT_NE(d, nullptr);
            if (!(d->status & kOwn))
                return;
            EXPECT_EQ(d->status & (kTdesFs | kTdesLs), kTdesFs | kTdesLs);
            auto* buf = bus->from_bus<uint8_t>(d->buffer);
            ASSERT_NE(buf, nullptr);
            sent.emplace_back(buf, buf + (d->control & 0x1fff));
            d->status &= ~kOwn;
            tx_cursor = d->next;
        }
    }

    // The receive DMA: false when the driver left no descriptor (ring full).
    bool deliver(const std::vector<uint8_t>& frame, uint32_t extra_status = 0)
    {
        if (!rx_cursor)
            rx_cursor = regs[kDmaRdlar];
        auto* d = bus->from_bus<EthDescriptor>(rx_cursor);
        if (!d || !(d->status & kOwn))
            return false;
        auto* buf = bus->from_bus<uint8_t>(d->buffer);
        size_t n = frame.size() + 4;
        EXPECT_LE(n, d->control & 0x1fff);
        std::copy(frame.begin(), frame.end(), buf);
        d->status = (uint32_t(n) << 16) | kRdesFs | kRdesLs | extra_status;
        rx_cursor = d->next;
        regs[kDmaSr] |= kDmaSrRs | kDmaSrNis;
        return true;
    }
};

struct StmEthTest : ::testing::Test {
    EthModel regs;
    NoDelayMock delay;
    std::unique_ptr<EthRings> rings = std::make_unique<EthRings>();
    FakeBus bus { rings.get(), sizeof(EthRings) };
    std::optional<StmEth> nic;

    void SetUp() override { regs.bus = &bus; }
    Result<StmEth> create() { return StmEth::create(regs, delay, bus, *rings, kMac, 0); }
    void bring_up()
    {
        auto r = create();
        ASSERT_FALSE(r.is_error()) << r.error_info().text();
        nic.emplace(r.release_value());
    }
    // A create() that failed left the MAC and both DMAs off.
    void expect_stopped()
    {
        EXPECT_EQ(regs.regs[kMacCr] & (kMacCrTe | kMacCrRe), 0u);
        EXPECT_EQ(regs.regs[kDmaOmr] & (kDmaOmrSt | kDmaOmrSr), 0u);
        EXPECT_EQ(regs.regs[kDmaIer], 0u);
    }
};

std::vector<uint8_t> frame(size_t n, uint8_t seed)
{
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; i++)
        v[i] = uint8_t(seed ^ (i * 31));
    return v;
}

TEST_F(StmEthTest, BringUpProgramsMacPhyAndRings)
{
    bring_up();
    EXPECT_TRUE(nic->link().up);
    EXPECT_EQ(nic->link().mbps, 100);
    EXPECT_TRUE(nic->link().full_duplex);
    EXPECT_EQ(regs.regs[kMacA0Lr], 0x22114f02u);
    EXPECT_EQ(regs.regs[kMacA0Hr], 0x80004433u);
    uint32_t cr = regs.regs[kMacCr];
    EXPECT_EQ(cr & (kMacCrTe | kMacCrRe | kMacCrFes | kMacCrDm), kMacCrTe | kMacCrRe | kMacCrFes | kMacCrDm);
    EXPECT_EQ(regs.regs[kDmaOmr] & (kDmaOmrSt | kDmaOmrSr), kDmaOmrSt | kDmaOmrSr);
    // Rings: every RX descriptor owned by the DMA, chained in a circle through bus addresses.
    uint32_t a = regs.regs[kDmaRdlar];
    for (size_t i = 0; i < kEthRxDescriptors; i++) {
        auto* d = bus.from_bus<EthDescriptor>(a);
        ASSERT_NE(d, nullptr);
        EXPECT_TRUE(d->status & kOwn);
        EXPECT_EQ(d->control, kRdesRch | kEthBufferSize);
        a = d->next;
    }
    EXPECT_EQ(a, regs.regs[kDmaRdlar]);
    // The PHY was reset before auto-negotiation was started.
    int reset = regs.first_write(kMacMiiDr, 0xffff, kBcrReset);
    int autoneg = regs.first_write(kMacMiiDr, 0xffff, kBcrAutoNeg | kBcrRestartAn);
    EXPECT_GE(reset, 0);
    EXPECT_GT(autoneg, reset);
    // The DMA was started only after the descriptor list addresses were written.
    EXPECT_LT(regs.first_write(kDmaRdlar, 0, 0), regs.first_write(kDmaOmr, kDmaOmrSr, kDmaOmrSr));
}

TEST_F(StmEthTest, HalfDuplexTenFromPhyStatus)
{
    regs.phy[kPhyScsr] = 1u << 2; // 10BASE-T half duplex
    bring_up();
    EXPECT_EQ(nic->link().mbps, 10);
    EXPECT_FALSE(nic->link().full_duplex);
    EXPECT_EQ(regs.regs[kMacCr] & (kMacCrFes | kMacCrDm), 0u);
}

TEST_F(StmEthTest, MissingRefClockFailsCreateCleanly)
{
    regs.ref_clock = false; // RM0385 ETH_DMABMR.SR: the reset needs the PHY's clocks to finish
    EXPECT_EQ(create().error(), Error::Timeout);
    expect_stopped();
    EXPECT_EQ(regs.first_write(kMacMiiAr, 0, 0), -1) << "no MDIO access after a failed reset";
}

TEST_F(StmEthTest, NoPhyOnMdioFailsCreateCleanly)
{
    regs.phy_present = false; // MDIO pulled up: every register reads 0xffff
    EXPECT_EQ(create().error(), Error::NotFound);
    expect_stopped();
}

TEST_F(StmEthTest, AnotherPhyFailsCreateCleanly)
{
    regs.phy[kPhyId1] = 0x0022; // a Micrel/Microchip KSZ8081's PHY ID 1, not a LAN8742A
    EXPECT_EQ(create().error(), Error::NotFound);
    expect_stopped();
}

TEST_F(StmEthTest, MdioThatNeverCompletesFailsCreate)
{
    regs.on_write[kMacMiiAr] = [](uint32_t v) { return v; }; // MB (busy) never clears
    EXPECT_EQ(create().error(), Error::Timeout);
    expect_stopped();
}

TEST_F(StmEthTest, NoCableStillInitializesLinkDown)
{
    regs.phy[kPhyBsr] = 0;
    bring_up();
    EXPECT_FALSE(nic->link().up);
    EXPECT_GE(delay.total_us, uint64_t(StmEth::kLinkWaitMs) * 1000);
}

TEST_F(StmEthTest, TransmitHandsExactFramesToDmaAroundTheRing)
{
    bring_up();
    for (int i = 0; i < 10; i++) {
        auto f = frame(60 + i * 137, uint8_t(i));
        ASSERT_FALSE(nic->transmit(f).is_error()) << i;
        ASSERT_EQ(regs.sent.size(), size_t(i + 1));
        EXPECT_EQ(regs.sent.back(), f);
    }
}

TEST_F(StmEthTest, TransmitWaitsForDescriptorsTheDmaStillOwns)
{
    bring_up();
    regs.on_write.erase(kDmaTpdr); // a DMA that does not run
    for (size_t i = 0; i < kEthTxDescriptors; i++)
        ASSERT_FALSE(nic->transmit(frame(60, 1)).is_error());
    EXPECT_EQ(nic->transmit(frame(60, 1)).error(), Error::WouldBlock);
    EXPECT_EQ(nic->counters().tx_busy, 1u);
    EXPECT_EQ(nic->transmit(frame(1515, 1)).error(), Error::InvalidArgument);
}

TEST_F(StmEthTest, ReceiveReturnsFramesAndRecyclesDescriptors)
{
    bring_up();
    uint8_t buf[1600];
    EXPECT_EQ(nic->receive(buf).error(), Error::WouldBlock);
    // Three times around the ring: proves descriptors go back to the DMA.
    for (int i = 0; i < int(3 * kEthRxDescriptors); i++) {
        auto f = frame(64 + i * 50, uint8_t(i));
        ASSERT_TRUE(regs.deliver(f)) << i;
        EXPECT_TRUE(nic->handle_irq().has(hw::IrqEvent::RxReady));
        auto r = nic->receive(buf);
        ASSERT_FALSE(r.is_error()) << i;
        EXPECT_EQ(std::vector<uint8_t>(buf, buf + r.value()), f);
    }
    EXPECT_EQ(nic->receive(buf).error(), Error::WouldBlock);
    EXPECT_FALSE(nic->handle_irq().has(hw::IrqEvent::RxReady)); // status was cleared
}

TEST_F(StmEthTest, ErroredRuntAndOversizeFramesAreDroppedAndRecycled)
{
    bring_up();
    uint8_t small[100];
    ASSERT_TRUE(regs.deliver(frame(80, 1), kRdesEs));
    ASSERT_TRUE(regs.deliver(frame(10, 2)));
    ASSERT_TRUE(regs.deliver(frame(500, 3)));
    auto good = frame(90, 4);
    ASSERT_TRUE(regs.deliver(good));
    EXPECT_EQ(nic->receive(small).error(), Error::Malformed);
    EXPECT_EQ(nic->receive(small).error(), Error::Malformed);
    EXPECT_EQ(nic->receive(small).error(), Error::NoSpace);
    auto r = nic->receive(small);
    ASSERT_FALSE(r.is_error());
    EXPECT_EQ(std::vector<uint8_t>(small, small + r.value()), good);
    EXPECT_EQ(nic->counters().rx_errors, 2u);
    EXPECT_EQ(nic->counters().rx_oversize, 1u);
    // All four descriptors are the DMA's again: the ring keeps flowing.
    for (size_t i = 0; i < kEthRxDescriptors; i++)
        EXPECT_TRUE(regs.deliver(frame(60, 5)));
}

} // namespace
} // namespace oh::arm::stm32
