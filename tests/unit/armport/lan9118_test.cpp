// LAN9118 driver against a register-file model: bring-up, TX FIFO format, RX parsing.
#include <gtest/gtest.h>

#include <optional>

#include "drivers/lan9118/lan9118.h"
#include "tests/unit/armport/mock_lan9118.h"

namespace oh::arm {
namespace {

using test::MockLan9118;
using test::NoDelay;

const net::MacAddress kFallback { { 0x02, 0, 0x5e, 1, 2, 3 } };

std::vector<uint8_t> pattern(size_t n, uint8_t seed)
{
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; i++)
        v[i] = uint8_t(seed + i * 13);
    return v;
}

struct Lan9118Test : ::testing::Test {
    MockLan9118 chip;
    NoDelay delay;
    std::optional<Lan9118> nic;

    void SetUp() override
    {
        chip.mac_regs[uint32_t(lan9118::MacReg::AddrL)] = 0x12005452; // 52:54:00:12:34:56
        chip.mac_regs[uint32_t(lan9118::MacReg::AddrH)] = 0x5634;
    }
    Result<Lan9118> create() { return Lan9118::create(chip, delay, kFallback); }
    void bring_up()
    {
        auto r = create();
        ASSERT_FALSE(r.is_error()) << r.error_info().text();
        nic.emplace(r.release_value());
    }
};

TEST_F(Lan9118Test, ProbeChecksByteTestAndChipId)
{
    EXPECT_TRUE(Lan9118::probe(chip));
    chip.byte_test = 0x43218765; // wrong bus width / byte order
    EXPECT_FALSE(Lan9118::probe(chip));
    chip.byte_test = 0x87654321;
    chip.id_rev = 0x92200001; // a LAN9220 answers: another register map
    EXPECT_FALSE(Lan9118::probe(chip));
    EXPECT_EQ(chip.resets, 0);
}

TEST_F(Lan9118Test, CreateFailsCleanlyWhenNoLan9118Answers)
{
    chip.byte_test = 0x43218765;
    EXPECT_EQ(create().error(), Error::NotFound);
    chip.byte_test = 0x87654321;
    chip.id_rev = 0xffffffff; // nothing decoded at the address: the bus floats high
    EXPECT_EQ(create().error(), Error::NotFound);
    chip.id_rev = 0;
    EXPECT_EQ(create().error(), Error::NotFound);
    // Refused before any write: no reset, nothing enabled.
    EXPECT_EQ(chip.resets, 0);
    EXPECT_EQ(chip.int_en, 0u);
    EXPECT_EQ(chip.irq_cfg, 0u);
    EXPECT_EQ(chip.tx_cfg, 0u);
}

TEST_F(Lan9118Test, CreateResetsEnablesAndKeepsPreloadedMac)
{
    bring_up();
    EXPECT_EQ(chip.resets, 1);
    net::MacAddress expected { { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };
    EXPECT_EQ(nic->mac(), expected);
    uint32_t mac_cr = chip.mac_regs[uint32_t(lan9118::MacReg::MacCr)];
    EXPECT_TRUE(mac_cr & lan9118::kMacCrRxEnable);
    EXPECT_TRUE(mac_cr & lan9118::kMacCrTxEnable);
    EXPECT_TRUE(chip.tx_cfg & lan9118::kTxCfgTxOn);
    EXPECT_EQ(chip.int_en, lan9118::kIntRxStatusLevel);
    EXPECT_TRUE(chip.irq_cfg & lan9118::kIrqCfgEnable);
    // PHY reset, then auto-negotiation enable + restart, on the internal PHY's register 0.
    ASSERT_EQ(chip.phy_writes.size(), 2u);
    EXPECT_EQ(chip.phy_writes[0], (std::pair<uint32_t, uint16_t>(0, 0x8000)));
    EXPECT_EQ(chip.phy_writes[1], (std::pair<uint32_t, uint16_t>(0, 0x1200)));
}

TEST_F(Lan9118Test, ProgramsFallbackMacWhenNonePreloaded)
{
    chip.mac_regs[uint32_t(lan9118::MacReg::AddrL)] = 0;
    chip.mac_regs[uint32_t(lan9118::MacReg::AddrH)] = 0;
    bring_up();
    EXPECT_EQ(nic->mac(), kFallback);
    EXPECT_EQ(chip.mac_regs[uint32_t(lan9118::MacReg::AddrL)], 0x015e0002u);
    EXPECT_EQ(chip.mac_regs[uint32_t(lan9118::MacReg::AddrH)], 0x0302u);
}

TEST_F(Lan9118Test, ResetThatNeverCompletesTimesOut)
{
    chip.reset_sticks = true;
    EXPECT_EQ(create().error(), Error::Timeout);
    EXPECT_EQ(chip.int_en, 0u); // gave up before enabling anything
}

TEST_F(Lan9118Test, TransmitWritesCommandsAndExactBytes)
{
    bring_up();
    for (size_t len : { size_t(60), size_t(61), size_t(62), size_t(63), size_t(1514) }) {
        auto frame = pattern(len, uint8_t(len));
        ASSERT_FALSE(nic->transmit(frame).is_error()) << len;
        ASSERT_FALSE(chip.tx_frames.empty());
        EXPECT_EQ(chip.tx_frames.back(), frame) << len;
        EXPECT_EQ(chip.m_tx_cmd_b.back() & 0x7ff, len);
    }
    EXPECT_EQ(nic->counters().tx_frames, 5u);
}

TEST_F(Lan9118Test, TransmitRefusesWhenFifoFullOrLengthBad)
{
    bring_up();
    chip.tx_free = 40;
    auto frame = pattern(60, 1);
    EXPECT_EQ(nic->transmit(frame).error(), Error::WouldBlock);
    EXPECT_EQ(nic->counters().tx_full, 1u);
    EXPECT_TRUE(chip.tx_frames.empty());
    chip.tx_free = 4608;
    auto huge = pattern(1515, 1);
    EXPECT_EQ(nic->transmit(huge).error(), Error::InvalidArgument);
    EXPECT_EQ(nic->transmit({}).error(), Error::InvalidArgument);
}

TEST_F(Lan9118Test, ReceiveStripsFcsAndCopiesExactBytes)
{
    bring_up();
    auto a = pattern(60, 7), b = pattern(1514, 9), c = pattern(97, 3);
    chip.queue_rx(a);
    chip.queue_rx(b);
    chip.queue_rx(c);
    uint8_t buf[1518];
    for (auto* want : { &a, &b, &c }) {
        auto r = nic->receive(buf);
        ASSERT_FALSE(r.is_error());
        ASSERT_EQ(r.value(), want->size());
        EXPECT_EQ(std::vector<uint8_t>(buf, buf + r.value()), *want);
    }
    chip.int_en = 0;
    EXPECT_EQ(nic->receive(buf).error(), Error::WouldBlock);
    EXPECT_EQ(chip.int_en, lan9118::kIntRxStatusLevel); // re-armed once drained
    EXPECT_EQ(nic->counters().rx_frames, 3u);
}

TEST_F(Lan9118Test, BadAndOversizeFramesAreDroppedWithoutDesync)
{
    bring_up();
    auto good = pattern(100, 5);
    chip.queue_rx(pattern(200, 1), /*error=*/true);
    chip.queue_rx(pattern(8, 1));      // runt: shorter than an Ethernet header
    chip.queue_rx(pattern(600, 2));    // too big for the caller's buffer below
    chip.queue_rx(good);
    uint8_t buf[512];
    EXPECT_EQ(nic->receive(buf).error(), Error::Malformed);
    EXPECT_EQ(nic->receive(buf).error(), Error::Malformed);
    EXPECT_EQ(nic->receive(buf).error(), Error::NoSpace);
    auto r = nic->receive(buf);
    ASSERT_FALSE(r.is_error());
    EXPECT_EQ(std::vector<uint8_t>(buf, buf + r.value()), good);
    EXPECT_EQ(nic->counters().rx_errors, 2u);
    EXPECT_EQ(nic->counters().rx_oversize, 1u);
    EXPECT_EQ(chip.fast_forwards, 2); // the runt (3 words) was read out instead
}

TEST_F(Lan9118Test, IrqAcknowledgesAndMasksUntilDrained)
{
    bring_up();
    EXPECT_FALSE(nic->handle_irq().has(hw::IrqEvent::RxReady));
    chip.queue_rx(pattern(60, 1));
    EXPECT_TRUE(nic->handle_irq().has(hw::IrqEvent::RxReady));
    EXPECT_EQ(chip.int_en, 0u);
    EXPECT_EQ(chip.int_sts & lan9118::kIntRxStatusLevel, 0u);
}

} // namespace
} // namespace oh::arm
