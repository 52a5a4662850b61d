// WM8994 bring-up over a recording I2C bus, and the STM32 I2C master against its registers.
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "port/armv7m/soc/stm32f7/i2c.h"
#include "drivers/wm8994/wm8994.h"
#include "tests/unit/common/reg_file.h"

namespace oh::arm::stm32 {
namespace {

using hw::test::NoDelayMock;
using hw::test::RegFile;

struct RecordingBus final : hw::I2cBus {
    std::vector<std::pair<uint16_t, uint16_t>> writes; // (register, value)
    uint16_t chip_id { wm8994::kChipId };
    int nack_after { -1 };
    Result<void> write(uint8_t address, std::span<const uint8_t> b) override
    {
        if (address != wm8994::kI2cAddress || b.size() != 4)
            return Error::InvalidArgument;
        if (nack_after >= 0 && int(writes.size()) >= nack_after)
            return Error::Refused;
        writes.push_back({ uint16_t(b[0] << 8 | b[1]), uint16_t(b[2] << 8 | b[3]) });
        return {};
    }
    Result<void> write_read(uint8_t address, std::span<const uint8_t> out, std::span<uint8_t> in) override
    {
        if (address != wm8994::kI2cAddress || out.size() != 2 || in.size() != 2)
            return Error::InvalidArgument;
        in[0] = uint8_t(chip_id >> 8);
        in[1] = uint8_t(chip_id);
        return {};
    }
    int index(uint16_t reg, uint16_t value) const
    {
        for (size_t i = 0; i < writes.size(); i++)
            if (writes[i] == std::make_pair(reg, value))
                return int(i);
        return -1;
    }
};

TEST(Wm8994, BringUpOrderAndPaths)
{
    RecordingBus bus;
    NoDelayMock delay;
    Wm8994 codec(bus, delay);
    ASSERT_FALSE(codec.initialize(57).is_error());
    using namespace wm8994;
    ASSERT_FALSE(bus.writes.empty());
    EXPECT_EQ(bus.writes[0], std::make_pair(kSoftwareReset, uint16_t(0)));
    EXPECT_GE(bus.index(kAif1Rate, kRate16kHz256fs), 0);      // 16 kHz, 256 fs
    EXPECT_GE(bus.index(kPowerMgmt5, 0x0303), 0);             // DAC path powered
    EXPECT_GE(bus.index(kPowerMgmt4, 0x0C30), 0);             // DMIC2 -> AIF1 ADC2
    EXPECT_GE(bus.index(kAif1MasterSlave, 0), 0);             // codec is the slave
    // Anti-pop: VMID before outputs, charge pump before the headphone stages, stages in order.
    int vmid = bus.index(kPowerMgmt1, 0x0003);
    int pump = bus.index(kChargePump1, 0x9F25);
    int stage1 = bus.index(kAnalogHp1, 0x0022);
    int stage2 = bus.index(kAnalogHp1, 0x00EE);
    int hp_on = bus.index(kPowerMgmt1, 0x0303);
    EXPECT_GE(vmid, 0);
    EXPECT_LT(vmid, pump);
    EXPECT_LT(pump, hp_on);
    EXPECT_LT(hp_on, stage1);
    EXPECT_LT(stage1, stage2);
    // Volume lands on both channels, the update bit on the second write only.
    EXPECT_GE(bus.index(kHpout1LVol, 57), 0);
    EXPECT_GE(bus.index(kHpout1RVol, 57 | kVolumeUpdate), 0);
    EXPECT_GE(delay.total_us, 15000u + 50000u);
}

TEST(Wm8994, WrongChipStopsAfterReset)
{
    RecordingBus bus;
    bus.chip_id = 0x1234;
    NoDelayMock delay;
    Wm8994 codec(bus, delay);
    EXPECT_EQ(codec.initialize(57).error(), Error::NotFound);
    EXPECT_EQ(bus.writes.size(), 1u);
}

TEST(Wm8994, BusErrorPropagates)
{
    RecordingBus bus;
    bus.nack_after = 5;
    NoDelayMock delay;
    Wm8994 codec(bus, delay);
    EXPECT_EQ(codec.initialize(57).error(), Error::Refused);
    EXPECT_EQ(bus.writes.size(), 5u);
    EXPECT_EQ(Wm8994(bus, delay).set_headphone_volume(200).error(), Error::Refused);
}

// An I2C peripheral model: transmit/receive always ready, STOP after the last byte.
struct I2cModel : RegFile {
    std::vector<uint8_t> sent;
    std::deque<uint8_t> to_read;
    bool nack { false };
    I2cModel()
    {
        on_read[StmI2c::kIsr] = [this](uint32_t) {
            return nack ? StmI2c::kIsrNackf
                        : StmI2c::kIsrTxis | StmI2c::kIsrRxne | StmI2c::kIsrTc | StmI2c::kIsrStopf;
        };
        on_write[StmI2c::kTxdr] = [this](uint32_t v) { sent.push_back(uint8_t(v)); return v; };
        on_read[StmI2c::kRxdr] = [this](uint32_t) {
            uint8_t b = to_read.empty() ? 0xee : to_read.front();
            if (!to_read.empty())
                to_read.pop_front();
            return uint32_t(b);
        };
    }
};

TEST(StmI2c, WriteProgramsAddressCountAndAutoEnd)
{
    I2cModel regs;
    StmI2c i2c(regs);
    i2c.initialize();
    EXPECT_EQ(regs.regs[StmI2c::kTimingr], StmI2c::kTiming100k);
    EXPECT_TRUE(regs.regs[StmI2c::kCr1] & StmI2c::kCr1Pe);
    const uint8_t bytes[] = { 0x02, 0x10, 0x00, 0x33 };
    ASSERT_FALSE(i2c.write(0x1A, bytes).is_error());
    uint32_t cr2 = regs.regs[StmI2c::kCr2];
    EXPECT_EQ(cr2 & 0x3ff, 0x34u); // 7-bit address in SADD[7:1]
    EXPECT_EQ((cr2 >> 16) & 0xff, 4u);
    EXPECT_TRUE(cr2 & StmI2c::kCr2Autoend);
    EXPECT_FALSE(cr2 & StmI2c::kCr2RdWrn);
    EXPECT_EQ(regs.sent, std::vector<uint8_t>(bytes, bytes + 4));
}

TEST(StmI2c, WriteReadUsesRepeatedStart)
{
    I2cModel regs;
    StmI2c i2c(regs);
    regs.to_read = { 0x89, 0x94 };
    const uint8_t reg[] = { 0x00, 0x00 };
    uint8_t in[2];
    ASSERT_FALSE(i2c.write_read(0x1A, reg, in).is_error());
    EXPECT_EQ(in[0], 0x89);
    EXPECT_EQ(in[1], 0x94);
    std::vector<uint32_t> cr2;
    for (auto& [off, v] : regs.writes)
        if (off == StmI2c::kCr2)
            cr2.push_back(v);
    ASSERT_EQ(cr2.size(), 2u);
    EXPECT_FALSE(cr2[0] & StmI2c::kCr2Autoend); // write phase ends with TC, not STOP
    EXPECT_TRUE(cr2[1] & StmI2c::kCr2RdWrn);
    EXPECT_TRUE(cr2[1] & StmI2c::kCr2Start);
}

TEST(StmI2c, NackIsRefusedAndCleared)
{
    I2cModel regs;
    regs.nack = true;
    StmI2c i2c(regs);
    const uint8_t b[] = { 1, 2 };
    EXPECT_EQ(i2c.write(0x1A, b).error(), Error::Refused);
    EXPECT_GE(regs.first_write(StmI2c::kIcr, StmI2c::kIsrNackf, StmI2c::kIsrNackf), 0);
    EXPECT_EQ(i2c.write(0x1A, {}).error(), Error::InvalidArgument);
}

} // namespace
} // namespace oh::arm::stm32
